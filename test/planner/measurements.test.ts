// What the planner reads from run directories: points from valid steps only, service times
// pooled over the low-load steps, and DB cost per transaction by regression over the steps.
import { describe, expect, it } from 'vitest';
import {
  databaseSteps,
  measureClass,
  mixPoints,
  perTransaction,
} from '../../src/planner/measurements.js';
import { ORDER_WAVE, STOCK_MOVES, syntheticRun } from '../helpers/synthetic-run.js';

const run = syntheticRun({
  id: 'm',
  classes: [ORDER_WAVE],
  rates: [0.5, 1, 2, 4, 6],
  workers: 2,
  invalidSteps: [5],
});

describe('measurements', () => {
  it('takes (N, X) from the valid steps, N by Little’s law for an open ladder', () => {
    const m = measureClass(run, 'order-wave')!;
    expect(m.points.map((p) => p.x)).toEqual([0.5, 1, 2, 4]);
    const step = run.steps[2]!.step.classes['order-wave']!;
    expect(m.points[2]!.n).toBe(step.concurrency.littles);
    expect(m.concurrencySource).toBe('littles');
  });

  it('pools service times over the steps with at most one transaction in flight', () => {
    const m = measureClass(run, 'order-wave')!;
    const low = run.steps.filter((s) => s.step.classes['order-wave']!.concurrency.littles <= 1);
    expect(low.length).toBeGreaterThan(1);
    expect(m.lowLoad.steps.map((s) => s.dir)).toEqual(low.map((s) => s.dir));
    const stats = low.map((s) => s.step.classes['order-wave']!);
    const requests = stats.reduce((t, x) => t + x.requests, 0);
    const mean = stats.reduce((t, x) => t + x.requests * x.latency.request.mean, 0) / requests;
    expect(m.lowLoad.request.mean).toBeCloseTo(mean / 1000, 12);
    expect(m.lowLoad.calls).toBe(2);
  });

  it('falls back to the least loaded step when every step had more in flight', () => {
    const busy = syntheticRun({ id: 'b', classes: [ORDER_WAVE], rates: [6, 7], workers: 2 });
    expect(measureClass(busy, 'order-wave')!.lowLoad.steps.map((s) => s.dir)).toEqual([
      'steps/01-rate-6',
    ]);
  });

  it('prices DB time per transaction by the slope over the steps, background as intercept', () => {
    const cost = perTransaction(databaseSteps(run), (s) => s.busyMsPerSecond);
    // Synthetic: 40 ms per order, plus 500 ms per 60 s step of background work.
    expect(cost.method).toBe('regression');
    expect(cost.perTransaction).toBeCloseTo(40, 9);
    expect(cost.background).toBeCloseTo(500 / 60, 9);
  });

  it('adds the classes of a peak-mix step into one mix point', () => {
    const mix = syntheticRun({
      id: 'x',
      classes: [ORDER_WAVE, STOCK_MOVES],
      rates: [1, 2],
      workers: 4,
    });
    const [first] = mixPoints(mix);
    const classes = mix.steps[0]!.step.classes;
    expect(first!.x).toBe(2);
    expect(first!.n).toBeCloseTo(
      classes['order-wave']!.concurrency.littles + classes['stock-moves']!.concurrency.littles,
      12,
    );
  });
});
