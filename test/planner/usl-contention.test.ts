// The contention stretch of service times read off a USL fit.
import { describe, expect, it } from 'vitest';
import type { UslFitSummary } from '../../src/core/plan-types.js';
import { contentionStretch } from '../../src/planner/usl-contention.js';

const fit = (sigma: number, kappa: number, lambda: number) =>
  ({ coefficients: { sigma, kappa, lambda } }) as UslFitSummary;

describe('contention stretch', () => {
  it('is 1 for a system that scales linearly', () => {
    expect(contentionStretch(fit(0, 0, 2), 5, 0.5, 8).factor).toBe(1);
  });

  it('is D(N)/D(N_low) with N solved on the curve: σ 0.5 at 2.4/s puts 1.5 in flight, ×1.25', () => {
    // X(N) = 2N / (1 + 0.5(N − 1)) = 2.4  →  N = 1.5, D(1.5) = 1.25; D below N = 1 counts as 1.
    const s = contentionStretch(fit(0.5, 0, 2), 2.4, 0.5, 8);
    expect(s.concurrency).toBeCloseTo(1.5, 9);
    expect(s.factor).toBeCloseTo(1.25, 9);
    expect(s.beyondCurve).toBe(false);
  });

  it('stops at the workers that were measured: beyond them the wait was queueing', () => {
    expect(contentionStretch(fit(0.5, 0, 2), 2.4, 0.5, 1).factor).toBe(1);
  });

  it('says when the rate is past the curve’s maximum and uses the measured workers', () => {
    const s = contentionStretch(fit(0.5, 0, 2), 5, 0.5, 3); // X_max = λ/σ = 4
    expect(s.beyondCurve).toBe(true);
    expect(s.concurrency).toBe(3);
    expect(s.factor).toBeCloseTo(2, 9); // D(3) = 1 + 0.5·2
  });
});
