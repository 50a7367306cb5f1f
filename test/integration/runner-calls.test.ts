// Per-call statistics from a real two-segment run against the lab: step.json's `calls` hold
// exactly the http_reqs k6 counted per call, with the merged histograms.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRun } from '../../src/core/run-dir.js';
import type { HistogramsJson, StepJson } from '../../src/core/run-types.js';
import type { LabHandle } from '../../src/lab/server/index.js';
import { decodeHistogram, summarizeHistogram } from '../../src/runner/latency-histogram.js';
import { runCliInProcess } from '../helpers/in-process-cli.js';
import { points } from '../scenarios/k6-results.js';
import { startSeededLab } from '../scenarios/seeded-lab.js';

let lab: LabHandle;
let root: string;
let step: StepJson;
let histograms: HistogramsJson;
/** k6's own http_reqs in the hold, by class and call, counted from its raw JSON output. */
const k6Counts = new Map<string, number>();

beforeAll(async () => {
  ({ lab } = await startSeededLab(['calls'], {
    products: 6,
    customers: 4,
    readyOrders: 0,
    deliveredOrders: 0,
    stock: 100,
    linesPerOrder: 2,
  }));
  root = await mkdtemp(join(tmpdir(), 'oc-calls-'));
  const secret = join(root, 'secret');
  await writeFile(secret, 'admin\n', { mode: 0o600 });
  const ran = await runCliInProcess([
    'run',
    '--url',
    lab.url,
    '--db',
    'calls',
    '--user',
    'admin',
    '--password-file',
    secret,
    '--class',
    'order-wave',
    '--rates',
    '3',
    // Two k6 processes: the step's calls are the merge of both segments' measurements.
    '--segments',
    '2',
    '--warmup',
    '1s',
    '--hold',
    '4s',
    '--runs-dir',
    root,
    '--id',
    'calls',
    '--keep-raw',
    '--json',
  ]);
  expect(ran.code, ran.stderr).toBe(0);
  const read = await readRun(join(root, 'calls'));
  ({ step, histograms } = read.steps[0]!);
  const stepDir = join(root, 'calls', read.run.steps[0]!.dir);
  const raw = (await readdir(stepDir)).filter((f) => f.startsWith('k6-out'));
  expect(raw).toHaveLength(2);
  for (const file of raw)
    for (const p of await points(join(stepDir, file)))
      if (p.metric === 'http_reqs' && p.tags.phase === 'hold') {
        const key = `${p.tags.class}|${p.tags.call}`;
        k6Counts.set(key, (k6Counts.get(key) ?? 0) + p.value);
      }
}, 60_000);

afterAll(async () => {
  await lab?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('per-call statistics of a real run', () => {
  it('counts each call’s requests in the hold exactly as k6 does', () => {
    const calls = step.classes['order-wave']!.calls!;
    expect(Object.keys(calls)).toContain('sale.order.action_confirm');
    const ours = new Map(Object.entries(calls).map(([k, c]) => [`order-wave|${k}`, c.requests]));
    expect(ours).toEqual(k6Counts);
    expect([...k6Counts.values()].every((n) => n > 0)).toBe(true);
    // The calls add up to the class's requests.
    const sum = Object.values(calls).reduce((s, c) => s + c.requests, 0);
    expect(sum).toBe(step.classes['order-wave']!.requests);
  });

  it('summarises each call from its own mergeable histogram in histograms.json', () => {
    const calls = step.classes['order-wave']!.calls!;
    const encoded = histograms.classes['order-wave']!.calls!;
    expect(Object.keys(encoded)).toEqual(Object.keys(calls));
    for (const [key, call] of Object.entries(calls)) {
      expect(call.latency.count).toBe(call.requests);
      expect(summarizeHistogram(decodeHistogram(encoded[key]!))).toEqual(call.latency);
      expect(call.latency.p95).toBeGreaterThan(0);
    }
  });
});
