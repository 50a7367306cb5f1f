// The N* gate: which USL fits may cap Odoo workers. A usable fit whose peak lies within its data
// and below the measured workers caps them only when throughput was measured falling past it.
import type { TransactionClass } from '../core/classes.js';
import type { UslFitSummary, UslPoint } from '../core/plan-types.js';

/** The fits that bound a set of classes: each class's own, else the mix fit of its run. */
export function fitsFor(
  classes: readonly TransactionClass[],
  fits: readonly UslFitSummary[],
): UslFitSummary[] {
  const out = new Set<UslFitSummary>();
  for (const c of classes) {
    const own = fits.find((f) => f.scope === c);
    const mix = fits.find((f) => f.scope === 'mix' && f.points.some((p) => p.step));
    if (own) out.add(own);
    else if (mix) out.add(mix);
  }
  return [...out];
}

/** A fit good enough to act on (cap workers, stretch service times); others are only reported. */
export const USABLE_FIT = { minR2: 0.8, maxLooMape: 0.25 } as const;

export function usableFit(fit: UslFitSummary): boolean {
  return (
    fit.r2 >= USABLE_FIT.minR2 && (fit.looMape === null || fit.looMape <= USABLE_FIT.maxLooMape)
  );
}

/**
 * How far throughput must fall below its measured peak, at higher concurrency, before the fall
 * counts as measured rather than noise, at the least: two steps at the same real throughput
 * differ by a few per cent.
 */
export const RETROGRADE_DROP = 0.05;

/**
 * Standard deviations of counting noise a fall must exceed. A step's throughput is the
 * transactions it counted over its window; read as a Poisson count (relative deviation 1/√c),
 * the gap between two steps has a relative deviation of √(1/c₁ + 1/c₂). That over-states the
 * noise of a step whose service times vary less than exponential ones, so a fall it passes is
 * a fall: 2 deviations leave about one noise-made fall in 40.
 */
export const RETROGRADE_NOISE_Z = 2;

/** The relative fall from `peak` to `p` that counts as measured. */
export function retrogradeThreshold(peak: UslPoint, p: UslPoint): number {
  const c1 = peak.transactions ?? 0;
  const c2 = p.transactions ?? 0;
  const noise = c1 > 0 && c2 > 0 ? Math.sqrt(1 / c1 + 1 / c2) : 0;
  return Math.max(RETROGRADE_DROP, RETROGRADE_NOISE_Z * noise);
}

/**
 * Whether the fit's points show throughput falling as concurrency rose: a point past the
 * highest measured throughput that is lower by more than the noise of the two steps' counts
 * (and RETROGRADE_DROP at the least). A fit can bend over (κ > 0, N* within the data) on a curve
 * that only flattened: in an open ladder the step past the knee queues for workers, so its
 * Little's-law concurrency jumps while throughput holds, and the fit reads that as a peak at the
 * step before. That is the pool filling, not contention; and on short steps, one unlucky count.
 */
export function retrogradeMeasured(fit: UslFitSummary): boolean {
  if (fit.points.length === 0) return false;
  const peak = fit.points.reduce((a, p) => (p.x > a.x ? p : a));
  return fit.points.some((p) => p.n > peak.n && p.x < peak.x * (1 - retrogradeThreshold(peak, p)));
}

/**
 * The N* that caps workers: only from a usable fit whose data show the retrograde region (N*
 * within the measured concurrency, and throughput measured falling past its peak), and only
 * below the worker count of the deployment that was measured. An N* at or above that count is
 * the worker pool filling up (in-flight transactions past the workers are queueing, not
 * contending), which more workers do relieve. An N* extrapolated past the data, from a curve
 * that only flattened, or from a poor fit, is reported but does not cap.
 */
export function workerCap(
  fits: readonly UslFitSummary[],
  measuredWorkers = Infinity,
): number | null {
  const stars = fits
    .filter((f) => bendsBelow(f, measuredWorkers) && retrogradeMeasured(f))
    .map((f) => f.nStar!);
  return stars.length ? Math.min(...stars) : null;
}

/** A usable fit whose N* is within its data and below the measured workers. */
function bendsBelow(f: UslFitSummary, measuredWorkers: number): boolean {
  return usableFit(f) && f.nStar !== null && f.nStar <= f.maxMeasuredN && f.nStar < measuredWorkers;
}

/**
 * Fits that would cap workers at N* but for a measured fall in throughput: said in the plan's
 * warnings, since the next run should add load levels past the knee.
 */
export function unconfirmedPeaks(
  fits: readonly UslFitSummary[],
  measuredWorkers = Infinity,
): string[] {
  return fits
    .filter((f) => bendsBelow(f, measuredWorkers) && !retrogradeMeasured(f))
    .map(
      (f) =>
        `${f.id}: the fit peaks at N*=${f.nStar}, but no measured throughput fell past it by more ` +
        "than the steps' counting noise; it flattened, as it does when the measured workers fill up. " +
        'N* does not cap workers: longer steps and load levels further past the knee would show ' +
        'whether the peak is real',
    );
}
