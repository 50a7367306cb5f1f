// When a ladder stops past the knee, and why a step's measurements do not stand: pure
// functions of step.json figures and the ladder, so run.json can say exactly why it ended.
import { DEFAULT_STOP_AT } from '../core/models/ladder.js';
import type { ClassStepStats, LadderSpec, StepJson, StopReason } from '../core/run-types.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Iterations the step was meant to start in its hold (open model); undefined when closed. */
function plannedIterations(step: StepJson, holdSeconds: number): number | undefined {
  return step.load.rate === undefined ? undefined : step.load.rate * holdSeconds;
}

function classEntries(step: StepJson): [string, ClassStepStats][] {
  return Object.entries(step.classes) as [string, ClassStepStats][];
}

/** Errors over the cap, or dropped iterations over the limit: the reasons a step fails its load. */
export function loadProblems(step: StepJson, spec: LadderSpec): string[] {
  const problems: string[] = [];
  for (const [cls, c] of classEntries(step)) {
    if (c.errors.rate > spec.caps.maxErrorRate) {
      problems.push(
        `${cls}: error rate ${pct(c.errors.rate)} over the cap ${pct(spec.caps.maxErrorRate)}`,
      );
    }
  }
  const planned = plannedIterations(step, spec.holdSeconds);
  const dropped = classEntries(step).reduce((s, [, c]) => s + c.droppedIterations, 0);
  const limit = spec.stopAt?.maxDroppedFraction ?? DEFAULT_STOP_AT.maxDroppedFraction;
  if (planned !== undefined && planned > 0 && dropped / planned > limit) {
    problems.push(
      `${dropped} dropped iterations, ${pct(dropped / planned)} of the ${Math.round(planned)} planned (limit ${pct(limit)}): k6 ran out of VUs, so the target did not get the offered load`,
    );
  }
  return problems;
}

/**
 * Whether the ladder stops after this step: errors or dropped iterations over their limits, or
 * past the knee — some class's p50 at least p50Factor × its first-step p50 (Odoo's own load
 * tests use twice). Undefined: go on.
 */
export function stopAfter(
  first: StepJson,
  current: StepJson,
  spec: LadderSpec,
): StopReason | undefined {
  const problems = loadProblems(current, spec);
  if (problems.length > 0) {
    return { kind: 'errors', detail: `step ${current.label}: ${problems.join('; ')}` };
  }
  const factor = spec.stopAt?.p50Factor ?? DEFAULT_STOP_AT.p50Factor;
  if (current.index === first.index) return undefined;
  for (const [cls, c] of classEntries(current)) {
    const base = first.classes[cls as keyof StepJson['classes']]?.latency.transaction.p50;
    const p50 = c.latency.transaction.p50;
    if (base !== undefined && base > 0 && c.latency.transaction.count > 0 && p50 >= factor * base) {
      return {
        kind: 'knee',
        detail: `step ${current.label}: ${cls} p50 ${p50.toFixed(1)} ms is ${(p50 / base).toFixed(2)}× the first step's ${base.toFixed(1)} ms (limit ${factor}×)`,
      };
    }
  }
  return undefined;
}
