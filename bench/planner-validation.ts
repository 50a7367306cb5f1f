// The planner's validation loop on the lab or a real Odoo 17.0: ladder, plan, restart with the
// recommended workers, predicted against measured (bench/README.md). Not a test.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { PlanJson } from '../src/core/plan-types.js';
import type { StepJson } from '../src/core/run-types.js';
import { arrivalProfile, meanRate } from '../scenarios/lib/scenario-options.ts';
import type { ClassLoad } from '../scenarios/lib/workload.ts';
import { cli, ROOT, startLabTarget, startOdooTarget, type Target } from './support/targets.js';

const TARGET = process.env.BENCH_TARGET ?? 'lab';
const CLASSES = (process.env.BENCH_CLASSES ?? 'order-wave,peak-mix').split(',');
const LADDERS: Record<string, string> = {
  'order-wave': process.env.BENCH_RATES ?? '0.5,1,1.5,2,2.5,3',
  'peak-mix': process.env.BENCH_MIX_RATES ?? '2,4,6,8',
};
const HOLD = process.env.BENCH_HOLD ?? '20s';
const CONFIRM_HOLD = process.env.BENCH_CONFIRM_HOLD ?? '60s';
const DB = 'validation';
/** Scales today's baseline in a copy of models/forecast.yaml: a bigger forecast peak. */
const BASELINE_SCALE = Number(process.env.BENCH_BASELINE_SCALE ?? 1);
const MIX_BATCH_SIZE = Number(process.env.BENCH_MIX_BATCH_SIZE ?? 5);
const EXTRA_WORKERS = (process.env.BENCH_CONFIRM_WORKERS ?? '')
  .split(',')
  .filter(Boolean)
  .map(Number);

const log = (line: string) => console.error(`validation: ${line}`);
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

interface Workload {
  classes: Record<string, ClassLoad & { payload?: Record<string, unknown> }>;
}

/** A copy of models/ for one profile: the forecast's baseline scaled, the peak mix's batches cut. */
async function modelsCopy(work: string, profile: string): Promise<string> {
  const models = join(work, `models-${profile}`);
  await cp(join(ROOT, 'models'), models, { recursive: true });
  const forecastFile = join(models, 'forecast.yaml');
  const forecast = parse(await readFile(forecastFile, 'utf8')) as {
    baseline: Record<string, number>;
  };
  for (const cls of Object.keys(forecast.baseline)) forecast.baseline[cls]! *= BASELINE_SCALE;
  await writeFile(forecastFile, stringify(forecast));
  if (profile === 'peak-mix') {
    await editWorkload(models, (w) => {
      w.classes['month-end-billing']!.payload!.batchSize = MIX_BATCH_SIZE;
    });
  }
  return models;
}

async function editWorkload(models: string, edit: (w: Workload) => void): Promise<void> {
  const file = join(models, 'workload', 'default.yaml');
  const workload = parse(await readFile(file, 'utf8')) as Workload;
  edit(workload);
  await writeFile(file, stringify(workload));
}

/**
 * The peak mix at the forecast's class rates: each class's modelled mean rate (bursts included,
 * scaled with their base rate) set to its forecast rate, so the mix's total splits as forecast.
 */
async function mixAtForecast(models: string, rates: Record<string, number>): Promise<string> {
  const confirm = `${models}-confirm`;
  await cp(models, confirm, { recursive: true });
  await editWorkload(confirm, (w) => {
    for (const [cls, rate] of Object.entries(rates)) {
      const load = w.classes[cls]!;
      const factor = rate / meanRate(arrivalProfile(cls, load, 600));
      load.rate *= factor;
      if (load.burst) load.burst.peakRate *= factor;
    }
  });
  return confirm;
}

interface Measured {
  throughput: number;
  p95Ms: number;
  p50Ms: number;
  errors: number;
}

async function measured(run: string, stepDir: string): Promise<Record<string, Measured>> {
  const step = JSON.parse(await readFile(join(run, stepDir, 'step.json'), 'utf8')) as StepJson;
  return Object.fromEntries(
    Object.entries(step.classes).map(([cls, c]) => [
      cls,
      {
        throughput: round(c.throughput, 3),
        p95Ms: round(c.latency.transaction.p95),
        p50Ms: round(c.latency.transaction.p50),
        errors: c.errors.total,
      },
    ]),
  );
}

