// Ingest of real k6 output: the contract probe runs in real k6 against a small HTTP target,
// with k6 writing its summary and both a plain and a gzipped JSON output of the same run.
import { mkdtemp, readFile, rm, truncate, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { ingestFile } from '../../src/runner/k6-output-ingest.js';
import { startK6 } from '../../src/runner/k6-process.js';
import { stepFigures } from '../../src/runner/step-stats.js';
import { decodeHistogram, summarizeHistogram } from '../../src/runner/latency-histogram.js';
import { k6Binary, PROBE_SCRIPT, probeEnv } from '../runner/helpers/k6.js';
import { startLoadTarget, type LoadTarget } from '../runner/helpers/load-target.js';

let dir: string;
let target: LoadTarget;
let summary: Record<string, Record<string, number>>;
const plain = () => join(dir, 'out.ndjson');
const gz = () => join(dir, 'out.ndjson.gz');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oc-ingest-'));
  // Latencies spread over 2–30 ms, one call in 25 a serialization fault.
  let n = 0;
  target = await startLoadTarget({
    delayMs: () => 2 + ((n++ * 7919) % 29),
    faultFraction: 1 / 25,
    faultKind: 'concurrency',
  });
  const k6 = startK6({
    binary: k6Binary(),
    args: [
      'run',
      '--quiet',
      '--summary-export',
      join(dir, 'summary.json'),
      '--out',
      `json=${plain()}`,
      '--out',
      `json=${gz()}`,
      PROBE_SCRIPT,
    ],
    env: probeEnv(target.url, { rate: 40, warmup: 1, hold: 4 }),
    timeoutMs: 60_000,
    label: 'ingest test',
  });
  const outcome = await k6.done;
  expect(outcome.exitCode, outcome.stderrTail.join('\n')).toBe(0);
  summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')).metrics;
});
afterAll(async () => {
  await target?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ingest of real k6 output', () => {
  it('agrees with k6 summary percentiles within histogram precision, for the whole run', async () => {
    // k6's summary covers warm-up and hold; the probe tags both, so compare against both.
    const m = await ingestFile(plain());
    const { classes } = stepFigures(m, 4);
    const hold = classes['order-wave']!;
    const k6All = summary['oc_transaction_duration{class:order-wave}']!;
    // k6's own counts of the hold (the probe's phase:hold submetrics), exactly.
    expect(hold.transactions).toBe(summary['oc_transactions{class:order-wave,phase:hold}']!.count);
    expect(hold.errors.total).toBe(summary['oc_faults{class:order-wave,phase:hold}']!.count);
    // At most 40 arrivals a second for the 4 s hold; fewer only if k6 dropped some.
    expect(hold.transactions + hold.errors.total).toBeLessThanOrEqual(160);
    // The steady-state histogram is a subset; re-ingest with every sample to compare like with like.
    const all = await ingestAllPhases(plain());
    expect(all.count).toBe(k6All.count);
    // The exact samples, to know how far apart neighbouring values are around each percentile.
    const sorted = (await readFile(plain(), 'utf8'))
      .split('\n')
      .filter((l) => l.startsWith('{"metric":"oc_transaction_duration"'))
      .map((l) => (JSON.parse(l) as { data: { value: number } }).data.value)
      .sort((a, b) => a - b);
    for (const [p, ours, theirs] of [
      [50, all.p50, k6All.med],
      [90, all.p90, k6All['p(90)']],
      [95, all.p95, k6All['p(95)']],
      [99, all.p99, k6All['p(99)']],
      [100, all.max, k6All.max],
    ] as const) {
      // k6 interpolates between the samples around rank p·(n−1); the histogram returns the
      // sample at rank ⌈p·n⌉, within 0.1% (3 significant digits). Both must fall in that bracket.
      const rank = (p / 100) * (sorted.length - 1);
      const low = sorted[Math.floor(rank)]! * 0.999;
      const high = sorted[Math.min(sorted.length - 1, Math.ceil(rank) + 1)]! * 1.001;
      expect(theirs).toBeGreaterThanOrEqual(low);
      expect(theirs).toBeLessThanOrEqual(high);
      expect(ours).toBeGreaterThanOrEqual(low);
      expect(ours).toBeLessThanOrEqual(high);
    }
    expect(all.min).toBeCloseTo(k6All.min!, 1);
  });

  it('counts throughput, errors by fault tag, retryable faults and requests in the hold only', async () => {
    const { classes, window, droppedIterations } = stepFigures(await ingestFile(plain()), 4);
    const c = classes['order-wave']!;
    expect(c.throughput).toBeCloseTo(c.transactions / 4, 3);
    expect(c.errors.byTag.concurrency).toBe(c.errors.total);
    expect(c.errors.total).toBeGreaterThan(0);
    expect(c.retryableFaults).toBe(c.errors.total);
    expect(c.errors.rate).toBeCloseTo(c.errors.total / (c.transactions + c.errors.total), 5);
    // Two calls per completed transaction, one or two per failed one.
    expect(c.requests).toBeGreaterThanOrEqual(2 * c.transactions + c.errors.total);
    expect(c.concurrency.littles).toBeCloseTo(
      (c.throughput * c.latency.transaction.mean) / 1000,
      3,
    );
    expect(c.concurrency.vusMax).toBeGreaterThanOrEqual(1);
    expect(droppedIterations).toBeLessThanOrEqual(summary.dropped_iterations?.count ?? 0);
    expect(Date.parse(window.end) - Date.parse(window.start)).toBeGreaterThan(3000);
  });

  it('reads k6 gzipped output (.gz) to the same measurements as the plain file', async () => {
    const a = stepFigures(await ingestFile(plain()), 4);
    const b = stepFigures(await ingestFile(gz()), 4);
    expect(b.classes).toEqual(a.classes);
    expect(b.histograms).toEqual(a.histograms);
  });

  it('names the file and line when the output is cut mid-line', async () => {
    const text = await readFile(plain(), 'utf8');
    const cut = join(dir, 'cut.ndjson');
    const lines = text.split('\n');
    const keep = lines.slice(0, 500).join('\n') + '\n' + lines[500]!.slice(0, 40);
    await writeFile(cut, keep);
    const error = await ingestFile(cut).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(new RegExp(`^${cut}:501: truncated`));
    expect((error as Error).message).not.toContain('\n');
  });

  it('names the file when a gzipped output is cut short', async () => {
    const cut = join(dir, 'cut.ndjson.gz');
    const whole = await readFile(gz());
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const error = await ingestFile(cut).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(new RegExp(`^${cut}:\\d+: trunc`));
  });

  it('names the line of a corrupt sample in the middle of the output', async () => {
    const lines = gunzipSync(await readFile(gz()))
      .toString('utf8')
      .split('\n');
    const at = lines.findIndex((l) => l.startsWith('{"metric":"oc_transaction_duration"'));
    lines[at] = lines[at]!.replace('"value":', '"value":,');
    const bad = join(dir, 'bad.ndjson.gz');
    await writeFile(bad, gzipSync(lines.join('\n')));
    await expect(ingestFile(bad)).rejects.toThrow(`${bad}:${at + 1}: not a line of k6 JSON output`);
  });

  it('keeps memory flat: a histogram per class and metric, whatever the sample count', async () => {
    const size = (await stat(plain())).size;
    const m = await ingestFile(plain());
    const h = stepFigures(m, 4).histograms.classes['order-wave']!;
    expect(Object.keys(h.metrics ?? {})).toEqual(['order_confirm_latency']);
    // A histogram's encoding is small and does not grow with the file.
    expect(h.transaction.length).toBeLessThan(size / 20);
    expect(summarizeHistogram(decodeHistogram(h.transaction)).count).toBe(
      m.classes.get('order-wave')!.transactions,
    );
  });
});

async function ingestAllPhases(file: string) {
  // Rewrite warm-up and cool-down samples as hold ones: the same file with every sample counted.
  const text = (await readFile(file, 'utf8')).replace(
    /"phase":"(warmup|cooldown)"/g,
    '"phase":"hold"',
  );
  const copy = join(dir, 'all-phases.ndjson');
  await writeFile(copy, text);
  const m = await ingestFile(copy);
  await truncate(copy, 0);
  return summarizeHistogram(m.classes.get('order-wave')!.trends.get('oc_transaction_duration')!);
}
