// How sure a recommendation is: high on a well-determined fit with the forecast inside the
// measured range, lower for weak fits, extrapolation and assumed inputs [proposal].
import type { Confidence, ConfidenceGrade, UslFitSummary } from '../core/plan-types.js';

export interface ConfidenceFactors {
  /** The fits the recommendation rests on; an empty list means none could be made. */
  fits?: readonly UslFitSummary[];
  /** Forecast demand ÷ the largest throughput measured (1 = at the edge of the data). */
  extrapolation?: number;
  /** Inputs taken as assumptions rather than measured, named. */
  assumed?: readonly string[];
  /** Extra reasons that cap the grade, with the cap. */
  caps?: readonly { grade: ConfidenceGrade; reason: string }[];
}

const ORDER: ConfidenceGrade[] = ['low', 'medium', 'high'];
const pct = (v: number) => `${Math.round(v * 1000) / 10} %`;

export function grade(factors: ConfidenceFactors): Confidence {
  let level = 2;
  const reasons: string[] = [];
  const cap = (to: ConfidenceGrade, reason: string) => {
    level = Math.min(level, ORDER.indexOf(to));
    reasons.push(reason);
  };
  if (factors.fits !== undefined) {
    if (factors.fits.length === 0) cap('medium', 'no scalability fit: fewer than 4 valid steps');
    for (const fit of factors.fits) {
      const label = `${fit.id}: R² ${fit.r2.toFixed(3)} over ${fit.points.length} steps`;
      if (fit.r2 < 0.8) cap('low', `${label} (weak)`);
      else if (fit.r2 < 0.95) cap('medium', label);
      else reasons.push(label);
      if (fit.looMape === null) cap('medium', `${fit.id}: too few points for leave-one-out`);
      else if (fit.looMape > 0.25) cap('low', `${fit.id}: leave-one-out error ${pct(fit.looMape)}`);
      else if (fit.looMape > 0.1)
        cap('medium', `${fit.id}: leave-one-out error ${pct(fit.looMape)}`);
      if (fit.points.length < 6) cap('medium', `${fit.id}: only ${fit.points.length} load levels`);
    }
  }
  if (factors.extrapolation !== undefined) {
    const x = factors.extrapolation;
    const text = `forecast is ${x.toFixed(2)}× the largest measured throughput`;
    if (x > 2) cap('low', `${text}: far outside the data`);
    else if (x > 1.2) cap('medium', `${text}: extrapolated`);
    else reasons.push(`${text}: inside the measured range`);
  }
  for (const a of factors.assumed ?? []) cap('medium', `assumed, not measured: ${a}`);
  for (const c of factors.caps ?? []) cap(c.grade, c.reason);
  return { grade: ORDER[level]!, reasons };
}
