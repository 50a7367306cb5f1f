// A run directory as older versions wrote it (the golden run without the fields added since) is
// read whole, planned and reported; a workload recorded before postRetry reads as posted once.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRun } from '../../src/core/run-dir.js';
import { runCli } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const GOLDEN = join(ROOT, 'test', 'fixtures', 'golden-run');
const MODELS = join(ROOT, 'models');

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => value as Json;

async function edit(file: string, change: (doc: Json) => void): Promise<void> {
  const doc = JSON.parse(await readFile(file, 'utf8')) as Json;
  change(doc);
  await writeFile(file, JSON.stringify(doc, null, 2));
}

const billingPayload = (run: Json): Json =>
  obj(obj(obj(obj(obj(obj(run.scenario).workload).workload).classes)['month-end-billing']).payload);

/** Drops from a copy of the golden run every field the run documents gained after the first runner. */
async function asOlderVersionWroteIt(dir: string): Promise<void> {
  await edit(join(dir, 'run.json'), (run) => {
    delete billingPayload(run).postRetry;
    delete obj(run.ladder).stopAt;
    delete obj(run.ladder).sampleIntervalSeconds;
    delete obj(run.target).transport;
    delete obj(run.k6).outputs;
    delete obj(run.k6).variables;
  });
  for (const step of await readdir(join(dir, 'steps'))) {
    await edit(join(dir, 'steps', step, 'step.json'), (doc) => {
      for (const stats of Object.values(obj(doc.classes))) {
        delete obj(stats).posting;
        delete obj(stats).calls;
      }
      const database = obj(doc.database);
      const cluster = obj(database.cluster);
      for (const key of Object.keys(cluster))
        if (!['walBytes', 'checkpoints', 'buffersWritten', 'statStatements', 'note'].includes(key))
          delete cluster[key];
      for (const db of database.databases as Json[]) delete db.activity;
    });
    await edit(join(dir, 'steps', step, 'histograms.json'), (doc) => {
      for (const h of Object.values(obj(doc.classes))) {
        delete obj(h).metrics;
        delete obj(h).calls;
      }
    });
  }
}

let work: string;
let older: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'oc-older-run-'));
  older = join(work, 'older');
  await cp(GOLDEN, older, { recursive: true });
  await asOlderVersionWroteIt(older);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('a run directory written by an older version', () => {
  it('reads whole; a workload without postRetry reads as one post per batch, never retried', async () => {
    const { run, steps } = await readRun(older);
    expect(steps).toHaveLength(2);
    expect(run.ladder.stopAt).toBeUndefined();
    expect(run.scenario?.workload?.workload.classes['month-end-billing'].payload.postRetry).toEqual(
      { maxAttempts: 1, backoffMs: 0, maxBackoffMs: 0 },
    );
    const current = await readRun(GOLDEN);
    expect(
      current.run.scenario?.workload?.workload.classes['month-end-billing'].payload.postRetry,
    ).toEqual({ maxAttempts: 4, backoffMs: 500, maxBackoffMs: 4000 });
  });

  it('is planned and reported as the golden run is', async () => {
    const plan = await runCli([
      'plan',
      '--run',
      older,
      '--models',
      MODELS,
      '--as-of',
      '2026-12-04',
    ]);
    expect(plan.stderr).toBe('');
    // 1, as for the golden run: its two short steps do not cover the forecast peak.
    expect(plan.code).toBe(1);
    const report = await runCli(['report', '--run', older, '--out', join(work, 'report')]);
    expect(report.stderr).toBe('');
    expect(report.code).toBe(0);
  });

  it('still refuses a recorded workload that is wrong, naming run.json and the field', async () => {
    const broken = join(work, 'broken');
    await cp(older, broken, { recursive: true });
    await edit(join(broken, 'run.json'), (run) => {
      billingPayload(run).postRetry = { maxAttempts: 0, backoffMs: 0, maxBackoffMs: 0 };
    });
    await expect(readRun(broken)).rejects.toThrow(
      /run\.json: scenario\.workload\.workload\.classes\.month-end-billing\.payload\.postRetry\.maxAttempts: /,
    );
  });
});
