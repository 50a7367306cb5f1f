// The Universal Scalability Law as a model: throughput, latency, peak and inversions.
// F1–F5 in docs/capacity-model.md (codahale/usl model.go, PSA Eq. 6/9/10; R usl scalability.R).
import { bisect } from 'simple-statistics';
import type { UslCoefficients, UslConstraint } from '../core/plan-types.js';

/** The denominator D(N) = 1 + σ(N−1) + κN(N−1). */
export function uslDenominator({ sigma, kappa }: UslCoefficients, n: number): number {
  return 1 + sigma * (n - 1) + kappa * n * (n - 1);
}

/** X(N) = λN / D(N) (F1). */
export function uslThroughput(c: UslCoefficients, n: number): number {
  return (c.lambda * n) / uslDenominator(c, n);
}

/** Mean latency with no think time, R(N) = D(N)/λ (F2), in the unit of 1/λ (seconds). */
export function uslLatency(c: UslCoefficients, n: number): number {
  return uslDenominator(c, n) / c.lambda;
}

/** N* = ⌊√((1−σ)/κ)⌋ (F3, codahale's floor); null when κ = 0 (no retrograde region). */
export function uslPeakConcurrency({ sigma, kappa }: UslCoefficients): number | null {
  if (kappa <= 0 || sigma >= 1) return kappa <= 0 ? null : 1;
  return Math.max(1, Math.floor(Math.sqrt((1 - sigma) / kappa)));
}

/** X(N*), or the asymptote λ/σ when κ = 0; null when σ = κ = 0 (linear scaling). */
export function uslMaxThroughput(c: UslCoefficients): number | null {
  const peak = uslPeakConcurrency(c);
  if (peak !== null) return uslThroughput(c, peak);
  return c.sigma > 0 ? c.lambda / c.sigma : null;
}

/** Diagnosis (codahale): σ > κ contention-constrained, κ ≥ σ > 0 coherency-, κ = 0 limitless. */
export function uslConstraint({ sigma, kappa }: UslCoefficients): UslConstraint {
  if (kappa <= 0) return 'limitless';
  return sigma > kappa ? 'contention' : 'coherency';
}

/** N(R): concurrency at mean latency R seconds (F4, PSA Eq. 10). Needs κ > 0. */
export function uslConcurrencyAtLatency({ sigma, kappa, lambda }: UslCoefficients, r: number) {
  const root = Math.sqrt(sigma ** 2 + kappa ** 2 + 2 * kappa * (2 * lambda * r + sigma - 2));
  return (kappa - sigma + root) / (2 * kappa);
}

/** X(R): throughput at mean latency R seconds (F5, PSA Eq. 9). Needs κ > 0. */
export function uslThroughputAtLatency({ sigma, kappa, lambda }: UslCoefficients, r: number) {
  const root = Math.sqrt(sigma ** 2 + kappa ** 2 + 2 * kappa * (2 * lambda * r + sigma - 2));
  return (root - kappa + sigma) / (2 * kappa * r);
}

/**
 * Mean latency (seconds) at throughput X on the rising side of the curve, solved numerically
 * from X(N) and R = N/X. codahale's closed form R(X) = (σ−1)/(σX−λ) drops κ and is wrong past
 * the knee (docs/capacity-model.md, section 1). Returns null when X exceeds the curve's maximum.
 */
export function uslLatencyAtThroughput(c: UslCoefficients, x: number): number | null {
  if (x <= 0) return 1 / c.lambda;
  const peak = uslPeakConcurrency(c);
  // X(N) rises monotonically from 0 to N* (or forever when κ = 0): bisect on N in that range.
  let hi = peak ?? 1;
  if (peak === null) {
    const ceiling = uslMaxThroughput(c);
    if (ceiling !== null && x >= ceiling) return null;
    while (uslThroughput(c, hi) < x) hi *= 2;
  } else {
    // ⌊N*⌋ may sit just left of the true maximum at √((1−σ)/κ); search up to the true one.
    hi = Math.sqrt((1 - c.sigma) / c.kappa);
    if (uslThroughput(c, hi) < x) return null;
  }
  const n = bisect((v: number) => uslThroughput(c, v) - x, 0, hi, 200, hi * 1e-13);
  return n / x;
}
