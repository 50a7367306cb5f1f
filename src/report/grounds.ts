// The grounds of a recommendation as the report shows them: confidence and why, formulas
// (docs/capacity-model.md F-numbers), the steps and fits it rests on, and its inputs.
import type { Grounded } from '../core/plan-types.js';
import { roundMeasure } from './round.js';

export interface Ground {
  /** What the grounds are for, e.g. "web workers" or "database vCPU". */
  what: string;
  confidence: Grounded['confidence']['grade'];
  confidenceReasons: string[];
  formulas: string[];
  /** Step labels, e.g. "rate-8". */
  steps: string[];
  /** "usl:order-wave (R² 0.973, 6 points, leave-one-out error 4.1 %)". */
  fits: string[];
  inputs: { name: string; value: number }[];
  assumptions: string[];
}

export function ground(what: string, g: Grounded): Ground {
  return {
    what,
    confidence: g.confidence.grade,
    confidenceReasons: g.confidence.reasons,
    formulas: g.evidence.formulas,
    // Several fits may cite the same step: list each once, in ladder order.
    steps: [...new Set(g.evidence.steps.map((s) => s.label))],
    fits: g.evidence.fits.map(
      (f) =>
        `${f.fit} (R² ${Math.round(f.r2 * 1000) / 1000}, ${f.points} points${f.looMape === null ? '' : `, leave-one-out error ${Math.round(f.looMape * 1000) / 10} %`})`,
    ),
    inputs: Object.entries(g.evidence.inputs).map(([name, value]) => ({
      name,
      value: roundMeasure(value),
    })),
    assumptions: g.assumptions,
  };
}
