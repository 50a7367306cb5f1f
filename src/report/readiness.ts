// Is today's sizing ready for the forecast peak? Per class, the forecast peak rate against the
// capacity the run measured within the SLOs (the plan's runway), and the plan's own runway date.
import type { TransactionClass } from '../core/classes.js';
import { TRANSACTION_CLASSES } from '../core/classes.js';
import type { PlanJson } from '../core/plan-types.js';

export interface ClassReadiness {
  class: TransactionClass;
  peak: number;
  /** Null when no run measured the class. */
  capacity: number | null;
  covered: boolean;
}

export function classReadiness(plan: PlanJson): ClassReadiness[] {
  return TRANSACTION_CLASSES.flatMap((cls) => {
    const peak = plan.forecast.peakRates[cls];
    if (peak === undefined) return [];
    const capacity = plan.runway.currentCapacity[cls] ?? null;
    return [{ class: cls, peak, capacity, covered: capacity !== null && capacity >= peak }];
  });
}

/** Ready when every forecast class is measured and covered and the runway does not run out. */
export function isReady(plan: PlanJson): boolean {
  return plan.runway.runsOutOn === null && classReadiness(plan).every((c) => c.covered);
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The verdict in a few sentences, from the plan's figures only. */
export function verdictSentences(plan: PlanJson): string[] {
  const peak = plan.forecast.peak;
  const when = `${peak.name}, ${peak.date}`;
  const readiness = classReadiness(plan);
  const short = readiness.filter((c) => c.capacity !== null && !c.covered).map((c) => c.class);
  const unmeasured = readiness.filter((c) => c.capacity === null).map((c) => c.class);
  const sentences: string[] = [];
  if (isReady(plan))
    sentences.push(
      `Today's sizing carries the forecast peak (${when}): every class stays within its SLO at the forecast rates.`,
    );
  else {
    sentences.push(
      short.length > 0
        ? `Today's sizing does not carry the forecast peak (${when}): ${list(short)} ${short.length === 1 ? 'exceeds' : 'exceed'} what today's sizing sustains.`
        : `Today's sizing does not carry the forecast peak (${when}).`,
    );
    if (plan.runway.runsOutOn)
      sentences.push(
        `Capacity runs out on ${plan.runway.runsOutOn}${plan.runway.limitedBy ? `, limited by ${plan.runway.limitedBy}` : ''}.`,
      );
  }
  if (unmeasured.length > 0 || plan.unmeasuredClasses.length > 0) {
    const names = [...new Set([...unmeasured, ...plan.unmeasuredClasses])];
    sentences.push(
      `${list(names)} ${names.length === 1 ? 'was' : 'were'} not measured, so not sized.`,
    );
  }
  const unreachable = [...new Set(plan.workers.flatMap((w) => w.sloUnreachable))];
  if (unreachable.length > 0)
    sentences.push(
      `${list(unreachable)} ${unreachable.length === 1 ? 'misses its' : 'miss their'} p95 SLO even without queueing: more workers will not help; the transaction itself must get faster.`,
    );
  if (!plan.feasibility.feasible)
    sentences.push(
      `Even the recommended sizing cannot meet the SLOs: ${plan.feasibility.reasons.join('; ')}.`,
    );
  return sentences;
}
