// The run directory: a step folder appears whole or not at all, readers check schemaVersion and
// name the file they could not read.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import {
  beginStep,
  commitStep,
  createRunDir,
  discardPartialSteps,
  readRun,
  readRunJson,
  writeRunJson,
} from '../../src/core/run-dir.js';
import type { RunJson, StepJson } from '../../src/core/run-types.js';

let runs: string;
beforeEach(async () => {
  runs = await mkdtemp(join(tmpdir(), 'oc-rundir-'));
});
afterEach(() => rm(runs, { recursive: true, force: true }));

const run: RunJson = {
  schemaVersion: 1,
  id: 'r1',
  tool: { name: 'odoo-capacity', version: '0.1.0' },
  k6: { version: 'v2.2.0' },
  target: {
    url: 'http://127.0.0.1:8069',
    db: 'lab',
    user: 'admin',
    auth: 'password',
    odoo: { serverVersion: '17.0', serverSerie: '17.0', lab: true },
  },
  environment: {},
  ladder: {
    profile: 'order-wave',
    model: 'open',
    steps: [{ label: 'rate-2', rate: 2 }],
    warmupSeconds: 1,
    holdSeconds: 2,
    segments: 1,
    caps: { maxRate: 10, maxVus: 10, maxSeconds: 60, maxErrorRate: 0.05 },
  },
  status: 'complete',
  startedAt: '2025-03-01T10:00:00.000Z',
  steps: [],
};

const step = {
  schemaVersion: 1,
  index: 1,
  label: 'rate-2',
  load: { label: 'rate-2', rate: 2, model: 'open' },
  window: { start: '', end: '', seconds: 2 },
  valid: true,
  invalidReasons: [],
  classes: {},
  database: {
    cluster: { walBytes: 0, checkpoints: 0, buffersWritten: 0, statStatements: false },
    databases: [],
    activity: { samples: 0, connectionsByState: {}, waitEvents: {}, lockWaitsMax: 0 },
  },
  k6ExitCode: 0,
} satisfies StepJson;

function summary() {
  return { count: 10, mean: 5, stddev: 1, min: 1, p50: 5, p90: 8, p95: 9, p99: 10, max: 11 };
}

