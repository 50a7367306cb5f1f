// The lab against real Odoo, series by series (issues 14 and 15): for each series, a real Odoo of
// that series and the lab emulating it (`lab start --serie`), both with 2 workers on this machine,
// seeded alike, each class's real scenario run through the runner as a closed ladder (1, 2, 4, 8
// VUs by default), the two targets interleaved class by class; 19.0 over XML-RPC and, on request,
// over JSON-2 with an API key of admin on both (the same two servers). The series run one after
// the other, each pair stopped before the next starts. From the 1-VU step's raw k6 output, the
// median of every (model, method) call the scenario made in the hold; from each step, the class's
// transaction p50 and throughput; per class the knee N* = X_max / X(1) (operational analysis:
// where the throughput asymptote X_max crosses the light-load line N / (R(1) + Z), with
// X(1) = 1 / (R(1) + Z) measured). Prints one JSON document on stdout and, on stderr after the
// progress, one Markdown table (series × class × VUs) for src/lab/README.md. Not a test.
//
//   npm run build && npx vite-node bench/lab-calibration.ts
//   BENCH_SERIES=16.0,17.0,18.0,19.0 BENCH_TRANSPORTS=xmlrpc (xmlrpc,json2: 19.0 over both)
//   BENCH_CLASSES=order-wave,carrier-burst,stock-moves,month-end-billing BENCH_VUS=1,2,4,8
//   BENCH_WARMUP=2s BENCH_HOLD=8s BENCH_TARGETS=lab,odoo BENCH_ODOO_PORT=18069
//   BENCH_ODOO_DIR=<a directory per series under it, kept and reset to the fresh database; by
//   default fresh ones under $TMPDIR, deleted after> BENCH_LAB_PORT=<free>
//   BENCH_READY_ORDERS BENCH_BILLING_ORDERS BENCH_LAB_BILLING_ORDERS (the pools, by default sized
//   to the warm-up and hold: 280 and 660 at 2 s and 8 s)
//   BENCH_RUNS_DIR=<keep the run directories there>; BENCH_FROM_RUNS=<such a directory> reads
//   them again instead of measuring; BENCH_FIXTURE=<file> writes the Odoo 17.0 side as the cost
//   profile's source (test/fixtures/odoo-17.0-calibration.json)
import { createReadStream, existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import type { StepJson } from '../src/core/run-types.js';
import { parseDurationSeconds } from '../src/core/models/ladder.js';
import { LAB_SERIES, serieMajor, type OdooSerie } from '../src/lab/contract.js';
import { median } from '../src/lab/server/cost-profile.js';
import { cli, ROOT, startLabTarget, startOdooTarget, type Target } from './support/targets.js';

/** Bad input: one line naming the variable, exit 2. */
function refuse(message: string): never {
  console.error(`lab-calibration: ${message}`);
  process.exit(2);
}

/** A comma-separated variable, each item one of `allowed`. */
function listOf<T extends string>(name: string, fallback: string, allowed?: readonly T[]): T[] {
  const items = (process.env[name] ?? fallback)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const bad = allowed ? items.filter((item) => !allowed.includes(item as T)) : [];
  if (items.length === 0 || bad.length > 0)
    refuse(
      `${name}: expected a comma-separated list${allowed ? ` of ${allowed.join(', ')}` : ''}, got "${process.env[name]}"`,
    );
  return items as T[];
}

const CLASS_NAMES = ['order-wave', 'carrier-burst', 'stock-moves', 'month-end-billing'] as const;
const TRANSPORT_NAMES = ['xmlrpc', 'json2'] as const;
const TARGET_NAMES = ['lab', 'odoo'] as const;
type Transport = (typeof TRANSPORT_NAMES)[number];
type TargetName = (typeof TARGET_NAMES)[number];

const SERIES = listOf<OdooSerie>('BENCH_SERIES', LAB_SERIES.join(','), LAB_SERIES);
const TRANSPORTS = listOf<Transport>('BENCH_TRANSPORTS', 'xmlrpc', TRANSPORT_NAMES);
const CLASSES = listOf('BENCH_CLASSES', CLASS_NAMES.join(','), CLASS_NAMES);
const TARGETS = listOf<TargetName>('BENCH_TARGETS', TARGET_NAMES.join(','), TARGET_NAMES);
const VUS = listOf('BENCH_VUS', '1,2,4,8').map(Number);
if (VUS.some((n) => !Number.isInteger(n) || n < 1))
  refuse(`BENCH_VUS: expected whole numbers of VUs, got "${process.env.BENCH_VUS}"`);
// 2 s of warm-up and 8 s of hold: the full matrix (4 series × 4 classes × 2 targets × 4 steps)
// then takes about 45 minutes on the 2-core machine, each step's k6 start and ingest, the
// starts and the seeding included (bench/README.md).
const WARMUP = process.env.BENCH_WARMUP ?? '2s';
const HOLD = process.env.BENCH_HOLD ?? '8s';
const stepSeconds = [WARMUP, HOLD].map((d) => parseDurationSeconds(d));
if (stepSeconds.includes(undefined))
  refuse(`BENCH_WARMUP, BENCH_HOLD: expected durations such as 2s or 1m, got ${WARMUP}, ${HOLD}`);
const STEP_SECONDS = stepSeconds[0]! + stepSeconds[1]!;
const ODOO_PORT = Number(process.env.BENCH_ODOO_PORT ?? 18069);
const LAB_PORT = process.env.BENCH_LAB_PORT ? Number(process.env.BENCH_LAB_PORT) : undefined;
/** A pool's size: the variable, else `perSecond` for each second of a step (warm-up and hold). */
const poolSize = (name: string, perSecond: number) =>
  Number(process.env[name] ?? Math.ceil((perSecond * STEP_SECONDS) / 20) * 20);
// The pools stock-moves and month-end billing draw from, seeded before their ladder (the runner's
// top-up is off for them: it assumes 2 transactions/s per closed VU, too few for stock-moves on
// this machine and, at 20 orders a batch, thousands of delivered orders for billing). By default
// sized for a ladder of 1, 2, 4, 8 VUs as fast as Odoo 17.0 ran it here, with a margin: stock-moves
// 30 transactions/s over the four steps, three in four taking a ready delivery; billing 3
// batches of 20 orders a second.
const POOLS: Record<string, { flag: string; count: number }> = {
  'stock-moves': { flag: '--ready-orders', count: poolSize('BENCH_READY_ORDERS', 28) },
  'month-end-billing': {
    flag: '--delivered-orders',
    count: poolSize('BENCH_BILLING_ORDERS', 66),
  },
};
/** The lab's delivered pool, when it should differ from Odoo's. */
const LAB_BILLING_ORDERS = Number(
  process.env.BENCH_LAB_BILLING_ORDERS ?? POOLS['month-end-billing']!.count,
);
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

/** One row group of the table: a series over one transport (JSON-2 on 19.0 and later only). */
interface Variant {
  series: OdooSerie;
  transport: Transport;
  /** `18.0`, `19.0` (XML-RPC) or `19.0 JSON-2`: the table's first column and the results' key. */
  label: string;
}
const VARIANTS: Variant[] = SERIES.flatMap((series) =>
  TRANSPORTS.filter((t) => t === 'xmlrpc' || serieMajor(series) >= 19).map((transport) => ({
    series,
    transport,
    label: transport === 'json2' ? `${series} JSON-2` : series,
  })),
);
if (VARIANTS.length === 0)
  refuse('BENCH_TRANSPORTS=json2 needs a series from 19.0 on in BENCH_SERIES');

const began = Date.now();
/** A progress line on stderr, with the minutes since the bench began. */
const log = (line: string) =>
  console.error(`calibration [${((Date.now() - began) / 60_000).toFixed(1)} min]: ${line}`);

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

/** The run id and directory name of a class's ladder: `19.0-json2-lab-order-wave`. */
const runId = (variant: Variant, who: TargetName, cls: string) =>
  `${variant.series}-${variant.transport}-${who}-${cls}`;

/** The target's variables for the runner, over JSON-2 with its API key when the variant says so. */
async function targetEnv(target: Target, variant: Variant): Promise<NodeJS.ProcessEnv> {
  const env = target.env();
  if (variant.transport === 'xmlrpc') return env;
  const { ODOO_PASSWORD: _password, ...rest } = env;
  return { ...rest, ODOO_API_KEY: await target.apiKey(), ODOO_TRANSPORT: 'json2' };
}

async function runClass(
  target: Target,
  who: TargetName,
  variant: Variant,
  cls: string,
  work: string,
  samples: Map<string, number[]>,
): Promise<ClassResult> {
  const id = runId(variant, who, cls);
  const name = `${variant.label} ${who}`;
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
    cls === 'month-end-billing' && who === 'lab'
      ? { ...POOLS[cls]!, count: LAB_BILLING_ORDERS }
      : POOLS[cls];
  if (pool) {
    // Over XML-RPC whatever the variant: seeding is not measured.
    log(`${name}: seeding ${pool.flag} ${pool.count} for ${cls}`);
    const counts = {
      '--ready-orders': '0',
      '--delivered-orders': '0',
      [pool.flag]: String(pool.count),
    };
    await target.seed(Object.entries(counts).flat());
  }
  log(`${name}: ${cls} closed ladder ${VUS.join(',')} VUs, warm-up ${WARMUP}, hold ${HOLD}`);
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
      await targetEnv(target, variant),
    ),
  ) as { run: string };
  return analyse(out.run, name, cls, samples);
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

