// The planner's validation loop (issue 6), end to end against the lab on this machine:
//   1. an order-wave ladder on the lab with 2 workers, and `plan` on it;
//   2. the lab restarted with the web workers the plan recommends;
//   3. a confirmation step at the forecast peak order-wave rate — and, side by side, the same
//      step on 2 workers — then predicted against measured throughput and p95.
// Prints one JSON document on stdout; progress on stderr. Not a test: the lab shares 2 cores
// with k6 and PostgreSQL here, so what it shows is how the model fares under that contention.
//
//   npm run build && npx vite-node bench/planner-validation.ts
//   BENCH_RATES=0.5,1,1.5,2,2.5,3 BENCH_HOLD=20s BENCH_CONFIRM_HOLD=60s to change the ladder;
//   BENCH_BASELINE_SCALE=2 doubles the forecast's order-wave baseline (a copy of models/);
//   BENCH_CONFIRM_WORKERS=4,6 adds confirmation steps with those worker counts.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';
import type { PlanJson } from '../src/core/plan-types.js';
import type * as Logging from '../src/core/logger.js';
import type * as Provider from '../src/core/postgres-provider.js';
import type * as Secrets from '../src/core/secret.js';
import type * as LabServer from '../src/lab/server/index.js';
import type { StepJson } from '../src/core/run-types.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'odoo-capacity.js');
const RATES = process.env.BENCH_RATES ?? '0.5,1,1.5,2,2.5,3';
const HOLD = process.env.BENCH_HOLD ?? '20s';
const CONFIRM_HOLD = process.env.BENCH_CONFIRM_HOLD ?? '60s';
const DB = 'validation';
/** Scales today's order-wave baseline in a copy of models/forecast.yaml: a bigger forecast peak. */
const BASELINE_SCALE = Number(process.env.BENCH_BASELINE_SCALE ?? 1);

const dist = async <T>(path: string): Promise<T> =>
  (await import(pathToFileURL(join(ROOT, 'dist', path)).href)) as T;

interface Lab {
  url: string;
  stop(): Promise<void>;
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [BIN, ...args],
      { env, maxBuffer: 64 * 1024 * 1024, timeout: 30 * 60_000 },
      (error, stdout, stderr) => {
        // Exit 1 still wrote its document: plan when the peak is not feasible, run when the step
        // missed (an overloaded confirmation is a result, not a failure of the bench).
        if (error && !(error.code === 1 && stdout.trim() !== ''))
          reject(new Error(`odoo-capacity ${args[0]}: ${stderr.trim().split('\n').pop()}`));
        else resolve(stdout);
      },
    ),
  );
}

