// Records the XML-RPC exchanges the toolkit makes against a real Odoo as the fixtures
// test/fixtures/odoo-<series>-wire (bench/README.md, "Wire recorder").
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeMethodResponse } from '../scenarios/lib/xmlrpc-codec.ts';
import { Secret } from '../src/core/secret.js';
import { OdooFault } from '../src/odoo/faults.js';
import { XmlRpcTransport } from '../src/odoo/xmlrpc-transport.js';

const REPO = join(import.meta.dirname, '..');
const MASK = '********';

interface Recorded {
  path: string;
  request: string;
  response: string;
  status: number;
  contentType: string;
  /** What the recorder was doing: a name for the exchanges it asked for by hand. */
  label?: string;
}

interface IndexEntry {
  name: string;
  path: string;
  method: string;
  /** model.method for execute_kw. */
  call?: string;
  http_status: number;
  content_type: string;
}

/** The text of each <param> of a methodCall, in order. */
function params(xml: string): string[] {
  return [...xml.matchAll(/<param>([\s\S]*?)<\/param>/g)].map((m) => m[1]!);
}

const stringOf = (param: string | undefined): string | undefined =>
  param === undefined
    ? undefined
    : (/<string>([\s\S]*?)<\/string>/.exec(param)?.[1] ??
      /<value>([^<]*)<\/value>/.exec(param)?.[1]);

function methodName(xml: string): string {
  return /<methodName>([^<]*)<\/methodName>/.exec(xml)?.[1] ?? '';
}

/** The secret's position: execute_kw/execute (db, uid, password, …), authenticate/login (db, login, password, …). */
const SECRET_AT: Record<string, number> = { execute_kw: 2, execute: 2, authenticate: 2, login: 2 };

/** The request with the password parameter replaced by the mask, whatever it held. */
function maskSecret(xml: string): string {
  const at = SECRET_AT[methodName(xml)];
  if (at === undefined) return xml;
  let index = -1;
  return xml.replace(/<param>([\s\S]*?)<\/param>/g, (whole) =>
    ++index === at ? `<param><value><string>${MASK}</string></value></param>` : whole,
  );
}

/**
 * The server's install path, from a frame every series' tracebacks carry (16-18's
 * odoo/addons/base/controllers/rpc.py, 19's addons/rpc/controllers/xmlrpc.py, odoo/http.py).
 */
function installPath(responses: string[]): string | undefined {
  const frame =
    /File "(\/[^"]*?)\/(?:odoo\/addons\/base\/controllers\/rpc|addons\/rpc\/controllers\/xmlrpc|odoo\/http)\.py"/;
  for (const response of responses) {
    const match = frame.exec(response);
    if (match) return match[1];
  }
  return undefined;
}

/** The kind of an exchange: one is kept per kind. */
function kindOf(entry: Recorded): { key: string; name: string; method: string; call?: string } {
  const service = entry.path.split('/').at(-1)!;
  const method = methodName(entry.request);
  let call: string | undefined;
  let name = `${service}-${method}`;
  if (method === 'execute_kw') {
    const p = params(entry.request);
    call = `${stringOf(p[3])}.${stringOf(p[4])}`;
    name = `${service}-${call.replaceAll(/[._]/g, '-')}`;
  }
  const fault = /<fault>[\s\S]*?<name>faultCode<\/name>\s*<value><(?:int|string)>([^<]*)</.exec(
    entry.response,
  );
  if (fault) name += `-fault${fault[1]}`;
  if (entry.label) name = entry.label;
  return { key: name, name, method, ...(call && { call }) };
}

