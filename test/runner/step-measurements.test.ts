// Segments and pods merge exactly: splitting samples between k6 processes and merging their
// measurements gives the same histogram, counts and per-second series as one process.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newHistogram, recordMs, summarizeHistogram } from '../../src/runner/latency-histogram.js';
import {
  callMeasurements,
  classMeasurements,
  emptyMeasurements,
  mergeMeasurements,
  type StepMeasurements,
} from '../../src/runner/step-measurements.js';

interface Sample {
  ms: number;
  second: number;
  part: number;
}

function measure(samples: Sample[]): StepMeasurements {
  const m = emptyMeasurements();
  const c = classMeasurements(m, 'order-wave');
  const h = newHistogram();
  for (const s of samples) {
    recordMs(h, s.ms);
    // Per call: the slow samples are one call, the rest another.
    const call = callMeasurements(c, {
      call: s.ms > 500 ? 'sale.order.action_confirm' : 'res.partner.read',
    })!;
    call.requests += 1;
    recordMs(call.latency, s.ms);
    c.transactions += 1;
    c.faults.set('concurrency', (c.faults.get('concurrency') ?? 0) + (s.ms > 500 ? 1 : 0));
    const key = `2025-03-01T10:00:${String(s.second).padStart(2, '0')}`;
    m.vus.set(key, Math.max(m.vus.get(key) ?? 0, 1));
  }
  c.trends.set('oc_transaction_duration', h);
  return m;
}

const samples = fc.array(
  fc.record({
    ms: fc.double({ min: 0.01, max: 60_000, noNaN: true }),
    second: fc.integer({ min: 0, max: 59 }),
    part: fc.integer({ min: 0, max: 3 }),
  }),
  { minLength: 1, maxLength: 300 },
);

describe('merging measurements', () => {
  it('gives the same histogram and counts as one process, whatever the split', () => {
    fc.assert(
      fc.property(samples, (all) => {
        const whole = measure(all);
        const parts = [0, 1, 2, 3].map((p) => measure(all.filter((s) => s.part === p)));
        const merged = mergeMeasurements(parts);
        const a = whole.classes.get('order-wave')!;
        const b = merged.classes.get('order-wave')!;
        expect(b.transactions).toBe(a.transactions);
        expect(b.faults.get('concurrency') ?? 0).toBe(a.faults.get('concurrency') ?? 0);
        const ha = a.trends.get('oc_transaction_duration')!;
        const hb = b.trends.get('oc_transaction_duration')!;
        expect(summarizeHistogram(hb)).toEqual(summarizeHistogram(ha));
        for (let p = 0; p <= 100; p += 0.5) {
          expect(hb.getValueAtPercentile(p)).toBe(ha.getValueAtPercentile(p));
        }
        expect([...b.calls.keys()].sort()).toEqual([...a.calls.keys()].sort());
        for (const [key, call] of a.calls) {
          expect(b.calls.get(key)!.requests).toBe(call.requests);
          expect(summarizeHistogram(b.calls.get(key)!.latency)).toEqual(
            summarizeHistogram(call.latency),
          );
        }
        expect(merged.sources).toBe(4);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps no call for a request without a `call` tag', () => {
    const c = classMeasurements(emptyMeasurements(), 'order-wave');
    expect(callMeasurements(c, { model: 'sale.order', method: 'POST' })).toBeUndefined();
    expect(callMeasurements(c, null)).toBeUndefined();
    expect(c.calls.size).toBe(0);
  });

  it('adds VUs of the same second across processes, as pods running side by side', () => {
    const a = emptyMeasurements();
    const b = emptyMeasurements();
    a.vus.set('2025-03-01T10:00:00', 3);
    b.vus.set('2025-03-01T10:00:00', 4);
    b.vus.set('2025-03-01T10:00:01', 2);
    const merged = mergeMeasurements([a, b]);
    expect(Object.fromEntries(merged.vus)).toEqual({
      '2025-03-01T10:00:00': 7,
      '2025-03-01T10:00:01': 2,
    });
  });

  it('keeps the earliest and latest steady-state sample of all processes as the window', () => {
    const a = {
      ...emptyMeasurements(),
      holdFirst: '2025-03-01T10:00:01.5Z',
      holdLast: '2025-03-01T10:00:09Z',
    };
    const b = {
      ...emptyMeasurements(),
      holdFirst: '2025-03-01T10:00:01.2Z',
      holdLast: '2025-03-01T10:00:08Z',
    };
    const merged = mergeMeasurements([a, b]);
    expect([merged.holdFirst, merged.holdLast]).toEqual([
      '2025-03-01T10:00:01.2Z',
      '2025-03-01T10:00:09Z',
    ]);
  });
});
