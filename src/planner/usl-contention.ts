// How much longer each transaction takes at a higher rate from contention, read off the USL fit
// (F2), bounded by the workers that were measured (past them the queue model adds the wait).
import type { UslFitSummary } from '../core/plan-types.js';
import { uslDenominator, uslLatencyAtThroughput } from './usl.js';

export interface ContentionStretch {
  /** Multiply low-load service times by this (≥ 1). */
  factor: number;
  /** In-flight transactions the curve gives at the rate, bounded by the measured workers. */
  concurrency: number;
  /** The rate is past the curve's maximum: the stretch is the one at the measured workers. */
  beyondCurve: boolean;
}

export function contentionStretch(
  fit: UslFitSummary,
  rate: number,
  lowLoadConcurrency: number,
  measuredWorkers: number,
): ContentionStretch {
  const r = uslLatencyAtThroughput(fit.coefficients, rate);
  const beyondCurve = r === null;
  const inFlight = r === null ? measuredWorkers : r * rate;
  const concurrency = Math.min(inFlight, measuredWorkers);
  // D below N = 1 falls under 1: service cannot get faster than at one in flight.
  const at = (n: number) => Math.max(1, uslDenominator(fit.coefficients, n));
  return {
    factor: Math.max(1, at(concurrency) / at(lowLoadConcurrency)),
    concurrency,
    beyondCurve,
  };
}