function proxy(target: string, recorded: Recorded[], label: { current?: string }) {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      fetch(`${target}${req.url}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'text/xml' },
        ...(req.method === 'POST' && { body }),
      })
        .then(async (answer) => {
          const bytes = Buffer.from(await answer.arrayBuffer());
          const contentType = answer.headers.get('content-type') ?? '';
          if (req.url?.startsWith('/xmlrpc/')) {
            recorded.push({
              path: req.url,
              request: body.toString('utf8'),
              response: bytes.toString('utf8'),
              status: answer.status,
              contentType,
              ...(label.current && { label: label.current }),
            });
          }
          res.writeHead(answer.status, { 'content-type': contentType }).end(bytes);
        })
        .catch((error: unknown) => {
          res.writeHead(502).end(String(error));
        });
    });
  });
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [join(REPO, 'bin', 'odoo-capacity.js'), ...args],
      { env, maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 },
      (error, _stdout, stderr) =>
        error
          ? reject(new Error(`odoo-capacity ${args[0]}: ${stderr.trim().split('\n').at(-1)}`))
          : resolve(),
    ),
  );
}

async function main(): Promise<void> {
  const out = process.argv.slice(2).find((a) => a !== '--');
  const missing = ['ODOO_URL', 'ODOO_DB', 'ODOO_USER', 'ODOO_PASSWORD', 'K6_BIN'].filter(
    (k) => !process.env[k],
  );
  if (!out || missing.length > 0) {
    throw new Error(
      !out
        ? 'usage: record-wire.ts <output dir>, e.g. test/fixtures/odoo-19.0-wire'
        : `record-wire: ${missing.join(', ')} not set (the env the Odoo harness prints, and K6_BIN)`,
    );
  }
  const [ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD] = [
    'ODOO_URL',
    'ODOO_DB',
    'ODOO_USER',
    'ODOO_PASSWORD',
  ].map((k) => process.env[k] ?? '') as [string, string, string, string];
  const recorded: Recorded[] = [];
  const label: { current?: string } = {};
  const server = proxy(ODOO_URL.replace(/\/+$/, ''), recorded, label);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const runsDir = await mkdtemp(join(tmpdir(), 'oc-record-wire-'));
  // Through the proxy, over XML-RPC, without PostgreSQL statistics (no PGURL).
  const { PGURL: _pg, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited, ODOO_URL: url, ODOO_TRANSPORT: 'xmlrpc' };
  try {
    const transport = new XmlRpcTransport({ url });
    const secret = new Secret(ODOO_PASSWORD);
    /** One call recorded under a name of its own; faults are what some of them are for. */
    const named = async (name: string, run: () => Promise<unknown>) => {
      label.current = name;
      try {
        await run();
      } catch (error) {
        if (!(error instanceof OdooFault)) throw error;
      } finally {
        label.current = undefined;
      }
    };
    const kw =
      (model: string, method: string, args: unknown[], pass = secret) =>
      () =>
        transport.executeKw({
          db: ODOO_DB,
          uid: 2,
          secret: pass,
          model,
          method,
          args,
          kwargs: {},
        });
    await named('common-version', () => transport.version());
    await named('common-authenticate-ok', () => transport.authenticate(ODOO_DB, ODOO_USER, secret));
    await named('common-authenticate-wrong-password', () =>
      transport.authenticate(ODOO_DB, ODOO_USER, new Secret('wrong-password')),
    );
    await named(
      'object-wrong-password-fault3',
      kw('res.partner', 'search', [[]], new Secret('wrong-password')),
    );
    await named('object-unknown-model-fault2', kw('no.such.model', 'search', [[]]));
    await named('object-unknown-method-fault1', kw('res.partner', 'no_such_method', [[1]]));
    await named('object-private-method-fault4', kw('sale.order', '_create_invoices', [[]]));

    console.error('record-wire: seed');
    const seedFlags = ['--products', '4', '--customers', '3', '--ready-orders', '12'];
    await cli(
      ['seed', ...seedFlags, '--delivered-orders', '16', '--stock', '100', '--lines', '1'],
      env,
    );
    for (const profile of ['order-wave', 'stock-moves', 'carrier-burst', 'month-end-billing']) {
      console.error(`record-wire: ${profile}`);
      const flags = `--class ${profile} --rates 1 --warmup 1s --hold 4s --id ${profile} --json`;
      await cli(['run', ...flags.split(' '), '--runs-dir', runsDir], env);
    }
    const orders = await transport.executeKw<number[]>({
      db: ODOO_DB,
      uid: 2,
      secret,
      model: 'sale.order',
      method: 'search',
      args: [[['state', '=', 'sale']]],
      kwargs: { limit: 1 },
    });
    if (orders.status === 'returned' && orders.value.length > 0)
      await named(
        'object-confirm-twice-fault2',
        kw('sale.order', 'action_confirm', [orders.value]),
      );
  } finally {
    server.close();
    await rm(runsDir, { recursive: true, force: true });
  }

  // One exchange per kind, the smallest answer, masked.
  const kept = new Map<string, { entry: Recorded; kind: ReturnType<typeof kindOf> }>();
  for (const entry of recorded) {
    const kind = kindOf(entry);
    const seen = kept.get(kind.key);
    if (!seen || (!entry.label && entry.response.length < seen.entry.response.length))
      kept.set(kind.key, { entry, kind });
  }
  // Tracebacks name the server's install path: /opt/odoo instead.
  const root = installPath(recorded.map((r) => r.response));
  const unrooted = (xml: string) => (root ? xml.replaceAll(`${root}/`, '/opt/odoo/') : xml);
  await mkdir(out, { recursive: true });
  for (const file of await readdir(out))
    if (file.endsWith('.xml') || file === 'index.json') await rm(join(out, file));
  const index: IndexEntry[] = [];
  for (const { entry, kind } of [...kept.values()].sort((a, b) =>
    a.kind.name.localeCompare(b.kind.name),
  )) {
    // Every kept answer must decode with the scenarios' codec, or it is no fixture.
    decodeMethodResponse(entry.response);
    await writeFile(join(out, `${kind.name}.request.xml`), maskSecret(entry.request));
    await writeFile(join(out, `${kind.name}.response.xml`), unrooted(entry.response));
    index.push({
      name: kind.name,
      path: entry.path,
      method: kind.method,
      ...(kind.call && { call: kind.call }),
      http_status: entry.status,
      content_type: entry.contentType,
    });
  }
  await writeFile(join(out, 'index.json'), `${JSON.stringify(index, null, 1)}\n`);
  console.error(`record-wire: ${index.length} exchanges of ${recorded.length} into ${out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
