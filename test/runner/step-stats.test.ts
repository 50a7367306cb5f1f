// step.json figures from measurements: the steady-state window, dropped iterations inside it,
// and a steady state that ended early (k6 stopped by an abortOnFail threshold or test.abort).
import { describe, expect, it } from 'vitest';
import { newHistogram, recordMs } from '../../src/runner/latency-histogram.js';
import { classMeasurements, emptyMeasurements } from '../../src/runner/step-measurements.js';
import { stepFigures } from '../../src/runner/step-stats.js';

function measured(holdFirst: string, holdLast: string, transactions: number) {
  const m = emptyMeasurements();
  const c = classMeasurements(m, 'order-wave');
  const h = newHistogram();
  for (let i = 0; i < transactions; i++) recordMs(h, 20);
  c.trends.set('oc_transaction_duration', h);
  c.transactions = transactions;
  m.holdFirst = holdFirst;
  m.holdLast = holdLast;
  return m;
}

describe('step figures', () => {
  it('counts dropped iterations only in the seconds of the steady state', () => {
    const m = measured('2025-03-01T10:00:10.020Z', '2025-03-01T10:01:09.990Z', 600);
    m.dropped.set('2025-03-01T10:00:05', new Map([['order-wave', 7]])); // warm-up
    m.dropped.set('2025-03-01T10:00:30', new Map([['order-wave', 3]]));
    m.dropped.set('2025-03-01T10:01:20', new Map([['order-wave', 5]])); // after the hold
    const figures = stepFigures(m, 60);
    expect(figures.droppedIterations).toBe(3);
    expect(figures.classes['order-wave']!.droppedIterations).toBe(3);
    expect(figures.classes['order-wave']!.throughput).toBe(10);
    expect(figures.problems).toEqual([]);
  });

  it('calls a steady state much shorter than the hold an early stop', () => {
    const figures = stepFigures(measured('2025-03-01T10:00:10Z', '2025-03-01T10:00:31Z', 210), 60);
    expect(figures.problems).toEqual([
      'the steady state lasted 21.0 s of the 60 s hold: k6 stopped early',
    ]);
  });

  it('says when no sample carries a phase tag', () => {
    const m = emptyMeasurements();
    m.untagged = 42;
    expect(stepFigures(m, 60).problems).toEqual([
      expect.stringMatching(/^no steady-state samples: 42 class samples carry no phase tag/),
    ]);
  });
});
