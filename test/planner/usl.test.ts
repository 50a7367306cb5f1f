// The USL model functions against codahale/usl's published test values (model_test.go), and the
// latency-at-throughput pitfall of its closed form.
import { describe, expect, it } from 'vitest';
import {
  uslConcurrencyAtLatency,
  uslConstraint,
  uslLatency,
  uslLatencyAtThroughput,
  uslMaxThroughput,
  uslPeakConcurrency,
  uslThroughput,
  uslThroughputAtLatency,
} from '../../src/planner/usl.js';

// codahale/usl model_test.go: the model Build() returns for Schwartz's 32 measurements.
const schwartz = { sigma: 0.02671591, kappa: 7.690945e-4, lambda: 995.6486 };
const sixes = { sigma: 0.06, kappa: 0.06, lambda: 40 };

describe('USL model', () => {
  it('gives codahale’s throughput and latency at concurrency', () => {
    expect(uslThroughput(schwartz, 1)).toBeCloseTo(995.648772003358, 2);
    expect(uslThroughput(schwartz, 20)).toBeCloseTo(11063.63312570436, 1);
    expect(uslLatency(schwartz, 1)).toBeCloseTo(0.0010043702853760425, 8);
    expect(uslLatency(schwartz, 20)).toBeCloseTo(0.0018077244276309343, 8);
    expect(uslLatency(schwartz, 35)).toBeCloseTo(0.0028359035794958197, 8);
  });

  it('puts the peak at N*=35 with X_max 12341.7 and calls the system contention-constrained', () => {
    expect(uslPeakConcurrency(schwartz)).toBe(35);
    expect(uslMaxThroughput(schwartz)).toBeCloseTo(12341.745415132369, 1);
    expect(uslConstraint(schwartz)).toBe('contention');
    expect(uslConstraint({ sigma: 0.01, kappa: 0.02, lambda: 1 })).toBe('coherency');
  });

  it('has no peak when κ = 0, and then X_max is the Amdahl asymptote λ/σ', () => {
    const amdahl = { sigma: 0.05, kappa: 0, lambda: 20 };
    expect(uslPeakConcurrency(amdahl)).toBeNull();
    expect(uslConstraint(amdahl)).toBe('limitless');
    expect(uslMaxThroughput(amdahl)).toBeCloseTo(400, 9);
    expect(uslMaxThroughput({ sigma: 0, kappa: 0, lambda: 20 })).toBeNull();
  });

  it('inverts latency to throughput and concurrency as PSA Eq. 9 and 10 do', () => {
    expect(uslThroughputAtLatency(sixes, 0.03)).toBeCloseTo(69.38886664887109, 6);
    expect(uslThroughputAtLatency(sixes, 0.04)).toBeCloseTo(82.91561975888501, 6);
    expect(uslThroughputAtLatency(sixes, 0.05)).toBeCloseTo(84.06346808612327, 6);
    // N(R) and R(N) are inverses of each other.
    const r = uslLatency(sixes, 3);
    expect(uslConcurrencyAtLatency(sixes, r)).toBeCloseTo(3, 9);
  });

  it('solves latency at a throughput on the curve, where codahale’s closed form drops κ', () => {
    // Below the knee: R(X(N)) must equal N / X(N) (Little's law); the closed form
    // (σ−1)/(σX−λ) gives 0.0262 s here instead of 0.0295 s.
    const x2 = uslThroughput(sixes, 2);
    expect(uslLatencyAtThroughput(sixes, x2)).toBeCloseTo(2 / x2, 9);
    expect(Math.abs(0.94 / (40 - 0.06 * x2) - 2 / x2)).toBeGreaterThan(0.003);
    // codahale returns 0.05875 s for X = 400, a throughput this system can never reach.
    expect(uslMaxThroughput(sixes)!).toBeLessThan(100);
    expect(uslLatencyAtThroughput(sixes, 400)).toBeNull();
  });

  it('solves latency at throughput for a limitless (κ = 0) system up to its asymptote', () => {
    const amdahl = { sigma: 0.05, kappa: 0, lambda: 20 };
    const x = uslThroughput(amdahl, 50);
    expect(uslLatencyAtThroughput(amdahl, x)).toBeCloseTo(50 / x, 9);
    expect(uslLatencyAtThroughput(amdahl, 400)).toBeNull();
  });
});
