// `odoo-capacity run` end to end: the built CLI drives real k6 against a small HTTP target backed
// by a real PostgreSQL, watched through a pg_monitor role.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { PostgresHandle } from '../../src/pg-local/postgres-provider.js';
import { readRun } from '../../src/core/run-dir.js';
import type { RunJson, StepJson } from '../../src/core/run-types.js';
import { BIN, cleanEnv, hasStackTrace, runCli } from '../helpers/cli.js';
import { startWatchedTenant, type WatchedTenant } from '../helpers/postgres.js';
import { PROBE_SCRIPT } from '../runner/helpers/k6.js';
import { startLoadTarget, type LoadTarget } from '../runner/helpers/load-target.js';

const MODELS = join(import.meta.dirname, '..', '..', 'models');

const ODOO_PASSWORD = 'odoo-pw-7f3a9c';
const PG_PASSWORD = 'monitor-pw-51e0b2';
const SHORT = ['--warmup', '1s', '--hold', '2s', '--sample-interval', '1s'];

let pgHandle: PostgresHandle;
let tenant: WatchedTenant;
let target: LoadTarget;
let runsDir: string;
let pgUrl: string;

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    ODOO_URL: target.url,
    ODOO_DB: 'lab',
    ODOO_USER: 'loadtest',
    ODOO_PASSWORD,
    PGURL: pgUrl,
    ...extra,
  });
}

function run(args: string[], extra: Record<string, string> = {}) {
  return runCli(
    ['run', '--script', PROBE_SCRIPT, '--runs-dir', runsDir, ...args],
    env(extra),
    180_000,
  );
}

/** An order-wave ladder of short steps at the given rates, as run id `id`. */
function ladder(
  id: string,
  rates: string,
  extra: string[] = [],
  envExtra: Record<string, string> = {},
) {
  return run(['--class', 'order-wave', '--rates', rates, ...SHORT, '--id', id, ...extra], envExtra);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  tenant = await startWatchedTenant(PG_PASSWORD);
  pgHandle = tenant.postgres;
  pgUrl = tenant.monitorUrl;
  target = await startLoadTarget({
    password: ODOO_PASSWORD,
    delayMs: () => 3,
    onCall: () => tenant.write(),
  });
  runsDir = await mkdtemp(join(tmpdir(), 'oc-runs-'));
});
afterAll(async () => {
  await target?.close();
  await tenant?.stop();
  await rm(runsDir, { recursive: true, force: true });
});