async function main(): Promise<void> {
  const { startLocalPostgres, freePort } = await dist<typeof Provider>('core/postgres-provider.js');
  const { startLab } = await dist<typeof LabServer>('lab/server/index.js');
  const { Secret } = await dist<typeof Secrets>('core/secret.js');
  const { Logger } = await dist<typeof Logging>('core/logger.js');

  const work = await mkdtemp(join(tmpdir(), 'oc-validation-'));
  const pg = await startLocalPostgres();
  const password = randomBytes(12).toString('base64url');
  const port = await freePort();
  let lab: Lab | undefined;
  const labWith = async (workers: number): Promise<Lab> => {
    await lab?.stop();
    lab = await startLab({
      port,
      workers,
      databases: [DB],
      pgUrl: pg.url,
      adminPassword: new Secret(password),
      log: new Logger('warn'),
      onProgress: () => undefined,
    });
    return lab;
  };
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    ODOO_URL: `http://127.0.0.1:${port}`,
    ODOO_DB: DB,
    ODOO_USER: 'admin',
    ODOO_PASSWORD: password,
    PGURL: pg.url.reveal(),
  });
  const runStep = async (id: string, rates: string, hold: string, warmup: string) => {
    const out = JSON.parse(
      await cli(
        [
          'run',
          '--class',
          'order-wave',
          '--rates',
          rates,
          '--hold',
          hold,
          '--warmup',
          warmup,
          '--runs-dir',
          join(work, 'runs'),
          '--id',
          id,
          '--json',
        ],
        env(),
      ),
    ) as { run: string; steps: { dir: string }[] };
    return out;
  };
  // Master data only: order-wave needs products, customers and stock, no order pools.
  const seedLab = () =>
    cli(
      [
        'seed',
        '--products',
        '50',
        '--customers',
        '20',
        '--ready-orders',
        '0',
        '--delivered-orders',
        '0',
      ],
      env(),
    );
  const measured = async (dir: string, stepDir: string) => {
    const step = JSON.parse(await readFile(join(dir, stepDir, 'step.json'), 'utf8')) as StepJson;
    const c = step.classes['order-wave']!;
    return {
      throughput: c.throughput,
      p95Ms: c.latency.transaction.p95,
      p50Ms: c.latency.transaction.p50,
      errors: c.errors.total,
      valid: step.valid,
    };
  };

  try {
    console.error('validation: lab with 2 workers, seed, order-wave ladder', RATES);
    await labWith(2);
    await seedLab();
    const ladder = await runStep('ladder', RATES, HOLD, '5s');
    const models = join(work, 'models');
    await cp(join(ROOT, 'models'), models, { recursive: true });
    const forecastFile = join(models, 'forecast.yaml');
    const forecast = parse(await readFile(forecastFile, 'utf8')) as {
      baseline: Record<string, number>;
    };
    forecast.baseline['order-wave']! *= BASELINE_SCALE;
    await writeFile(forecastFile, stringify(forecast));
    await cli(['plan', '--run', ladder.run, '--models', models, '--json'], env());
    const plan = JSON.parse(await readFile(join(ladder.run, 'plan.json'), 'utf8')) as PlanJson;
    const web = plan.workers.find((w) => w.pool === 'web')!;
    const prediction = web.predictions.find((p) => p.class === 'order-wave')!;
    const rate = Number(prediction.rate.toFixed(2));
    // plan.json writes an unbounded p95 (a pool that cannot keep up) as null.
    const p95 = (prediction.p95Ms as number | null) ?? null;
    console.error(
      `validation: plan: ${web.workers} web workers for ${rate} orders/s, predicted p95 ${p95 === null ? 'unbounded (the pool cannot keep up)' : `${p95.toFixed(0)} ms`} (SLO ${prediction.sloP95Ms} ms)`,
    );

    const confirm: Record<string, unknown> = {};
    const extra = (process.env.BENCH_CONFIRM_WORKERS ?? '').split(',').filter(Boolean).map(Number);
    for (const workers of [...new Set([web.workers, 2, ...extra])]) {
      console.error(`validation: confirmation at ${rate}/s with ${workers} workers`);
      await labWith(workers);
      await seedLab();
      const run = await runStep(`confirm-${workers}`, String(rate), CONFIRM_HOLD, '10s');
      confirm[`workers${workers}`] = await measured(run.run, run.steps[0]!.dir);
      console.error(`validation: ${JSON.stringify(confirm[`workers${workers}`])}`);
    }
    const result = {
      ladder: { rates: RATES, hold: HOLD, nStar: web.nStar, limitedBy: web.limitedBy },
      baselineScale: BASELINE_SCALE,
      feasible: plan.feasibility.feasible,
      reasons: plan.feasibility.reasons,
      recommended: {
        workers: web.workers,
        rate,
        predictedThroughput: rate,
        predictedP95Ms: p95 === null ? null : Number(p95.toFixed(1)),
        sloP95Ms: prediction.sloP95Ms,
        utilisation: Number(web.utilisation.toFixed(3)),
      },
      confirmation: confirm,
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await lab?.stop();
    await pg.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`planner-validation: ${(error as Error).message}`);
  process.exitCode = 1;
});
