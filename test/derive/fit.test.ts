// The statistics of `workload derive` on inputs whose answers are known.
import { describe, expect, it } from 'vitest';
import {
  arrivalProfile,
  burstShape,
  empirical,
  fitGrowth,
  fitZipf,
  histogramQuantile,
  isMonthEnd,
} from '../../src/derive/fit.js';

/** Sufficient statistics of counts c_r = round(K / r^s) over n products. */
function zipfStats(n: number, s: number, k: number) {
  const counts = Array.from({ length: n }, (_, r) => Math.round(k / (r + 1) ** s));
  return {
    products: n,
    lines: counts.reduce((a, b) => a + b, 0),
    sumCountLnRank: counts.reduce((a, c, r) => a + c * Math.log(r + 1), 0),
  };
}

describe('fitZipf', () => {
  it.each([0.5, 1, 1.5, 2.5])('recovers s = %s from expected counts', (s) => {
    const fit = fitZipf(zipfStats(500, s, 100_000))!;
    expect(Math.abs(fit.s - s)).toBeLessThan(0.02);
    expect(fit.standardError).toBeGreaterThan(0);
  });

  it('gives 0 for uniform popularity and nothing for one product', () => {
    expect(fitZipf(zipfStats(50, 0, 100))!.s).toBeLessThan(1e-9);
    expect(fitZipf({ products: 1, lines: 10, sumCountLnRank: 0 })).toBeUndefined();
  });
});

describe('fitGrowth', () => {
  it('recovers compound growth, with an interval that holds it', () => {
    const g = fitGrowth([100, 110, 121, 133.1, 146.41])!;
    expect(g.percentPerMonth).toBeCloseTo(10, 6);
    const noisy = fitGrowth([100, 115, 118, 137, 144, 165])!;
    expect(noisy.interval95![0]).toBeLessThan(noisy.percentPerMonth);
    expect(noisy.interval95![1]).toBeGreaterThan(noisy.percentPerMonth);
  });

  it('needs three months with transactions', () => {
    expect(fitGrowth([0, 0, 10, 20])).toBeUndefined();
  });
});

describe('empirical', () => {
  it('keeps a short histogram as it is and merges a long tail keeping the mass', () => {
    expect(
      empirical([
        { value: 2, count: 3 },
        { value: 1, count: 5 },
      ])!.weights,
    ).toEqual([
      { value: 1, weight: 5 },
      { value: 2, weight: 3 },
    ]);
    const long = Array.from({ length: 200 }, (_, i) => ({ value: i + 1, count: 1 }));
    const e = empirical(long)!;
    expect(e.weights.length).toBeLessThanOrEqual(40);
    expect(e.weights.reduce((s, w) => s + w.weight, 0)).toBe(200);
    expect(histogramQuantile(long, 0.5)).toBe(100);
  });
});

describe('arrivalProfile', () => {
  it('finds the time-consistent busy hour and the peak days', () => {
    // 2026-11-02 is a Monday; 14 days: two Mondays with 8 at 09:00, a Friday with 30 at 14:00.
    const hours = [
      { day: '2026-11-02', hour: 9, count: 8 },
      { day: '2026-11-09', hour: 9, count: 8 },
      { day: '2026-11-06', hour: 14, count: 30 },
      ...['2026-11-03', '2026-11-04', '2026-11-05', '2026-11-10', '2026-11-11'].map((day) => ({
        day,
        hour: 11,
        count: 4,
      })),
    ];
    const p = arrivalProfile(hours, '2026-11-02', 14);
    // The Friday comes once in 14 days (mean 15 an hour), the Mondays twice (mean 8).
    expect(p.busyHour).toMatchObject({ dayOfWeek: 5, hour: 14, perHour: 15 });
    expect(p.total).toBe(66);
    expect(p.peakDays.map((d) => d.date)).toEqual(['2026-11-06', '2026-11-02', '2026-11-09']);
    expect(p.byDayOfWeek[0]).toBe(8);
  });

  it('calls the last two days and the first of a month month-end', () => {
    expect(['2026-11-29', '2026-11-30', '2026-12-01'].map(isMonthEnd)).toEqual([true, true, true]);
    expect(isMonthEnd('2026-11-15')).toBe(false);
  });
});

describe('burstShape', () => {
  it('keeps the busy-hour mean over a period', () => {
    const shape = burstShape(
      {
        events: 0,
        spikes: 10,
        eventsInSpikes: 0,
        medianSpikeSeconds: 10,
        medianSpikeRate: 25,
        medianPeriodSeconds: 60,
      },
      5,
    )!;
    expect(shape).toMatchObject({ peakRate: 25, spikeSeconds: 10, periodSeconds: 60 });
    expect((shape.peakRate * 10 + shape.rate * 50) / 60).toBeCloseTo(5, 9);
  });

  it('needs two spikes', () => {
    expect(
      burstShape(
        {
          events: 5,
          spikes: 1,
          eventsInSpikes: 5,
          medianSpikeSeconds: 1,
          medianSpikeRate: 5,
          medianPeriodSeconds: undefined,
        },
        1,
      ),
    ).toBeUndefined();
  });
});
