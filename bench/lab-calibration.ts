// The lab against real Odoo 17.0 (issue 14): both with 2 workers on this machine, seeded alike,
// each class's real scenario run through the runner as a closed ladder (1, 2, 4, 8 VUs by
// default), the two targets interleaved class by class. From the 1-VU step's raw k6 output, the
// median of every (model, method) call the scenario made in the hold; from each step, the class's
// transaction p50 and throughput; per class the knee N* = X_max / X(1) (operational analysis:
// where the throughput asymptote X_max crosses the light-load line N / (R(1) + Z), with
// X(1) = 1 / (R(1) + Z) measured). Prints one JSON document on stdout and the Markdown tables
// on stderr after the progress. Not a test.
//
//   npm run build && npx vite-node bench/lab-calibration.ts
//   BENCH_CLASSES=order-wave,carrier-burst,stock-moves,month-end-billing BENCH_VUS=1,2,4,8
//   BENCH_WARMUP=5s BENCH_HOLD=20s BENCH_TARGETS=lab,odoo17 BENCH_ODOO_PORT=18069
//   BENCH_ODOO_DIR=$TMPDIR/odoo-PORT BENCH_LAB_PORT=<free>
//   BENCH_READY_ORDERS=500 BENCH_BILLING_ORDERS=800 BENCH_LAB_BILLING_ORDERS=2400 (the pools)
//   BENCH_RUNS_DIR=<keep the run directories there>; BENCH_FROM_RUNS=<such a directory> reads
//   them again instead of measuring; BENCH_FIXTURE=<file> writes the Odoo side as the cost
//   profile's source (test/fixtures/odoo-17.0-calibration.json)
import { createReadStream } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import type { StepJson } from '../src/core/run-types.js';
import { cli, ROOT, startLabTarget, startOdooTarget, type Target } from './support/targets.js';

const CLASSES = (
  process.env.BENCH_CLASSES ?? 'order-wave,carrier-burst,stock-moves,month-end-billing'
).split(',');
const VUS = (process.env.BENCH_VUS ?? '1,2,4,8').split(',').map(Number);
const WARMUP = process.env.BENCH_WARMUP ?? '5s';
const HOLD = process.env.BENCH_HOLD ?? '20s';
const TARGETS = (process.env.BENCH_TARGETS ?? 'lab,odoo17').split(',');
const ODOO_PORT = Number(process.env.BENCH_ODOO_PORT ?? 18069);
const LAB_PORT = process.env.BENCH_LAB_PORT ? Number(process.env.BENCH_LAB_PORT) : undefined;
// The pools stock-moves and month-end billing draw from, seeded before their ladder (the runner's
// top-up is off for them: it assumes 2 transactions/s per closed VU, too few for stock-moves on
// this machine and, at 20 orders a batch, thousands of delivered orders for billing).
const POOLS: Record<string, { flag: string; count: number }> = {
  'stock-moves': {
    flag: '--ready-orders',
    count: Number(process.env.BENCH_READY_ORDERS ?? 500),
  },
  'month-end-billing': {
    flag: '--delivered-orders',
    count: Number(process.env.BENCH_BILLING_ORDERS ?? 800),
  },
};
/** The lab seeds fast (at cost scale 0) and may bill faster than Odoo: a bigger delivered pool. */
const LAB_BILLING_ORDERS = Number(process.env.BENCH_LAB_BILLING_ORDERS ?? 2400);
const DB = 'calibration';
// k6 overwrites a request's `method` tag with the HTTP method (POST) unless `method` is left out
// of its system tags: the wrapper runs the class's own scenario with only that option changed.
const SYSTEM_TAGS = [
  'proto',
  'subproto',
  'status',
  'url',
  'name',
  'group',
  'check',
  'error',
  'error_code',
  'tls_version',
  'scenario',
  'service',
  'expected_response',
];

const log = (line: string) => console.error(`calibration: ${line}`);