describe('odoo-capacity run', () => {
  it('a 3-step ladder produces a complete run directory, with no secret anywhere in it', async () => {
    const result = await ladder('three-steps', '2,4,6', ['--json']);
    expect(result.code, result.stderr).toBe(0);
    const { run: dir } = JSON.parse(result.stdout) as { run: string };
    const onDisk = await readRun(dir);
    expect(onDisk.run.status).toBe('complete');
    expect(onDisk.run.stopReason).toEqual({ kind: 'complete' });
    expect(onDisk.run.steps.map((s) => s.dir)).toEqual([
      'steps/01-rate-2',
      'steps/02-rate-4',
      'steps/03-rate-6',
    ]);
    expect(onDisk.run.target).toMatchObject({ url: target.url, db: 'lab', user: 'loadtest' });
    expect(onDisk.run.target.odoo.serverVersion).toBe('17.0');
    expect(onDisk.run.k6.version).toMatch(/^v2\./);
    expect(onDisk.run.database?.statStatements).toBe(true);
    for (const step of onDisk.run.steps) {
      expect((await readdir(join(dir, step.dir))).sort()).toEqual([
        'histograms.json',
        'k6-summary.json',
        'pg-after.json',
        'pg-before.json',
        'pg-samples.ndjson',
        'step.json',
      ]);
    }
    for (const { step, histograms } of onDisk.steps) {
      expect(step.valid, step.invalidReasons.join('; ')).toBe(true);
      const c = step.classes['order-wave']!;
      expect(c.transactions).toBeGreaterThanOrEqual(step.load.rate! * 2);
      expect(c.latency.transaction.p50).toBeGreaterThan(0);
      expect(histograms.classes['order-wave']?.transaction).toMatch(/^HISTF/);
      // Each business call updated the lab database: its deltas show it, not postgres's.
      const lab = step.database.databases.find((d) => d.datname === 'lab')!;
      expect(lab.xactCommit).toBeGreaterThanOrEqual(c.requests);
      expect(lab.topStatements[0]?.query).toMatch(/^UPDATE sale_order/);
      expect(step.database.activity.samples).toBeGreaterThanOrEqual(1);
    }
    expect(onDisk.steps[2]!.step.classes['order-wave']!.transactions).toBeGreaterThan(
      onDisk.steps[0]!.step.classes['order-wave']!.transactions,
    );
    const samples = (await readFile(join(dir, 'steps/01-rate-2/pg-samples.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { time: string });
    expect(samples.length).toBeGreaterThanOrEqual(1);

    // No secret: not the Odoo password, not the PostgreSQL one, in any file of the run.
    for (const file of await filesUnder(dir)) {
      const text = await readFile(file, 'utf8');
      expect(text, file).not.toContain(ODOO_PASSWORD);
      expect(text, file).not.toContain(PG_PASSWORD);
    }
    expect(result.stdout + result.stderr).not.toContain(ODOO_PASSWORD);
    expect(result.stdout + result.stderr).not.toContain(PG_PASSWORD);
  });

  it('stops past the knee, when p50 reaches twice the first step’s, and run.json says why', async () => {
    const slow = await startLoadTarget({
      password: ODOO_PASSWORD,
      delayMs: (rate) => (rate >= 6 ? 40 : 5),
    });
    try {
      const result = await ladder('knee', '2,4,6,8', ['--json'], { ODOO_URL: slow.url, PGURL: '' });
      expect(result.code, result.stderr).toBe(0);
      const runJson = JSON.parse(
        await readFile(join(runsDir, 'knee', 'run.json'), 'utf8'),
      ) as RunJson;
      expect(runJson.status).toBe('complete');
      expect(runJson.stopReason?.kind).toBe('knee');
      expect(runJson.stopReason).toMatchObject({ detail: expect.stringContaining('rate-6') });
      expect(runJson.steps.map((s) => s.label)).toEqual(['rate-2', 'rate-4', 'rate-6']);
    } finally {
      await slow.close();
    }
  });

  it('aborts when the error rate passes the cap, marking the step invalid', async () => {
    const failing = await startLoadTarget({ password: ODOO_PASSWORD, faultFraction: 1 / 2 });
    try {
      const result = await ladder('errors', '10,20', ['--max-error-rate', '0.1'], {
        ODOO_URL: failing.url,
        PGURL: '',
      });
      expect(result.code).toBe(1);
      expect(hasStackTrace(result.stderr)).toBe(false);
      const runJson = JSON.parse(
        await readFile(join(runsDir, 'errors', 'run.json'), 'utf8'),
      ) as RunJson;
      expect(runJson.stopReason?.kind).toBe('failed');
      expect(runJson.stopReason).toMatchObject({
        detail: expect.stringMatching(/error rate|failed, over the cap/),
      });
      expect(runJson.steps).toHaveLength(1);
      const step = JSON.parse(
        await readFile(join(runsDir, 'errors', runJson.steps[0]!.dir, 'step.json'), 'utf8'),
      ) as StepJson;
      expect(step.valid).toBe(false);
      expect(step.classes['order-wave']!.errors.byTag.application).toBeGreaterThan(0);
    } finally {
      await failing.close();
    }
  });

  it('counts dropped iterations in the hold and stops, the step invalid', async () => {
    // One VU, each transaction two 150 ms calls: about 3 arrivals a second get served of 12.
    const slow = await startLoadTarget({ password: ODOO_PASSWORD, delayMs: () => 150 });
    try {
      const result = await ladder('dropped', '12,16', ['--json'], {
        ODOO_URL: slow.url,
        PGURL: '',
        PROBE_MAX_VUS: '1',
      });
      expect(result.code).toBe(1);
      const { run: runJson, steps } = await readRun(join(runsDir, 'dropped'));
      expect(runJson.steps).toHaveLength(1);
      const c = steps[0]!.step.classes['order-wave']!;
      // 12/s × 2 s offered in the hold; what was not served was dropped.
      expect(c.droppedIterations).toBeGreaterThan(10);
      expect(c.droppedIterations + c.transactions).toBeLessThanOrEqual(12 * 3 + 1);
      expect(steps[0]!.step.valid).toBe(false);
      expect(steps[0]!.step.invalidReasons.join()).toMatch(/dropped iterations/);
      expect(runJson.stopReason).toMatchObject({
        kind: 'failed',
        detail: expect.stringMatching(/dropped/),
      });
    } finally {
      await slow.close();
    }
  });

  it.skipIf(!existsSync('/usr/bin/script'))(
    'shows a live line per step on a terminal (rate, p95, errors, ETA), and stays quiet with --json',
    async () => {
      // util-linux `script` gives the command a pseudo-terminal, as a user's shell would.
      const command = [
        process.execPath,
        BIN,
        'run',
        '--script',
        PROBE_SCRIPT,
        '--runs-dir',
        runsDir,
        '--class',
        'order-wave',
        '--rates',
        '4',
        '--warmup',
        '1s',
        '--hold',
        '2s',
      ]
        .map((a) => `'${a}'`)
        .join(' ');
      const tty = await new Promise<string>((resolve) => {
        const child = spawn('script', ['-qfec', command, '/dev/null'], { env: env({ PGURL: '' }) });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.on('exit', () => resolve(out));
      });
      // Each update rewrites the line: carriage return and erase-line, then the figures.
      expect(tty).toContain('\r\u001b[2Kstep 1/1 rate-4 · ');
      expect(tty).toMatch(
        /step 1\/1 rate-4 · (warm-up|hold) \d+s\/3s · [\d.]+ tx\/s · p95 [\d.]+ ms · errors [\d.]+% · ETA \d+s/,
      );
      expect(tty).toMatch(/step 1\/1 rate-4: order-wave [\d.]+ tx\/s/);

      const quiet = await ladder('quiet', '4', ['--json'], { PGURL: '' });
      expect(quiet.code).toBe(0);
      expect(JSON.parse(quiet.stdout)).toMatchObject({ id: 'quiet', status: 'complete' });
      expect(quiet.stderr).not.toMatch(/step 1\/1/);
    },
  );

  it('runs a closed-model ladder at exact VU counts, reading concurrency from the VU gauge', async () => {
    const result = await run(
      // The probe target cannot be seeded: the pool top-up is the lab test's.
      ['--class', 'stock-moves', '--vus', '1,3', ...SHORT, '--id', 'closed', '--json', '--no-seed'],
      { PGURL: '' },
    );
    expect(result.code, result.stderr).toBe(0);
    const { run: runJson, steps } = await readRun(join(runsDir, 'closed'));
    expect(runJson.ladder.model).toBe('closed');
    expect(steps.map((s) => s.step.load)).toEqual([
      { label: 'vus-1', vus: 1, model: 'closed' },
      { label: 'vus-3', vus: 3, model: 'closed' },
    ]);
    const c = steps[1]!.step.classes['stock-moves']!;
    expect(c.concurrency.vusMax).toBe(3);
    // Little's law on a closed loop with no think time: about the VU count.
    expect(c.concurrency.littles).toBeGreaterThan(1.5);
    expect(c.concurrency.littles).toBeLessThanOrEqual(3.05);
  });

  it('splits a peak-mix step into per-class figures, the workload’s mix reaching k6', async () => {
    // models/workload/default.yaml with the class rates set 4:2:1:1.
    const workload = join(runsDir, 'workload.yaml');
    const model = parse(await readFile(join(MODELS, 'workload', 'default.yaml'), 'utf8')) as {
      classes: Record<string, { rate: number }>;
    };
    const rates = { 'order-wave': 4, 'stock-moves': 2, 'carrier-burst': 1, 'month-end-billing': 1 };
    for (const [cls, rate] of Object.entries(rates)) model.classes[cls]!.rate = rate;
    await writeFile(workload, stringify(model));
    const result = await run(
      [
        '--class',
        'peak-mix',
        '--rates',
        '16',
        ...SHORT,
        '--id',
        'mix',
        '--workload',
        workload,
        '--no-seed',
      ],
      { PGURL: '' },
    );
    expect(result.code, result.stderr).toBe(0);
    const { run: runJson, steps } = await readRun(join(runsDir, 'mix'));
    // run.json keeps the validated workload and SLOs that k6 was given.
    const given = runJson.scenario?.workload as {
      workload: { classes: Record<string, { rate: number }> };
      slo: { schemaVersion: number };
    };
    expect(
      Object.fromEntries(Object.entries(given.workload.classes).map(([c, v]) => [c, v.rate])),
    ).toEqual(rates);
    expect(given.slo.schemaVersion).toBe(1);
    const classes = steps[0]!.step.classes;
    expect(Object.keys(classes).sort()).toEqual([
      'carrier-burst',
      'month-end-billing',
      'order-wave',
      'stock-moves',
    ]);
    // 16/s split 4:2:1:1 over a 2 s hold.
    expect(classes['order-wave']!.transactions).toBeGreaterThanOrEqual(16);
    expect(classes['carrier-burst']!.transactions).toBeGreaterThanOrEqual(4);
    expect(classes['order-wave']!.transactions).toBeGreaterThan(
      3 * classes['carrier-burst']!.transactions,
    );
  });

  it('a 2-segment run merges to the same counts as a single-process run', async () => {
    const one = await ladder('seg1', '8', ['--json']);
    const two = await ladder('seg2', '8', ['--json', '--segments', '2', '--keep-raw']);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const a = (await readRun(join(runsDir, 'seg1'))).steps[0]!;
    const b = (await readRun(join(runsDir, 'seg2'))).steps[0]!;
    const ca = a.step.classes['order-wave']!;
    const cb = b.step.classes['order-wave']!;
    expect(cb.transactions).toBe(ca.transactions);
    expect(cb.requests).toBe(ca.requests);
    expect(cb.latency.transaction.count).toBe(ca.latency.transaction.count);
    expect(cb.latency.request.count).toBe(ca.latency.request.count);
    const summary = JSON.parse(
      await readFile(join(runsDir, 'seg2', b.dir, 'k6-summary.json'), 'utf8'),
    ) as {
      segments: { segment: string; summary: { metrics: { iterations: { count: number } } } }[];
    };
    expect(summary.segments.map((s) => s.segment)).toEqual(['0:1/2', '1/2:1']);
    // The merge is exact: what k6 itself counted in each segment's hold, added up.
    const holdCounts = summary.segments.map(
      (s) =>
        (s.summary.metrics as Record<string, { count: number }>)[
          'oc_transactions{class:order-wave,phase:hold}'
        ]!.count,
    );
    expect(holdCounts[0]! + holdCounts[1]!).toBe(cb.transactions);
    expect(cb.transactions).toBe(8 * 2);
    const perSegment = summary.segments.map((s) => s.summary.metrics.iterations.count);
    // --keep-raw keeps each segment's own k6 output beside the merged figures.
    expect(
      (await readdir(join(runsDir, 'seg2', b.dir))).filter((f) => f.startsWith('k6-out')),
    ).toEqual(['k6-out.seg1.ndjson', 'k6-out.seg2.ndjson']);
    expect(perSegment.every((n) => n > 0)).toBe(true);
  });

  it('Ctrl-C ends the current step cleanly, marks the run partial, and --resume continues it', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'run',
        '--script',
        PROBE_SCRIPT,
        '--runs-dir',
        runsDir,
        '--id',
        'resumable',
        '--class',
        'order-wave',
        '--rates',
        '2,3,4',
        '--warmup',
        '1s',
        '--hold',
        '3s',
      ],
      { env: env({ PGURL: '' }), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number>((resolve) =>
      child.on('exit', (code) => resolve(code ?? -1)),
    );
    // Interrupt once the first step is committed and the second is under way.
    const deadline = Date.now() + 90_000;
    while (
      !existsSync(join(runsDir, 'resumable', 'steps', '.02-rate-3.partial')) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(existsSync(join(runsDir, 'resumable', 'steps', '01-rate-2', 'step.json'))).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(hasStackTrace(stderr)).toBe(false);
    const partial = JSON.parse(
      await readFile(join(runsDir, 'resumable', 'run.json'), 'utf8'),
    ) as RunJson;
    expect(partial.status).toBe('partial');
    expect(partial.stopReason?.kind).toBe('interrupted');
    expect(partial.steps.map((s) => s.label)).toEqual(['rate-2']);
    expect(await readdir(join(runsDir, 'resumable', 'steps'))).toEqual(['01-rate-2']);

    const resumed = await runCli(
      ['run', '--runs-dir', runsDir, '--resume', 'resumable', '--json'],
      env({ PGURL: '' }),
      180_000,
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const done = await readRun(join(runsDir, 'resumable'));
    expect(done.run.status).toBe('complete');
    expect(done.steps.map((s) => [s.step.index, s.step.label])).toEqual([
      [1, 'rate-2'],
      [2, 'rate-3'],
      [3, 'rate-4'],
    ]);
  });

  it('carries on without pg_stat_statements, saying so in one line and in step.json', async () => {
    const admin = new pg.Client({ connectionString: pgHandle.url.reveal() });
    await admin.connect();
    await admin.query('DROP EXTENSION pg_stat_statements');
    try {
      const result = await ladder('no-pgss', '2', ['--json']);
      expect(result.code, result.stderr).toBe(0);
      const lines = result.stderr.split('\n').filter((l) => l.includes('pg_stat_statements'));
      expect(lines).toHaveLength(1);
      const { steps } = await readRun(join(runsDir, 'no-pgss'));
      const cluster = steps[0]!.step.database.cluster;
      expect(cluster.statStatements).toBe(false);
      expect(cluster.note).toMatch(/pg_stat_statements/);
      expect(
        steps[0]!.step.database.databases.find((d) => d.datname === 'lab')!.xactCommit,
      ).toBeGreaterThan(0);
    } finally {
      await admin.query('CREATE EXTENSION pg_stat_statements');
      await admin.end();
    }
  });

  it('refuses an environment marked production without --allow-production, writing nothing', async () => {
    const models = await mkdtemp(join(tmpdir(), 'oc-models-'));
    const text = (
      await readFile(join(import.meta.dirname, '..', '..', 'models', 'environment.yaml'), 'utf8')
    ).replace('production: false', 'production: true');
    await writeFile(join(models, 'environment.yaml'), text);
    const result = await ladder('prod', '2', ['--models', models]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*environment\.yaml: .*production.*--allow-production/m);
    expect(existsSync(join(runsDir, 'prod'))).toBe(false);
    await rm(models, { recursive: true, force: true });
  });

  it('rejects a step over the rate cap and malformed flags with one line and exit 2', async () => {
    const over = await run(['--class', 'order-wave', '--rates', '2,500', ...SHORT]);
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(
      /^error: run flags: steps\[1\]: rate 500\/s is over the cap maxRate 200\/s/m,
    );
    const bad = await run(['--class', 'order-wave', '--rates', '2,x', ...SHORT]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^error: --rates: expected comma-separated values, each a number > 0, got "2,x"/m,
    );
    for (const r of [over, bad]) expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('fails with k6’s exit code named when the script throws, and records the run as failed', async () => {
    const thrower = join(runsDir, 'thrower.js');
    await writeFile(thrower, "throw new Error('init exploded');\n");
    const result = await runCli(
      [
        'run',
        '--script',
        thrower,
        '--runs-dir',
        runsDir,
        '--id',
        'broken',
        '--class',
        'order-wave',
        '--rates',
        '2',
        ...SHORT,
      ],
      env({ PGURL: '' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: step 1 \(rate-2\): k6 exited 107 \(script exception\): .*init exploded/m,
    );
    expect(hasStackTrace(result.stderr)).toBe(false);
    const runJson = JSON.parse(
      await readFile(join(runsDir, 'broken', 'run.json'), 'utf8'),
    ) as RunJson;
    expect(runJson.status).toBe('failed');
    expect(runJson.stopReason?.kind).toBe('failed');
  });
});
