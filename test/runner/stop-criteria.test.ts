// When a ladder stops: past the knee (p50 twice the first step's, the criterion of Odoo's own
// load tests), or when errors or dropped iterations pass their limits.
import { describe, expect, it } from 'vitest';
import { toLadderSpec } from '../../src/core/models/ladder.js';
import type { ClassStepStats, StepJson } from '../../src/core/run-types.js';
import { loadProblems, stopAfter } from '../../src/runner/stop-criteria.js';

const spec = toLadderSpec({ profile: 'order-wave', steps: [2, 4, 8], hold: 10 }, 'test');

function step(index: number, p50: number, extra: Partial<ClassStepStats> = {}): StepJson {
  const rate = spec.steps[index - 1]!.rate!;
  const latency = {
    count: 100,
    mean: p50,
    stddev: 1,
    min: 1,
    p50,
    p90: p50,
    p95: p50,
    p99: p50,
    max: p50,
  };
  return {
    schemaVersion: 1,
    index,
    label: `rate-${rate}`,
    load: { label: `rate-${rate}`, rate, model: 'open' },
    window: { start: '', end: '', seconds: 10 },
    valid: true,
    invalidReasons: [],
    classes: {
      'order-wave': {
        transactions: rate * 10,
        throughput: rate,
        requests: rate * 20,
        requestRate: rate * 2,
        latency: { transaction: latency, request: latency },
        errors: { total: 0, rate: 0, byTag: {} },
        retryableFaults: 0,
        droppedIterations: 0,
        concurrency: { littles: 1, vusMax: 1 },
        ...extra,
      },
    },
    database: {
      cluster: { walBytes: 0, checkpoints: 0, buffersWritten: 0, statStatements: false },
      databases: [],
      activity: { samples: 0, connectionsByState: {}, waitEvents: {}, lockWaitsMax: 0 },
    },
    k6ExitCode: 0,
  };
}

describe('stop criteria', () => {
  it('stops past the knee when p50 reaches twice the first step’s', () => {
    const reason = stopAfter(step(1, 20), step(3, 40), spec);
    expect(reason?.kind).toBe('knee');
    expect(reason).toMatchObject({ detail: expect.stringContaining('2.00×') });
  });

  it('goes on below twice the first step’s p50', () => {
    expect(stopAfter(step(1, 20), step(2, 39.9), spec)).toBeUndefined();
  });

  it('never calls the first step a knee', () => {
    expect(stopAfter(step(1, 20), step(1, 20), spec)).toBeUndefined();
  });

  it('stops on an error rate over the cap, naming the class and the rates', () => {
    const reason = stopAfter(
      step(1, 20),
      step(2, 20, { errors: { total: 8, rate: 0.08, byTag: { concurrency: 8 } } }),
      spec,
    );
    expect(reason).toEqual({
      kind: 'errors',
      detail: 'step rate-4: order-wave: error rate 8.0% over the cap 5.0%',
    });
  });

  it('counts dropped iterations against the iterations the step planned', () => {
    // rate 4/s × 10 s = 40 planned; 1% of 40 is 0.4, so one dropped iteration is over.
    expect(loadProblems(step(2, 20, { droppedIterations: 1 }), spec)).toEqual([
      expect.stringMatching(/^1 dropped iterations, 2\.5% of the 40 planned \(limit 1\.0%\)/),
    ]);
    expect(loadProblems(step(2, 20), spec)).toEqual([]);
  });
});