interface StepFigures {
  vus: number;
  /** The runner's verdict: an invalid step (errors over the cap, pool run dry) is not in X_max. */
  valid: boolean;
  throughput: number;
  p50Ms: number;
  p95Ms: number;
  transactions: number;
  errors: number;
}
interface ClassResult {
  steps: StepFigures[];
  /** (model.method) → median ms and samples, from the 1-VU step's hold. */
  calls: Record<string, { medianMs: number; count: number }>;
  xMax: number;
  /** N* = X_max / X(1). */
  knee: number;
  stopped?: string;
  startedAt: string;
}

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/** Durations of each (model, method) call the class made in the hold, from k6's raw output. */
async function callSamples(ndjson: string, cls: string): Promise<Map<string, number[]>> {
  const byCall = new Map<string, number[]>();
  const lines = createInterface({ input: createReadStream(ndjson), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.includes('"http_req_duration","type":"Point"')) continue;
    const { data } = JSON.parse(line) as {
      data: { value: number; tags: Record<string, string | undefined> };
    };
    const { tags } = data;
    if (tags.phase !== 'hold' || tags.class !== cls || !tags.model || !tags.method) continue;
    const key = `${tags.model}.${tags.method}`;
    byCall.set(key, [...(byCall.get(key) ?? []), data.value]);
  }
  return byCall;
}

const medians = (byCall: Map<string, number[]>): ClassResult['calls'] =>
  Object.fromEntries(
    [...byCall].map(([key, v]) => [key, { medianMs: round(median(v)), count: v.length }]),
  );

async function wrapper(dir: string, cls: string): Promise<string> {
  const scenario = join(ROOT, 'scenarios', `${cls}.ts`);
  const file = join(dir, `${cls}.ts`);
  await writeFile(
    file,
    [
      `import * as scenario from ${JSON.stringify(scenario)};`,
      `export * from ${JSON.stringify(scenario)};`,
      `export const options = { ...scenario.options, systemTags: ${JSON.stringify(SYSTEM_TAGS)} };`,
      '',
    ].join('\n'),
  );
  return file;
}

async function runClass(
  target: Target,
  cls: string,
  work: string,
  samples: Map<string, number[]>,
): Promise<ClassResult> {
  const id = `${target.name}-${cls}`;
  // A closed ladder that runs every step: the knee is measured, not a reason to stop.
  const ladder = join(work, `${id}.yaml`);
  await writeFile(
    ladder,
    stringify({
      profile: cls,
      model: 'closed',
      steps: VUS,
      warmup: WARMUP,
      hold: HOLD,
      stopAt: { p50Factor: 1000 },
    }),
  );
  const pool =
    cls === 'month-end-billing' && target.name === 'lab'
      ? { ...POOLS[cls]!, count: LAB_BILLING_ORDERS }
      : POOLS[cls];
  if (pool) {
    log(`${target.name}: seeding ${pool.flag} ${pool.count} for ${cls}`);
    const counts = {
      '--ready-orders': '0',
      '--delivered-orders': '0',
      [pool.flag]: String(pool.count),
    };
    await target.seed(Object.entries(counts).flat());
  }
  log(`${target.name}: ${cls} closed ladder ${VUS.join(',')} VUs, warm-up ${WARMUP}, hold ${HOLD}`);
  const out = JSON.parse(
    await cli(
      [
        'run',
        '--ladder',
        ladder,
        '--script',
        await wrapper(work, cls),
        '--keep-raw',
        ...(pool ? ['--no-seed'] : []),
        '--runs-dir',
        join(work, 'runs'),
        '--id',
        id,
        '--json',
      ],
      target.env(),
    ),
  ) as { run: string };
  return analyse(out.run, target.name, cls, samples);
}

