// What the scenario tests read from a k6 run: the metric points of its JSON output, the summary's
// counts, and the checks every clean run must pass, whatever the target (the lab or a real Odoo).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { expect } from 'vitest';
import type { K6Result } from './run-k6.js';

export interface Point {
  metric: string;
  tags: Record<string, string>;
  value: number;
  time: string;
}

/** The metric points of k6's --out json, with their tags. */
export async function points(file: string): Promise<Point[]> {
  const out: Point[] = [];
  for await (const line of createInterface({ input: createReadStream(file) })) {
    const entry = JSON.parse(line) as {
      type: string;
      metric: string;
      data: { tags?: Record<string, string>; value: number; time: string };
    };
    if (entry.type === 'Point') {
      const { tags, value, time } = entry.data;
      out.push({ metric: entry.metric, tags: tags ?? {}, value, time });
    }
  }
  return out;
}

/** What every class's run must show: it ran, nothing failed, the contract's tags are there. */
export async function expectCleanRun(result: K6Result, classes: string[]): Promise<Point[]> {
  // 0, or 99 when a latency SLO failed on this busy machine; never a script error or an abort.
  expect([0, 99], result.stderr.slice(-3000)).toContain(result.exitCode);
  const metrics = result.summary!.metrics;
  const warnings = result.console.map((l) => l.msg).join('\n');
  expect(metrics.oc_transaction_failed!.value, warnings).toBe(0);
  expect(metrics.oc_faults).toBeUndefined();
  for (const cls of classes) {
    const failed = metrics[`oc_transaction_failed{class:${cls},phase:hold}`]!;
    expect(failed.thresholds, cls).toEqual({ [Object.keys(failed.thresholds!)[0]!]: false });
    expect(metrics[`oc_transaction_duration{class:${cls},phase:hold}`]!.count, cls).toBeGreaterThan(
      0,
    );
  }
  const all = await points(result.outJson);
  const requests = all.filter((p) => p.metric === 'http_req_duration' && p.tags.scenario !== '');
  expect(requests.length).toBeGreaterThan(0);
  for (const p of requests.filter((r) => r.tags.class !== undefined)) {
    expect(p.tags).toMatchObject({
      class: expect.stringMatching(/^(order-wave|stock-moves|carrier-burst|month-end-billing)$/),
      model: expect.any(String),
      // k6's own: the HTTP method. The Odoo call is `call` (docs/contracts.md).
      method: 'POST',
      call: expect.stringMatching(/^[\w.]+\.\w+$/),
      phase: expect.stringMatching(/^(warmup|hold)$/),
      group: expect.stringMatching(/^::/),
    });
    expect(p.tags.call!.startsWith(`${p.tags.model}.`), p.tags.call).toBe(true);
  }
  for (const cls of classes) {
    const ofClass = requests.filter((p) => p.tags.class === cls);
    expect(ofClass.length, cls).toBeGreaterThan(0);
    expect(new Set(ofClass.map((p) => p.tags.phase)), cls).toEqual(new Set(['warmup', 'hold']));
  }
  return all;
}

export function count(result: K6Result, metric: string): number {
  return (result.summary!.metrics[metric]?.count as number | undefined) ?? 0;
}
