// The lab's cheap calls in this checkout against another built checkout (BENCH_OLD), taking turns
// call by call (bench/README.md). Not a test.
import { request } from 'node:http';
import { loadavg } from 'node:os';
import { decodeMethodResponse, encodeMethodCall } from '../scenarios/lib/xmlrpc-codec.ts';
import { median } from '../src/lab/server/cost-profile.js';
import { ROOT, startLabTarget, type Target } from './support/targets.js';

const OLD = process.env.BENCH_OLD;
const NEW = process.env.BENCH_NEW ?? ROOT;
const CALLS = Number(process.env.BENCH_CALLS ?? 500);
const SCALES = (process.env.BENCH_SCALES ?? '0,1').split(',').map(Number);
const PORT = process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : undefined;
const WARMUP = 50;
const DB = 'cheap';
const METHODS = ['write', 'read', 'search_read'] as const;
type Method = (typeof METHODS)[number];

const log = (line: string) => console.error(`cheap-calls: ${line}`);

interface Lab {
  name: 'old' | 'new';
  target: Target;
  port: number;
  uid: number;
  password: string;
  shipments: { id: number; origin: string }[];
}

/** One XML-RPC call on a connection of its own: the client-side ms and the answer's bytes. */
function post(port: number, path: string, body: string): Promise<{ ms: number; xml: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ ms: performance.now() - start, xml: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function value(xml: string, what: string): unknown {
  const decoded = decodeMethodResponse(xml);
  if (decoded.status === 'fault') throw new Error(`${what}: fault ${decoded.faultString}`);
  return decoded.value;
}

function execute(lab: Lab, model: string, method: string, args: unknown[], kwargs?: object) {
  const params = [DB, lab.uid, lab.password, model, method, args, ...(kwargs ? [kwargs] : [])];
  return post(lab.port, '/xmlrpc/2/object', encodeMethodCall('execute_kw', params));
}

/** Carrier-burst's calls for iteration `i`, as scenarios/carrier-burst.ts makes them. */
function call(lab: Lab, method: Method, i: number) {
  const shipment = lab.shipments[i % lab.shipments.length]!;
  const fields = ['state', 'carrier_tracking_ref'];
  switch (method) {
    case 'write':
      return execute(lab, 'stock.picking', 'write', [
        [shipment.id],
        { carrier_tracking_ref: `TRK-BENCH-${i}` },
      ]);
    case 'read':
      return execute(lab, 'stock.picking', 'read', [[shipment.id], fields]);
    case 'search_read':
      return execute(lab, 'stock.picking', 'search_read', [[['origin', '=', shipment.origin]]], {
        fields,
      });
  }
}

async function startLab(name: Lab['name'], root: string, port?: number): Promise<Lab> {
  const target = await startLabTarget(DB, 2, port, root);
  await target.seed([
    '--products',
    '5',
    '--customers',
    '3',
    '--ready-orders',
    '0',
    '--delivered-orders',
    '10',
  ]);
  const env = target.env();
  const labPort = Number(new URL(env.ODOO_URL!).port);
  const auth = await post(
    labPort,
    '/xmlrpc/2/common',
    encodeMethodCall('authenticate', [DB, env.ODOO_USER!, env.ODOO_PASSWORD!, {}]),
  );
  const lab: Lab = {
    name,
    target,
    port: labPort,
    uid: value(auth.xml, 'authenticate') as number,
    password: env.ODOO_PASSWORD!,
    shipments: [],
  };
  const found = await execute(lab, 'stock.picking', 'search_read', [[['origin', '=like', 'S%']]], {
    fields: ['origin'],
    order: 'id',
  });
  lab.shipments = value(found.xml, 'search_read') as Lab['shipments'];
  if (lab.shipments.length === 0) throw new Error(`${name} lab: seeding made no deliveries`);
  return lab;
}

const round = (n: number) => Math.round(n * 100) / 100;
const load = () => loadavg().map((l) => round(l));

async function main(): Promise<void> {
  if (!OLD) throw new Error('BENCH_OLD: the built checkout to compare with is required');
  const labs = [
    await startLab('old', OLD, PORT),
    await startLab('new', NEW, PORT && PORT + 1),
  ] as const;
  const results = [];
  try {
    for (const scale of SCALES) {
      for (const lab of labs) await lab.target.restart(2, scale);
      const times = { old: new Map<Method, number[]>(), new: new Map<Method, number[]>() };
      let differing = 0;
      const loadBefore = load();
      log(`cost scale ${scale}: ${CALLS} calls per method and lab, load ${loadBefore.join(' ')}`);
      for (let i = 0; i < WARMUP + CALLS; i++) {
        // Alternate which lab goes first, so neither always follows the other's call.
        const order = i % 2 ? [labs[1], labs[0]] : [labs[0], labs[1]];
        for (const method of METHODS) {
          const answers: string[] = [];
          for (const lab of order) {
            const { ms, xml } = await call(lab, method, i);
            answers.push(xml);
            if (i < WARMUP) continue;
            const list = times[lab.name].get(method) ?? [];
            list.push(ms);
            times[lab.name].set(method, list);
          }
          if (answers[0] !== answers[1]) differing++;
        }
      }
      const loadAfter = load();
      for (const method of METHODS) {
        const before = median(times.old.get(method)!);
        const after = median(times.new.get(method)!);
        results.push({
          scale,
          call: `stock.picking.${method}`,
          oldMedianMs: round(before),
          newMedianMs: round(after),
          ratio: round(after / before),
          calls: CALLS,
          load: { before: loadBefore, after: loadAfter },
          differingAnswers: differing,
        });
      }
      log(`cost scale ${scale}: done, load ${loadAfter.join(' ')}, ${differing} answers differ`);
    }
  } finally {
    for (const lab of labs) await lab.target.stop();
  }
  console.log(JSON.stringify({ old: OLD, new: NEW, results }, null, 2));
  console.error(
    [
      '',
      '| cost scale | call | before: median ms | after: median ms | after / before | load (1 min) before, after |',
      '| ---: | --- | ---: | ---: | ---: | --- |',
      ...results.map(
        (r) =>
          `| ${r.scale} | ${r.call} | ${r.oldMedianMs} | ${r.newMedianMs} | ${r.ratio.toFixed(2)} | ${r.load.before[0]}, ${r.load.after[0]} |`,
      ),
    ].join('\n'),
  );
}

main().catch((error: Error) => {
  console.error(`cheap-calls: ${error.message}`);
  process.exit(1);
});
