// The lab overload soak: 2 workers under SOAK_FACTOR × the knee through the runner, then checks
// for loss, crashes and memory growth (bench/README.md). Not a test.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { freePort, startLocalPostgres } from '../src/pg-local/postgres-provider.js';
import { readRun } from '../src/core/run-dir.js';
import type { LabStatus } from '../src/lab/server/status.js';
import { processTree, rssMiB } from '../test/lab/server/support/processes.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'odoo-capacity.js');
const DB = 'lab';
const CLASS = 'order-wave';

export interface SoakOptions {
  /** The overload step's hold, seconds. */
  holdSeconds: number;
  warmupSeconds: number;
  /** Overload: this many times the knee's arrival rate. */
  factor: number;
  /** The knee's arrival rate (orders/s); measured with a closed ladder when absent. */
  knee?: number;
  port?: number;
  /** Seconds between samples of memory and lab status. */
  sampleSeconds: number;
  /** k6's VUs at most in the overload step. */
  maxVus: number;
  keep?: boolean;
  log?: (line: string) => void;
}

export interface MemorySeries {
  /** MiB at each sample in the hold. */
  samples: number[];
  /** Median of the hold's second quarter, of its last quarter, and their ratio. */
  early: number;
  late: number;
  growth: number;
}

export interface SoakResult {
  startedAt: string;
  finishedAt: string;
  knee: {
    rate: number;
    measured: boolean;
    n1?: number;
    steps?: { vus: number; throughput: number }[];
  };
  offeredRate: number;
  run: {
    dir: string;
    status: string;
    stopReason?: string;
    steps: number;
    /** Why the runner did not count a step (an overloaded step often completes nothing in its hold). */
    invalidReasons: string[];
    complete: boolean;
    missing: string[];
  };
  k6: {
    transactions: number;
    errors: number;
    throughput: number;
    p50Ms: number;
    droppedIterations: number;
    errorsByTag: Record<string, number>;
  };
  database: { confirmed: number; draft: number; other: number };
  lost: number;
  lab: {
    served: number;
    refusedBusy: number;
    refusedTooLarge: number;
    workerCrashes: number;
    killedLimitTimeReal: number;
    queuePeak: number;
    queueLimit: number;
    check: { ok: boolean; violations: number };
    healthyAfter: boolean;
  };
  memory: {
    runner: MemorySeries;
    k6: MemorySeries;
    labMaster: MemorySeries;
    labWorkers: MemorySeries;
  };
  loadAverage: { min: number; mean: number; max: number };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function series(samples: number[]): MemorySeries {
  const q = Math.max(1, Math.floor(samples.length / 4));
  const early = median(samples.slice(q, 2 * q));
  const late = median(samples.slice(-q));
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    samples: samples.map(round),
    early: round(early),
    late: round(late),
    growth: early > 0 ? Math.round((late / early) * 1000) / 1000 : 0,
  };
}

/** `odoo-capacity <args>` to completion: exit code, stdout, stderr. */
function cli(
  args: string[],
  env: NodeJS.ProcessEnv,
  onSpawn?: (child: ChildProcess) => void,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    onSpawn?.(child);
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function labStatus(url: string): Promise<LabStatus> {
  const response = await fetch(`${url}/lab/status`, { signal: AbortSignal.timeout(30_000) });
  return (await response.json()) as LabStatus;
}

async function waitForLab(url: string, lab: ChildProcess): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (lab.exitCode !== null) throw new Error(`the lab exited (${lab.exitCode}) before serving`);
    const ready = await labStatus(url)
      .then((s) => s.workers.idle + s.workers.busy === s.workers.configured)
      .catch(() => false);
    if (ready) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the lab did not serve within 300 s');
}