/** Per variant label, per target, per class. */
type Results = Record<string, Partial<Record<TargetName, Record<string, ClassResult>>>>;

/**
 * The one table for src/lab/README.md: per series (and transport), class and VUs, each side's
 * throughput and p50, and lab / Odoo for both; `**` marks a ratio more than 15 % from 1 at 1 VU.
 */
function markdown(results: Results): string {
  const out = [
    '| series | class | VUs | lab: tx/s, p50 ms | Odoo: tx/s, p50 ms | tx/s lab / Odoo | p50 lab / Odoo |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const cell = (s?: StepFigures) =>
    s ? `${s.throughput}, ${s.p50Ms}${s.valid ? '' : ' (invalid)'}` : '–';
  for (const { label } of VARIANTS) {
    for (const cls of CLASSES) {
      for (const vus of VUS) {
        const [a, b] = [results[label]?.lab, results[label]?.odoo].map((side) =>
          side?.[cls]?.steps.find((s) => s.vus === vus),
        );
        const mark = (x?: number, y?: number) => (vus === 1 ? flag(x, y) : '');
        out.push(
          `| ${label} | ${cls} | ${vus} | ${cell(a)} | ${cell(b)} | ${ratio(a?.throughput, b?.throughput)}${mark(a?.throughput, b?.throughput)} | ${ratio(a?.p50Ms, b?.p50Ms)}${mark(a?.p50Ms, b?.p50Ms)} |`,
        );
      }
    }
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

/** Real Odoo `series` with 2 workers on BENCH_ODOO_PORT, from a fresh database. */
async function startOdoo(series: OdooSerie, work: string): Promise<Target> {
  const parent = process.env.BENCH_ODOO_DIR;
  if (parent) {
    await mkdir(parent, { recursive: true, mode: 0o755 });
    return startOdooTarget(series, ODOO_PORT, 2, join(parent, series), { fresh: true });
  }
  return startOdooTarget(series, ODOO_PORT, 2, join(work, `odoo-${series}`));
}

async function main(): Promise<void> {
  const runsDir = process.env.BENCH_RUNS_DIR;
  // BENCH_FROM_RUNS: read the runs a previous bench kept (BENCH_RUNS_DIR) instead of measuring.
  const from = process.env.BENCH_FROM_RUNS;
  const fixturePath = process.env.BENCH_FIXTURE;
  if (fixturePath && !(SERIES.includes('17.0') && TARGETS.includes('odoo')))
    refuse(
      "BENCH_FIXTURE: the cost profile is Odoo 17.0's: BENCH_SERIES and BENCH_TARGETS must hold 17.0 and odoo",
    );
  if (from && !existsSync(from)) refuse(`BENCH_FROM_RUNS: no directory ${from}`);
  // Under $TMPDIR, reachable by the postgres user the Odoo harness runs PostgreSQL as (root).
  const work = await mkdtemp(join(tmpdir(), 'oc-calibration-'));
  await chmod(work, 0o755);
  const results: Results = {};
  const samples: Record<string, Partial<Record<TargetName, Map<string, number[]>>>> = {};
  for (const { label } of VARIANTS) [results[label], samples[label]] = [{}, {}];
  let running: Partial<Record<TargetName, Target>> = {};
  const stopAll = async () => {
    for (const target of Object.values(running)) await target.stop().catch(() => undefined);
    running = {};
  };
  // What failed (a target that did not start, a ladder k6 aborted): logged, left out of the
  // table, listed after it, and the exit code 1; the rest of the matrix still runs.
  const failures: string[] = [];
  const attempt = async (what: string, job: () => Promise<void>): Promise<boolean> => {
    try {
      await job();
      return true;
    } catch (error) {
      failures.push(`${what}: ${(error as Error).message}`);
      log(`${what} FAILED: ${(error as Error).message}`);
      return false;
    }
  };
  try {
    for (const series of SERIES) {
      const variants = VARIANTS.filter((v) => v.series === series);
      if (variants.length === 0) continue;
      const json2 = variants.some((v) => v.transport === 'json2');
      const started = await attempt(`${series}: starting and seeding`, async () => {
        for (const who of from ? [] : TARGETS) {
          log(`${series}: starting ${who} with 2 workers`);
          running[who] =
            who === 'lab'
              ? await startLabTarget(DB, 2, LAB_PORT, ROOT, { serie: series, json2 })
              : await startOdoo(series, work);
          log(`${series} ${who}: seeding master data`);
          await running[who].seed(['--ready-orders', '0', '--delivered-orders', '0']);
        }
      });
      // Interleaved: each class on one target right after the other, so both see the same machine.
      for (const cls of started ? CLASSES : []) {
        for (const variant of variants) {
          for (const who of TARGETS) {
            const target = running[who];
            const name = `${variant.label} ${who}`;
            const into = (samples[variant.label]![who] ??= new Map());
            await attempt(`${name}: ${cls}`, async () => {
              (results[variant.label]![who] ??= {})[cls] = target
                ? await runClass(target, who, variant, cls, work, into)
                : await analyse(join(from!, runId(variant, who, cls)), name, cls, into);
            });
          }
        }
      }
      await stopAll();
      log(`${series}: done`);
    }
    const table = markdown(results);
    console.log(
      JSON.stringify(
        {
          when: new Date().toISOString(),
          minutes: round((Date.now() - began) / 60_000),
          ladder: { model: 'closed', vus: VUS, warmup: WARMUP, hold: HOLD },
          knee: 'N* = X_max / X(1): max throughput over the ladder over the 1-VU throughput',
          results,
          failures,
          markdown: table,
        },
        null,
        2,
      ),
    );
    console.error(`\n${table}`);
    if (failures.length > 0) {
      console.error(`\nnot measured (–):\n${failures.map((f) => `- ${f}`).join('\n')}`);
      process.exitCode = 1;
    }
    // BENCH_FIXTURE: write the Odoo 17.0 side, the lab's cost profile's source, to this file.
    if (fixturePath) {
      if (!results['17.0']?.odoo) throw new Error('BENCH_FIXTURE: no Odoo 17.0 ladder to write');
      await writeFile(
        fixturePath,
        `${JSON.stringify(fixture('odoo17', results['17.0']!.odoo!, samples['17.0']!.odoo!), null, 1)}\n`,
      );
    }
  } finally {
    await stopAll();
    if (runsDir) await cp(join(work, 'runs'), runsDir, { recursive: true }).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`lab-calibration: ${(error as Error).message}`);
  process.exitCode = 1;
});