/** A class's figures from its run directory; its 1-VU call samples go into `samples` too. */
async function analyse(
  run: string,
  name: string,
  cls: string,
  samples: Map<string, number[]>,
): Promise<ClassResult> {
  const runJson = JSON.parse(await readFile(join(run, 'run.json'), 'utf8')) as {
    stopReason?: { kind: string; detail?: string };
    steps: { dir: string }[];
    startedAt: string;
  };
  const steps: StepFigures[] = [];
  for (const s of runJson.steps) {
    const step = JSON.parse(await readFile(join(run, s.dir, 'step.json'), 'utf8')) as StepJson;
    const c = step.classes[cls as keyof StepJson['classes']];
    if (!c) {
      log(`${name}: ${cls}: step ${step.label} has no figures: ${step.invalidReasons.join('; ')}`);
      continue;
    }
    steps.push({
      vus: step.load.vus!,
      valid: step.valid,
      throughput: round(c.throughput, 3),
      p50Ms: round(c.latency.transaction.p50),
      p95Ms: round(c.latency.transaction.p95),
      transactions: c.transactions,
      errors: c.errors.total,
    });
  }
  const byCall = await callSamples(join(run, runJson.steps[0]!.dir, 'k6-out.ndjson'), cls);
  for (const [key, v] of byCall) samples.set(key, [...(samples.get(key) ?? []), ...v]);
  const calls = medians(byCall);
  const xMax = Math.max(...steps.filter((s) => s.valid).map((s) => s.throughput));
  const x1 = steps.find((s) => s.vus === 1)?.throughput ?? NaN;
  const result: ClassResult = {
    steps,
    calls,
    xMax,
    knee: round(xMax / x1, 2),
    startedAt: runJson.startedAt,
  };
  const stop = runJson.stopReason;
  if (stop && stop.kind !== 'complete') result.stopped = stop.detail ?? stop.kind;
  log(`${name}: ${cls}: ${JSON.stringify({ ...result, calls: undefined })}`);
  return result;
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? (a / b).toFixed(2) : '–';
const flag = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 && Math.abs(a / b - 1) > 0.15 ? ' **' : '';

function markdown(results: Record<string, Record<string, ClassResult>>): string {
  const [lab, odoo] = [results.lab ?? {}, results.odoo17 ?? {}];
  const out: string[] = [];
  out.push('| class | call (model.method) | lab median ms | Odoo 17 median ms | lab / Odoo |');
  out.push('| --- | --- | ---: | ---: | ---: |');
  for (const cls of CLASSES) {
    const keys = [
      ...new Set([...Object.keys(odoo[cls]?.calls ?? {}), ...Object.keys(lab[cls]?.calls ?? {})]),
    ];
    for (const key of keys) {
      const [a, b] = [lab[cls]?.calls[key]?.medianMs, odoo[cls]?.calls[key]?.medianMs];
      out.push(`| ${cls} | ${key} | ${a ?? '–'} | ${b ?? '–'} | ${ratio(a, b)}${flag(a, b)} |`);
    }
  }
  out.push('');
  out.push(
    '| class | VUs | lab: tx/s, p50 ms | Odoo 17: tx/s, p50 ms | throughput lab / Odoo | p50 lab / Odoo |',
  );
  out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const cls of CLASSES) {
    for (const vus of VUS) {
      const [a, b] = [
        lab[cls]?.steps.find((s) => s.vus === vus),
        odoo[cls]?.steps.find((s) => s.vus === vus),
      ];
      const cell = (s?: StepFigures) =>
        s ? `${s.throughput}, ${s.p50Ms}${s.valid ? '' : ' (invalid)'}` : '–';
      out.push(
        `| ${cls} | ${vus} | ${cell(a)} | ${cell(b)} | ${ratio(a?.throughput, b?.throughput)} | ${ratio(a?.p50Ms, b?.p50Ms)}${vus === 1 ? flag(a?.p50Ms, b?.p50Ms) : ''} |`,
      );
    }
  }
  out.push('');
  out.push('| class | lab X_max, N* | Odoo 17 X_max, N* | knee lab / Odoo |');
  out.push('| --- | ---: | ---: | ---: |');
  for (const cls of CLASSES) {
    const [a, b] = [lab[cls], odoo[cls]];
    const cell = (r?: ClassResult) => (r ? `${r.xMax}, ${r.knee}` : '–');
    out.push(
      `| ${cls} | ${cell(a)} | ${cell(b)} | ${ratio(a?.knee, b?.knee)}${flag(a?.knee, b?.knee)} |`,
    );
  }
  return out.join('\n');
}