async function validate(target: Target, profile: string, work: string) {
  const runStep = async (id: string, rates: string, hold: string, warmup: string, models: string) =>
    JSON.parse(
      await cli(
        [
          'run',
          '--class',
          profile,
          '--rates',
          rates,
          '--hold',
          hold,
          '--warmup',
          warmup,
          '--models',
          models,
          '--runs-dir',
          join(work, 'runs'),
          '--id',
          `${profile}-${id}`,
          '--json',
        ],
        target.env(),
      ),
    ) as { run: string; steps: { dir: string }[] };
  // Master data only; the runner tops the order pools up before each step.
  const seed = () => target.seed(['--ready-orders', '0', '--delivered-orders', '0']);

  const models = await modelsCopy(work, profile);
  log(`${target.name} with 2 workers, seed, ${profile} ladder ${LADDERS[profile]}`);
  await target.restart(2);
  await seed();
  const ladder = await runStep('ladder', LADDERS[profile]!, HOLD, '5s', models);
  await cli(['plan', '--run', ladder.run, '--models', models, '--json'], target.env());
  const plan = JSON.parse(await readFile(join(ladder.run, 'plan.json'), 'utf8')) as PlanJson;
  const classes = profile === 'peak-mix' ? undefined : [profile];
  const pools = plan.workers.filter((w) =>
    classes ? w.classes.some((c) => classes.includes(c)) : w.predictions.length > 0,
  );
  const workers = pools.reduce((sum, w) => sum + w.workers, 0);
  const predictions = pools
    .flatMap((w) => w.predictions)
    .filter((p) => !classes || classes.includes(p.class));
  const rates = Object.fromEntries(predictions.map((p) => [p.class, p.rate]));
  const total = round(
    predictions.reduce((s, p) => s + p.rate, 0),
    2,
  );
  log(
    `plan: ${pools.map((w) => `${w.pool} ${w.workers}`).join(', ')} workers (${workers} in all) for ${total}/s: ${predictions.map((p) => `${p.class} ${round(p.rate, 2)}/s p95 ${p.p95Ms === null ? 'unbounded' : `${round(p.p95Ms, 0)} ms`}`).join('; ')}`,
  );
  const confirmModels = profile === 'peak-mix' ? await mixAtForecast(models, rates) : models;

  const confirm: Record<string, Record<string, Measured>> = {};
  for (const n of [...new Set([workers, 2, ...EXTRA_WORKERS])]) {
    log(`confirmation at ${total}/s with ${n} workers`);
    await target.restart(n);
    await seed();
    const run = await runStep(`confirm-${n}`, String(total), CONFIRM_HOLD, '10s', confirmModels);
    confirm[`workers${n}`] = await measured(run.run, run.steps[0]!.dir);
    log(JSON.stringify(confirm[`workers${n}`]));
  }
  return {
    ladder: { rates: LADDERS[profile], hold: HOLD },
    feasible: plan.feasibility.feasible,
    reasons: plan.feasibility.reasons,
    recommended: {
      workers,
      pools: pools.map((w) => ({
        pool: w.pool,
        workers: w.workers,
        nStar: w.nStar,
        limitedBy: w.limitedBy,
        utilisation: round(w.utilisation, 3),
      })),
      rate: total,
      predictions: predictions.map((p) => ({
        class: p.class,
        rate: round(p.rate, 3),
        // plan.json writes an unbounded p95 (a pool that cannot keep up) as null.
        predictedP95Ms: (p.p95Ms as number | null) === null ? null : round(p.p95Ms),
        sloP95Ms: p.sloP95Ms,
      })),
    },
    confirmation: confirm,
  };
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'oc-validation-'));
  let target: Target | undefined;
  try {
    if (TARGET !== 'lab' && TARGET !== 'odoo17')
      throw new Error(`BENCH_TARGET: expected lab or odoo17, got ${TARGET}`);
    target =
      TARGET === 'lab'
        ? await startLabTarget(
            DB,
            2,
            process.env.BENCH_LAB_PORT ? Number(process.env.BENCH_LAB_PORT) : undefined,
          )
        : await startOdooTarget(
            '17.0',
            Number(process.env.BENCH_ODOO_PORT ?? 18069),
            2,
            process.env.BENCH_ODOO_DIR,
          );
    const results: Record<string, unknown> = {};
    for (const profile of CLASSES) results[profile] = await validate(target, profile, work);
    console.log(
      JSON.stringify(
        { target: TARGET, baselineScale: BASELINE_SCALE, confirmHold: CONFIRM_HOLD, results },
        null,
        2,
      ),
    );
  } finally {
    await target?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`planner-validation: ${(error as Error).message}`);
  process.exitCode = 1;
});