async function k6Summaries(
  runDir: string,
  stepDir: string,
): Promise<Record<string, { count?: number }>> {
  const text = await readFile(join(runDir, stepDir, 'k6-summary.json'), 'utf8');
  return (JSON.parse(text) as { metrics: Record<string, { count?: number }> }).metrics;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? ((line: string) => console.error(`soak: ${line}`));
  const startedAt = new Date().toISOString();
  const work = await mkdtemp(join(tmpdir(), 'oc-lab-soak-'));
  const postgres = await startLocalPostgres();
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const password = randomBytes(12).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ODOO_URL: url,
    ODOO_DB: DB,
    ODOO_USER: 'admin',
    ODOO_PASSWORD: password,
    PGURL: postgres.url.reveal(),
    LAB_ADMIN_PASSWORD: password,
    LAB_PG_URL: postgres.url.reveal(),
  };
  for (const key of ['ODOO_API_KEY', 'ODOO_TRANSPORT']) delete env[key];
  const labLog = createWriteStream(join(work, 'lab.log'));
  const lab = spawn(
    process.execPath,
    [BIN, 'lab', 'start', '--port', String(port), '--workers', '2', '--databases', DB],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  lab.stdout!.pipe(labLog);
  lab.stderr!.pipe(labLog);
  const loads: number[] = [];
  try {
    await waitForLab(url, lab);
    log(`lab on ${url} (pid ${lab.pid}), work in ${work}`);
    const seeded = await cli(
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
      env,
    );
    if (seeded.code !== 0) throw new Error(`seed: ${seeded.stderr.trim().split('\n').pop()}`);

    // The knee: X_max of a short closed ladder, unless given.
    let knee: SoakResult['knee'];
    if (options.knee !== undefined) {
      knee = { rate: options.knee, measured: false };
    } else {
      const measured = await cli(
        [
          'run',
          '--class',
          CLASS,
          '--vus',
          '1,2,4',
          '--warmup',
          '5s',
          '--hold',
          '15s',
          '--runs-dir',
          work,
          '--id',
          'knee',
          '--max-error-rate',
          '1',
          '--json',
        ],
        env,
      );
      if (measured.code > 1)
        throw new Error(`knee ladder: ${measured.stderr.trim().split('\n').pop()}`);
      const { steps } = await readRun(join(work, 'knee'));
      const points = steps.map(({ step }) => ({
        vus: step.load.vus!,
        throughput: step.classes[CLASS]?.throughput ?? 0,
      }));
      const xMax = Math.max(...points.map((p) => p.throughput));
      knee = {
        rate: xMax,
        measured: true,
        n1: xMax / (points[0]?.throughput || xMax),
        steps: points,
      };
      log(
        `knee: X_max ${xMax.toFixed(2)} orders/s (${points.map((p) => `${p.vus} VU ${p.throughput}`).join(', ')})`,
      );
    }
    const rate = Math.round(knee.rate * options.factor * 100) / 100;

    // The soak's models: the project's, with enough VUs to overflow the lab's queue and no
    // abort (the SLO's guard stops k6 once a quarter of the transactions fail; here only if all
    // do), and its ladder without error or drop limits.
    const models = join(work, 'models');
    await cp(join(ROOT, 'models'), models, { recursive: true });
    const slo = parse(await readFile(join(models, 'slo.yaml'), 'utf8')) as {
      abort: { maxErrorRate: number };
    };
    slo.abort.maxErrorRate = 1;
    await writeFile(join(models, 'slo.yaml'), stringify(slo));
    const workload = parse(
      await readFile(join(ROOT, 'models', 'workload', 'default.yaml'), 'utf8'),
    ) as {
      classes: Record<string, { preAllocatedVUs: number; maxVUs: number }>;
    };
    workload.classes[CLASS]!.maxVUs = options.maxVus;
    workload.classes[CLASS]!.preAllocatedVUs = Math.min(50, options.maxVus);
    await writeFile(join(work, 'workload.yaml'), stringify(workload));
    await writeFile(
      join(work, 'ladder.yaml'),
      stringify({
        profile: CLASS,
        model: 'open',
        steps: [rate],
        warmup: `${options.warmupSeconds}s`,
        hold: `${options.holdSeconds}s`,
        caps: {
          maxRate: Math.max(200, Math.ceil(rate)),
          maxVus: Math.max(400, options.maxVus),
          maxDuration: '2h',
          maxErrorRate: 1,
        },
        stopAt: { p50Factor: 1000, maxDroppedFraction: 1 },
        sampleInterval: '5s',
      }),
    );
    log(
      `overload: ${rate} orders/s (${options.factor} × ${knee.rate.toFixed(2)}), ${options.warmupSeconds} s warm-up, ${options.holdSeconds} s hold`,
    );

    // Sample memory and the lab while the runner drives the ladder.
    const mem = {
      runner: [] as number[],
      k6: [] as number[],
      labMaster: [] as number[],
      labWorkers: [] as number[],
    };
    let runner: ChildProcess | undefined;
    let inHold = false;
    const sampler = setInterval(() => {
      loads.push(loadavg()[0]!);
      if (!runner?.pid || !inHold) return;
      const tree = processTree(runner.pid);
      mem.runner.push(rssMiB(runner.pid));
      mem.k6.push(tree.slice(1).reduce((s, p) => s + rssMiB(p), 0));
      mem.labMaster.push(rssMiB(lab.pid!));
      mem.labWorkers.push(
        processTree(lab.pid!)
          .slice(1)
          .reduce((s, p) => s + rssMiB(p), 0),
      );
    }, options.sampleSeconds * 1000);
    const holdTimer = setTimeout(() => (inHold = true), options.warmupSeconds * 1000 + 5000);
    const ran = await cli(
      [
        'run',
        '--ladder',
        join(work, 'ladder.yaml'),
        '--workload',
        join(work, 'workload.yaml'),
        '--models',
        models,
        '--runs-dir',
        work,
        '--id',
        'soak',
        '--json',
      ],
      env,
      (child) => (runner = child),
    );
    clearInterval(sampler);
    clearTimeout(holdTimer);
    log(`run exited ${ran.code}: ${ran.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    await writeFile(join(work, 'run.stderr.log'), ran.stderr);

    // The run directory, read back whole.
    const runDir = join(work, 'soak');
    const missing: string[] = [];
    let runStatus = 'unreadable';
    let stopReason: string | undefined;
    let stepCount = 0;
    const invalidReasons: string[] = [];
    const k6: SoakResult['k6'] = {
      transactions: 0,
      errors: 0,
      throughput: 0,
      p50Ms: 0,
      droppedIterations: 0,
      errorsByTag: {},
    };
    try {
      const { run, steps } = await readRun(runDir);
      runStatus = run.status;
      stopReason =
        run.stopReason && 'detail' in run.stopReason ? run.stopReason.detail : run.stopReason?.kind;
      stepCount = steps.length;
      if (!run.finishedAt) missing.push('run.json finishedAt');
      for (const entry of run.steps) {
        for (const file of ['step.json', 'histograms.json', 'k6-summary.json']) {
          if (!existsSync(join(runDir, entry.dir, file))) missing.push(join(entry.dir, file));
        }
      }
      for (const { step, dir } of steps) {
        invalidReasons.push(...step.invalidReasons.map((r) => `${step.label}: ${r}`));
        const metrics = await k6Summaries(runDir, dir);
        k6.transactions += metrics.oc_transactions?.count ?? 0;
        const c = step.classes[CLASS];
        if (c) {
          k6.errors += c.errors.total;
          k6.throughput = c.throughput;
          k6.p50Ms = c.latency.transaction.p50;
          k6.droppedIterations += c.droppedIterations;
          for (const [tag, n] of Object.entries(c.errors.byTag))
            k6.errorsByTag[tag] = (k6.errorsByTag[tag] ?? 0) + (n ?? 0);
        }
      }
    } catch (error) {
      missing.push(`run directory unreadable: ${(error as Error).message}`);
    }
    // Finished either way: complete with a valid step, failed without one (overload can leave
    // nothing completed in the hold); running or partial would be an interrupted run.
    if (runStatus !== 'complete' && runStatus !== 'failed')
      missing.push(`run.json status ${runStatus}`);

    // What the database holds: the soak's orders (its load marker) by state.
    const client = new pg.Client({
      connectionString: postgres.url.reveal().replace(/\/[^/]*$/, `/${DB}`),
    });
    await client.connect();
    const rows = await client.query<{ state: string; n: number }>(
      "SELECT state, count(*)::int AS n FROM sale_order WHERE client_order_ref LIKE 'OC-LOAD-soak-%' GROUP BY state",
    );
    await client.end();
    const byState = Object.fromEntries(rows.rows.map((r) => [r.state, r.n]));
    const database = {
      confirmed: byState.sale ?? 0,
      draft: byState.draft ?? 0,
      other: rows.rows
        .filter((r) => r.state !== 'sale' && r.state !== 'draft')
        .reduce((s, r) => s + r.n, 0),
    };

    // The lab afterwards: its invariants, its counters, and a healthy call.
    const checked = await cli(['lab', 'check', '--port', String(port), '--json'], env);
    const check = JSON.parse(checked.stdout || '{"ok":false,"databases":[]}') as {
      ok: boolean;
      databases: { violations: unknown[] }[];
    };
    const status = await labStatus(url);
    const version = await fetch(`${url}/xmlrpc/2/common`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<?xml version="1.0"?><methodCall><methodName>version</methodName><params></params></methodCall>',
    }).then(async (r) => r.status === 200 && (await r.text()).includes('server_serie'));

    const result: SoakResult = {
      startedAt,
      finishedAt: new Date().toISOString(),
      knee,
      offeredRate: rate,
      run: {
        dir: runDir,
        status: runStatus,
        stopReason,
        steps: stepCount,
        invalidReasons,
        complete: missing.length === 0,
        missing,
      },
      k6,
      database,
      lost: Math.max(0, k6.transactions - database.confirmed),
      lab: {
        served: status.requests.served,
        refusedBusy: status.requests.refused_busy,
        refusedTooLarge: status.requests.refused_too_large,
        workerCrashes: status.requests.worker_crashes,
        killedLimitTimeReal: status.requests.killed_limit_time_real,
        queuePeak: status.queue.peak,
        queueLimit: status.queue.limit,
        check: {
          ok: check.ok,
          violations: check.databases.reduce((n, d) => n + d.violations.length, 0),
        },
        healthyAfter: version,
      },
      memory: {
        runner: series(mem.runner),
        k6: series(mem.k6),
        labMaster: series(mem.labMaster),
        labWorkers: series(mem.labWorkers),
      },
      loadAverage: {
        min: Math.min(...loads),
        mean:
          Math.round((loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length)) * 100) / 100,
        max: Math.max(...loads),
      },
    };
    return result;
  } finally {
    lab.kill('SIGINT');
    await new Promise((r) => (lab.exitCode !== null ? r(undefined) : lab.once('exit', r)));
    labLog.end();
    await postgres.stop();
    if (!options.keep) await rm(work, { recursive: true, force: true });
  }
}

function summary(r: SoakResult): string[] {
  const m = (s: MemorySeries) => `${s.early} → ${s.late} MiB (×${s.growth})`;
  return [
    `knee ${r.knee.rate.toFixed(2)} orders/s${r.knee.measured ? ' (measured)' : ''}; offered ${r.offeredRate}/s`,
    `run: ${r.run.status}${r.run.stopReason ? ` (${r.run.stopReason})` : ''}, ${r.run.steps} step(s), directory ${r.run.complete ? 'complete' : `incomplete: ${r.run.missing.join('; ')}`}${r.run.invalidReasons.length ? `; invalid: ${r.run.invalidReasons.join('; ')}` : ''}`,
    `k6: ${r.k6.transactions} orders confirmed, ${r.k6.errors} failed ${JSON.stringify(r.k6.errorsByTag)}, ${r.k6.droppedIterations} dropped, ${r.k6.throughput}/s in the hold, p50 ${r.k6.p50Ms} ms`,
    `database: ${r.database.confirmed} confirmed, ${r.database.draft} draft, ${r.database.other} other; lost ${r.lost}`,
    `lab: ${r.lab.served} served, ${r.lab.refusedBusy} refused 503, queue peak ${r.lab.queuePeak}/${r.lab.queueLimit}, ${r.lab.workerCrashes} crashes, ${r.lab.killedLimitTimeReal} killed; check ${r.lab.check.ok ? 'clean' : `${r.lab.check.violations} violations`}; healthy after: ${r.lab.healthyAfter}`,
    `RSS runner ${m(r.memory.runner)}, k6 ${m(r.memory.k6)}, lab master ${m(r.memory.labMaster)}, lab workers ${m(r.memory.labWorkers)}`,
    `load average ${r.loadAverage.min.toFixed(2)}–${r.loadAverage.max.toFixed(2)} (mean ${r.loadAverage.mean})`,
  ];
}

// Run as a script (vite-node bench/lab-soak.ts), not when the suite imports runSoak.
if (!process.env.VITEST) {
  const env = process.env;
  const result = await runSoak({
    holdSeconds: Number(env.SOAK_SECONDS ?? 600),
    warmupSeconds: 30,
    factor: Number(env.SOAK_FACTOR ?? 8),
    knee: env.SOAK_KNEE ? Number(env.SOAK_KNEE) : undefined,
    port: env.SOAK_PORT ? Number(env.SOAK_PORT) : undefined,
    sampleSeconds: 10,
    maxVus: 300,
    keep: env.SOAK_KEEP === '1',
  });
  for (const line of summary(result)) console.error(`soak: ${line}`);
  console.log(JSON.stringify(result, null, 2));
}

export { summary as soakSummary };