/**
 * The Odoo side as the lab's cost profile reads it: per (model.method), the median of every
 * 1-VU sample of that call over all classes, and each class's ladder.
 */
function fixture(
  name: string,
  results: Record<string, ClassResult>,
  samples: Map<string, number[]>,
): unknown {
  return {
    what: `Service times of real Odoo 17.0 Community (${name}) over XML-RPC, measured by bench/lab-calibration.ts on the 2-core development machine: prefork with 2 HTTP workers, PostgreSQL on the same machine, seeded by odoo-capacity seed, each class's scenario run by the runner as a closed ladder (${VUS.join(', ')} VUs, warm-up ${WARMUP}, hold ${HOLD}).`,
    use: "The lab's cost profile (src/lab/server/cost-profile.ts) holds these medians; never quote them as a prediction for other hardware.",
    measured: Object.values(results)[0]?.startedAt.slice(0, 10),
    calls: Object.fromEntries(
      [...samples]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, v]) => [key, { median_ms: round(median(v)), samples: v.length }]),
    ),
    ladders: Object.fromEntries(
      Object.entries(results).map(([cls, r]) => [
        cls,
        { steps: r.steps, x_max: r.xMax, knee: r.knee, calls: r.calls },
      ]),
    ),
  };
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'oc-calibration-'));
  const runsDir = process.env.BENCH_RUNS_DIR;
  // BENCH_FROM_RUNS: read the runs a previous bench kept (BENCH_RUNS_DIR) instead of measuring.
  const from = process.env.BENCH_FROM_RUNS;
  const targets: Target[] = [];
  const results: Record<string, Record<string, ClassResult>> = {};
  const samples: Record<string, Map<string, number[]>> = {};
  try {
    for (const name of from ? [] : TARGETS) {
      log(`starting ${name} with 2 workers`);
      const target =
        name === 'lab'
          ? await startLabTarget(DB, 2, LAB_PORT)
          : await startOdooTarget('17.0', ODOO_PORT, 2, process.env.BENCH_ODOO_DIR);
      targets.push(target);
      log(`${name}: seeding master data`);
      await target.seed(['--ready-orders', '0', '--delivered-orders', '0']);
    }
    for (const name of TARGETS) [results[name], samples[name]] = [{}, new Map()];
    // Interleaved: each class on one target right after the other, so both see the same machine.
    for (const cls of CLASSES) {
      for (const name of TARGETS) {
        const target = targets.find((t) => t.name === name);
        results[name]![cls] = target
          ? await runClass(target, cls, work, samples[name]!)
          : await analyse(join(from!, `${name}-${cls}`), name, cls, samples[name]!);
      }
    }
    const table = markdown(results);
    console.log(
      JSON.stringify(
        {
          when: new Date().toISOString(),
          ladder: { model: 'closed', vus: VUS, warmup: WARMUP, hold: HOLD },
          knee: 'N* = X_max / X(1): max throughput over the ladder over the 1-VU throughput',
          results,
          markdown: table,
        },
        null,
        2,
      ),
    );
    console.error(`\n${table}`);
    // BENCH_FIXTURE: write the Odoo side, the lab's cost profile's source, to this file.
    const odoo = TARGETS.find((t) => t !== 'lab');
    if (process.env.BENCH_FIXTURE && odoo) {
      await writeFile(
        process.env.BENCH_FIXTURE,
        `${JSON.stringify(fixture(odoo, results[odoo]!, samples[odoo]!), null, 1)}\n`,
      );
    }
  } finally {
    for (const target of targets) await target.stop().catch(() => undefined);
    if (runsDir) await cp(join(work, 'runs'), runsDir, { recursive: true }).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`lab-calibration: ${(error as Error).message}`);
  process.exitCode = 1;
});
