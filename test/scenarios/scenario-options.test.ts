// The load shapes k6 receives: executors, arrival profiles, overrides, the peak-mix split and the
// SLO thresholds, built from the shipped models.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSlo } from '../../src/core/models/slo.js';
import { loadWorkload } from '../../src/core/models/workload.js';
import {
  arrivalProfile,
  meanRate,
  planOptions,
  type K6Scenario,
} from '../../scenarios/lib/scenario-options.ts';
import type { Slo, Workload } from '../../scenarios/lib/workload.ts';

const MODELS = join(import.meta.dirname, '..', '..', 'models');
let workload: Workload;
let slo: Slo;

beforeAll(async () => {
  workload = await loadWorkload(join(MODELS, 'workload', 'default.yaml'));
  slo = await loadSlo(join(MODELS, 'slo.yaml'));
});

/** The mean arrival rate (per second) k6 will produce for an arrival-rate scenario. */
function k6MeanRate(s: K6Scenario): number {
  if (s.executor === 'constant-vus') throw new Error('not an arrival-rate scenario');
  const unit = Number(s.timeUnit.replace('s', ''));
  if (s.executor === 'constant-arrival-rate') return s.rate / unit;
  const stages = s.stages.map((st) => ({
    target: st.target / unit,
    seconds: Number(st.duration.replace(/s$/, '')),
  }));
  return meanRate({ startRate: s.startRate / unit, stages });
}

/** The stage targets of a ramping scenario. */
function targets(s: K6Scenario): number[] {
  if (s.executor !== 'ramping-arrival-rate') throw new Error(`${s.executor} has no stages`);
  return s.stages.map((t) => t.target);
}

function withClass(cls: keyof Workload['classes'], patch: Record<string, unknown>): Workload {
  return {
    ...workload,
    classes: { ...workload.classes, [cls]: { ...workload.classes[cls], ...patch } },
  };
}

describe('one class', () => {
  it('an open class with a constant rate runs constant-arrival-rate, tagged and named for its class', () => {
    const { scenarios } = planOptions('order-wave', workload, slo, {});
    expect(Object.keys(scenarios)).toEqual(['order-wave']);
    expect(scenarios['order-wave']).toMatchObject({
      executor: 'constant-arrival-rate',
      rate: 2,
      timeUnit: '1s',
      duration: '600s',
      preAllocatedVUs: 10,
      maxVUs: 100,
      exec: 'orderWave',
      tags: { class: 'order-wave' },
    });
  });

  it('a fractional rate becomes whole arrivals per longer time unit', () => {
    const s = planOptions('month-end-billing', workload, slo, {}).scenarios['month-end-billing']!;
    expect(s).toMatchObject({ rate: 1, timeUnit: '10s' });
    expect(k6MeanRate(s)).toBeCloseTo(0.1, 9);
  });

  it('OC_RATE, OC_DURATION and OC_WARMUP override the model, and VUs grow with the rate', () => {
    const s = planOptions('order-wave', workload, slo, {
      rate: 8,
      durationSeconds: 20,
      warmupSeconds: 5,
    }).scenarios['order-wave']!;
    expect(s).toMatchObject({ rate: 8, duration: '25s', preAllocatedVUs: 40, maxVUs: 400 });
  });

  it('the closed model runs constant-vus with the model’s or OC_VUS’s VUs', () => {
    const closed = planOptions('stock-moves', workload, slo, { executor: 'closed' });
    expect(closed.scenarios['stock-moves']).toMatchObject({
      executor: 'constant-vus',
      vus: 6,
      duration: '600s',
    });
    const vus = planOptions('stock-moves', workload, slo, { executor: 'closed', vus: 3 });
    expect(vus.scenarios['stock-moves']).toMatchObject({ vus: 3 });
  });

  it('stages are stretched to the duration and keep their rates', () => {
    const w = withClass('order-wave', {
      rate: 1,
      stages: [
        { rate: 4, duration: '1m' },
        { rate: 4, duration: '2m' },
        { rate: 1, duration: '1m' },
      ],
    });
    const s = planOptions('order-wave', w, slo, { durationSeconds: 40 }).scenarios['order-wave']!;
    expect(s).toMatchObject({
      executor: 'ramping-arrival-rate',
      startRate: 1,
      timeUnit: '1s',
      stages: [
        { target: 4, duration: '10s' },
        { target: 4, duration: '20s' },
        { target: 1, duration: '10s' },
      ],
    });
  });
});