describe('run directory', () => {
  it('commits a step by renaming its staging folder, dropping k6’s raw output', async () => {
    const dir = await createRunDir(runs, 'r1');
    await writeRunJson(dir, run);
    const staging = await beginStep(dir, 1, 'rate-2');
    await writeFile(join(staging, 'k6-out.ndjson'), '{}\n');
    expect(await readdir(join(dir, 'steps'))).toEqual(['.01-rate-2.partial']);
    const rel = await commitStep(dir, staging, {
      step,
      histograms: { schemaVersion: 1, encoding: 'hdr-base64-us', classes: {} },
      k6Summary: { metrics: {} },
      pgSamples: [{ time: 't1' }, { time: 't2' }],
    });
    expect(rel).toBe('steps/01-rate-2');
    expect(await readdir(join(dir, 'steps'))).toEqual(['01-rate-2']);
    expect((await readdir(join(dir, rel))).sort()).toEqual([
      'histograms.json',
      'k6-summary.json',
      'pg-samples.ndjson',
      'step.json',
    ]);
    expect(await readFile(join(dir, rel, 'pg-samples.ndjson'), 'utf8')).toBe(
      '{"time":"t1"}\n{"time":"t2"}\n',
    );
    await writeRunJson(dir, {
      ...run,
      steps: [{ index: 1, label: 'rate-2', dir: rel, valid: true }],
    });
    const onDisk = await readRun(dir);
    expect(onDisk.steps[0]!.step.label).toBe('rate-2');
  });

  it('checks the fields readers rely on, naming the file and the field, for the planner and the report alike', async () => {
    const dir = await createRunDir(runs, 'r1');
    const staging = await beginStep(dir, 1, 'rate-2');
    const rel = await commitStep(dir, staging, {
      step: { ...step, classes: { 'order-wave': {} } } as unknown as StepJson,
      histograms: { schemaVersion: 1, encoding: 'hdr-base64-us', classes: {} },
      k6Summary: { metrics: {} },
      pgSamples: [],
    });
    await writeRunJson(dir, {
      ...run,
      steps: [{ index: 1, label: 'rate-2', dir: rel, valid: true }],
    });
    const error = await readRun(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(
      new RegExp(`${join(dir, rel, 'step.json')}: classes\\.order-wave\\.transactions: `),
    );
    // A step run.json lists but whose folder is gone: continue the run.
    await writeRunJson(dir, {
      ...run,
      steps: [{ index: 1, label: 'rate-2', dir: 'steps/02-gone', valid: true }],
    });
    await expect(readRun(dir)).rejects.toThrow(
      /step steps\/02-gone; continue the run with `odoo-capacity run --resume`/,
    );
  });

  it('checks the whole of every document: a foreign or hand-edited field is one line naming it', async () => {
    const stats = (over: Record<string, unknown>) => ({
      transactions: 10,
      throughput: 2,
      requests: 30,
      requestRate: 6,
      latency: { transaction: summary(), request: summary() },
      errors: { total: 0, rate: 0, byTag: {} },
      retryableFaults: 0,
      droppedIterations: 0,
      concurrency: { littles: 0.4, vusMax: 2 },
      ...over,
    });
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['a class without latency', { latency: undefined }, /classes\.order-wave\.latency: /],
      ['concurrency null', { concurrency: null }, /classes\.order-wave\.concurrency: /],
      ['a negative throughput', { throughput: -3 }, /classes\.order-wave\.throughput: .*>=0/],
      ['an error rate of 7', { errors: { total: 1, rate: 7, byTag: {} } }, /errors\.rate: /],
      [
        'a p95 as text',
        { latency: { transaction: { ...summary(), p95: '12' }, request: summary() } },
        /latency\.transaction\.p95: /,
      ],
    ];
    let n = 0;
    for (const [what, over, field] of cases) {
      const dir = await createRunDir(runs, `r${++n}`);
      const staging = await beginStep(dir, 1, 'rate-2');
      const rel = await commitStep(dir, staging, {
        step: { ...step, classes: { 'order-wave': stats(over) } } as unknown as StepJson,
        histograms: { schemaVersion: 1, encoding: 'hdr-base64-us', classes: {} },
        k6Summary: {},
      });
      await writeRunJson(dir, {
        ...run,
        steps: [{ index: 1, label: 'rate-2', dir: rel, valid: true }],
      });
      const error = await readRun(dir).catch((e: unknown) => e);
      expect(error, what).toBeInstanceOf(BadInputError);
      expect((error as Error).message, what).toMatch(field);
      expect((error as Error).message, what).toContain(join(dir, rel, 'step.json'));
      expect((error as Error).message.split('\n'), what).toHaveLength(1);
    }
    // run.json: a step folder outside the run, a ladder without steps.
    const dir = await createRunDir(runs, 'r-run');
    await writeRunJson(dir, {
      ...run,
      steps: [{ index: 1, label: 'x', dir: '../../etc', valid: true }],
    });
    await expect(readRun(dir)).rejects.toThrow(/run\.json: steps\[0\]\.dir: /);
    await writeRunJson(dir, { ...run, ladder: { ...run.ladder, steps: [] } });
    await expect(readRun(dir)).rejects.toThrow(/run\.json: ladder\.steps: /);
    // The workload and environment a run carries are checked whole, as k6 and the plan read them.
    const hand = { ...run, steps: [] } as unknown as Record<string, unknown>;
    await writeFile(
      join(dir, 'run.json'),
      JSON.stringify({
        ...hand,
        scenario: { script: 's.ts', workload: { workload: {}, slo: {} } },
      }),
    );
    await expect(readRun(dir)).rejects.toThrow(/run\.json: scenario\.workload\.workload\./);
    await writeFile(
      join(dir, 'run.json'),
      JSON.stringify({ ...hand, environment: { name: 'staging', odoo: { pods: 'two' } } }),
    );
    const bad = (await readRun(dir).catch((e: unknown) => e)) as Error;
    expect(bad).toBeInstanceOf(BadInputError);
    expect(bad.message).toMatch(/run\.json: environment/);
    expect(bad.message.split('\n')).toHaveLength(1);
  });

  it('refuses a run still running, and names one whose runner died as interrupted', async () => {
    const dir = await createRunDir(runs, 'r1');
    const staging = await beginStep(dir, 1, 'rate-2');
    const rel = await commitStep(dir, staging, {
      step,
      histograms: { schemaVersion: 1, encoding: 'hdr-base64-us', classes: {} },
      k6Summary: {},
    });
    const steps = [{ index: 1, label: 'rate-2', dir: rel, valid: true }];
    await writeRunJson(dir, { ...run, status: 'running', steps });
    // No runner holds it (a SIGKILLed runner leaves no live pid in .lock).
    await writeFile(join(dir, '.lock'), '999999999\n');
    await expect(readRun(dir)).rejects.toThrow(
      /run\.json: the run was interrupted: it says running, but its runner is gone/,
    );
    const error = (await readRun(dir).catch((e: unknown) => e)) as BadInputError;
    expect(error.hint).toMatch(/odoo-capacity run --resume r1/);
    // A live runner holds it: in progress.
    await writeFile(join(dir, '.lock'), `${process.pid}\n`);
    await expect(readRun(dir)).rejects.toThrow(
      new RegExp(`still in progress in process ${process.pid}`),
    );
    await writeRunJson(dir, { ...run, status: 'partial', steps });
    expect((await readRun(dir)).steps).toHaveLength(1);
  });

  it('discards what an interrupted step left, keeping finished steps', async () => {
    const dir = await createRunDir(runs, 'r1');
    await beginStep(dir, 2, 'rate-4');
    await discardPartialSteps(dir);
    expect(await readdir(join(dir, 'steps'))).toEqual([]);
  });

  it('refuses a run id that is not a plain folder name', async () => {
    await expect(createRunDir(runs, '../escape')).rejects.toThrow(/run id "\.\.\/escape"/);
  });

  it('never overwrites an existing run', async () => {
    await createRunDir(runs, 'r1');
    await expect(createRunDir(runs, 'r1')).rejects.toThrow(/already exists/);
  });

  it('refuses a run.json of another schema version, naming the file', async () => {
    const dir = await createRunDir(runs, 'r1');
    await writeFile(join(dir, 'run.json'), JSON.stringify({ ...run, schemaVersion: 2 }));
    const error = await readRunJson(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toBe(
      `${join(dir, 'run.json')}: schemaVersion 2 is not supported (this odoo-capacity reads version 1)`,
    );
  });

  it('names a missing or garbled run.json', async () => {
    await expect(readRunJson(join(runs, 'nope'))).rejects.toThrow(
      `${join(runs, 'nope', 'run.json')}: not found; ${join(runs, 'nope')} is not a run directory (run a ladder first`,
    );
    const dir = await createRunDir(runs, 'r2');
    await writeFile(join(dir, 'run.json'), '{"schemaVersion": 1, "id"');
    await expect(readRunJson(dir)).rejects.toThrow(`${join(dir, 'run.json')}: not valid JSON`);
    expect(existsSync(join(dir, 'steps'))).toBe(true);
  });
});
