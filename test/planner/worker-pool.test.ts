// Worker-pool sizing: the smallest worker count meeting utilisation and SLO, capped at N*.
import { describe, expect, it } from 'vitest';
import { mmcSojournQuantile } from '../../src/planner/erlang-c.js';
import {
  predictPool,
  requestMix,
  sizeWorkerPool,
  type ClassLoad,
} from '../../src/planner/worker-pool.js';

/** One call per transaction, exponential service: the pool is exactly an M/M/c queue. */
const mmcClass = (rate: number, mean: number, sloP95: number | null): ClassLoad => ({
  class: 'order-wave',
  rate,
  calls: 1,
  request: { mean, cv2: 1 },
  transaction: { mean, cv2: 1 },
  sloP95,
});

const base = { arrivalCv2: 1, minWorkers: 1, targetUtilisation: 0.9, nStar: null };

describe('worker pool sizing', () => {
  it('mixes classes into one call stream with the hyperexponential’s variability', () => {
    const a = { ...mmcClass(1, 1, null) };
    const b = { ...mmcClass(1, 3, null), class: 'stock-moves' as const };
    const mix = requestMix([a, b]);
    expect(mix.rate).toBe(2);
    expect(mix.mean).toBe(2);
    // E[S²] = ½·2·1² + ½·2·3² = 10, so c² = 10/4 − 1 = 1.5.
    expect(mix.cv2).toBeCloseTo(1.5, 12);
  });

  it('picks the smallest c whose M/M/c sojourn p95 meets the SLO', () => {
    const load = mmcClass(20, 0.2, 0.7);
    const sizing = sizeWorkerPool({ ...base, classes: [load] });
    let expected = 5;
    while (mmcSojournQuantile({ arrivalRate: 20, serviceTime: 0.2, servers: expected }, 0.95) > 0.7)
      expected++;
    expect(sizing.workers).toBe(expected);
    expect(sizing.limitedBy).toBe('slo');
    expect(sizing.meetsSlo).toBe(true);
    expect(sizing.predictions[0]!.p95).toBeLessThanOrEqual(0.7);
    expect(predictPool([load], expected - 1, 1).meetsSlo).toBe(false);
  });

  it('keeps utilisation under the target when the SLO is loose', () => {
    const sizing = sizeWorkerPool({
      ...base,
      targetUtilisation: 0.7,
      classes: [mmcClass(20, 0.2, 60)],
    });
    expect(sizing.workers).toBe(Math.ceil(4 / 0.7));
    expect(sizing.limitedBy).toBe('utilisation');
    expect(sizing.utilisation).toBeLessThanOrEqual(0.7);
  });

  it('never goes above N*, and says the SLO is then missed', () => {
    const sizing = sizeWorkerPool({ ...base, nStar: 5, classes: [mmcClass(20, 0.2, 0.7)] });
    expect(sizing.workers).toBe(5);
    expect(sizing.limitedBy).toBe('n-star');
    expect(sizing.meetsSlo).toBe(false);
  });

  it('caps at N* even when utilisation alone asks for more workers', () => {
    const sizing = sizeWorkerPool({ ...base, nStar: 3, classes: [mmcClass(20, 0.2, null)] });
    expect(sizing.workers).toBe(3);
    expect(sizing.limitedBy).toBe('n-star');
    expect(sizing.predictions[0]!.p95).toBe(Infinity);
  });

  it('reports an SLO no worker count can meet because the transaction itself is too slow', () => {
    const sizing = sizeWorkerPool({ ...base, classes: [mmcClass(2, 0.5, 0.5)] });
    expect(sizing.sloUnreachable).toEqual(['order-wave']);
    expect(sizing.meetsSlo).toBe(false);
  });

  it('keeps the minimum worker count for a light load', () => {
    const sizing = sizeWorkerPool({ ...base, minWorkers: 2, classes: [mmcClass(0.5, 0.1, 2)] });
    expect(sizing.workers).toBe(2);
    expect(sizing.limitedBy).toBe('minimum');
  });
});