describe('carrier bursts', () => {
  it('spikes to the peak rate for the spike length once a period, with the base rate between', () => {
    const profile = arrivalProfile('carrier-burst', workload.classes['carrier-burst'], 120);
    expect(profile.startRate).toBe(1);
    expect(profile.stages.slice(0, 4)).toEqual([
      { target: 1, seconds: 48 },
      { target: 25, seconds: 1 },
      { target: 25, seconds: 10 },
      { target: 1, seconds: 1 },
    ]);
    expect(profile.stages.reduce((t, s) => t + s.seconds, 0)).toBe(120);
    // Per period: 49 s at 1/s plus 11 s at 25/s (the ramps average to half-way).
    expect(meanRate(profile)).toBeCloseTo((49 * 1 + 11 * 25) / 60, 9);
  });

  it('a run shorter than a period ends mid-profile at the interpolated rate', () => {
    const profile = arrivalProfile('carrier-burst', workload.classes['carrier-burst'], 48.5);
    expect(profile.stages).toEqual([
      { target: 1, seconds: 48 },
      { target: 13, seconds: 0.5 },
    ]);
  });

  it('OC_RATE scales the bursts so the mean rate is the one asked, keeping the shape', () => {
    const s = planOptions('carrier-burst', workload, slo, { rate: 10, durationSeconds: 120 })
      .scenarios['carrier-burst']!;
    expect(s.executor).toBe('ramping-arrival-rate');
    expect(k6MeanRate(s)).toBeCloseTo(10, 2);
    expect(Math.max(...targets(s)) / Math.min(...targets(s))).toBeCloseTo(25, 0);
  });
});

describe('peak-mix', () => {
  it('runs the four classes as four scenarios with their own executors', () => {
    const { scenarios } = planOptions('peak-mix', workload, slo, {});
    expect(Object.keys(scenarios).sort()).toEqual([
      'carrier-burst',
      'month-end-billing',
      'order-wave',
      'stock-moves',
    ]);
    expect(scenarios['carrier-burst']!.executor).toBe('ramping-arrival-rate');
    expect(scenarios['order-wave']!.executor).toBe('constant-arrival-rate');
    expect(
      Object.values(scenarios)
        .map((s) => s.exec)
        .sort(),
    ).toEqual(['carrierBurst', 'monthEndBilling', 'orderWave', 'stockMoves']);
  });

  it('OC_RATE is the total, split in proportion to the modelled mean rates', () => {
    const plain = planOptions('peak-mix', workload, slo, { durationSeconds: 600 }).scenarios;
    const scaled = planOptions('peak-mix', workload, slo, {
      rate: 20,
      durationSeconds: 600,
    }).scenarios;
    const total = Object.values(scaled).reduce((sum, s) => sum + k6MeanRate(s), 0);
    expect(total).toBeCloseTo(20, 1);
    const modelled = Object.values(plain).reduce((sum, s) => sum + k6MeanRate(s), 0);
    for (const cls of Object.keys(plain)) {
      expect(k6MeanRate(scaled[cls]!) / 20).toBeCloseTo(k6MeanRate(plain[cls]!) / modelled, 2);
    }
  });

  it('OC_VUS is the total for the closed model, at least one VU per class', () => {
    const { scenarios } = planOptions('peak-mix', workload, slo, { executor: 'closed', vus: 13 });
    const vus = Object.fromEntries(
      Object.entries(scenarios).map(([k, s]) => [k, s.executor === 'constant-vus' ? s.vus : 0]),
    );
    expect(vus).toEqual({
      'order-wave': 4,
      'stock-moves': 3,
      'carrier-burst': 5,
      'month-end-billing': 1,
    });
  });
});

describe('thresholds from the SLOs', () => {
  it('judge p95, p99 and the error rate per class over the hold phase, and guard the run', () => {
    const { thresholds } = planOptions('order-wave', workload, slo, {});
    expect(thresholds).toEqual({
      'oc_transaction_duration{class:order-wave,phase:hold}': ['p(95)<2000', 'p(99)<5000'],
      'oc_transaction_failed{class:order-wave,phase:hold}': ['rate<0.01'],
      oc_transaction_failed: [{ threshold: 'rate<0.25', abortOnFail: true, delayAbortEval: '30s' }],
    });
  });

  it('peak-mix carries every class’s thresholds', () => {
    const { thresholds } = planOptions('peak-mix', workload, slo, {});
    expect(Object.keys(thresholds)).toHaveLength(9);
    expect(thresholds['oc_transaction_duration{class:month-end-billing,phase:hold}']).toEqual([
      'p(95)<30000',
    ]);
  });
});
