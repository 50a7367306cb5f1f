// Measurements the report derives from a run's steps: classes run, best valid step per class,
// where the database spent its time; percentiles are never averaged across steps.
import type { TransactionClass } from '../core/classes.js';
import { TRANSACTION_CLASSES } from '../core/classes.js';
import type { CallStepStats, ClassStepStats, StepJson } from '../core/run-types.js';
import { statementClass } from './statement-class.js';

/** The classes present in any step, in the canonical order of classes.ts. */
export function classesInRun(steps: readonly StepJson[]): TransactionClass[] {
  return TRANSACTION_CLASSES.filter((c) => steps.some((s) => s.classes[c] !== undefined));
}

export interface ClassStep {
  step: StepJson;
  stats: ClassStepStats;
}

export function classSteps(steps: readonly StepJson[], cls: TransactionClass): ClassStep[] {
  return steps.flatMap((step) => {
    const stats = step.classes[cls];
    return stats ? [{ step, stats }] : [];
  });
}

/** The valid step with the highest throughput for a class: the run's demonstrated capacity. */
export function peakValidStep(
  steps: readonly StepJson[],
  cls: TransactionClass,
): ClassStep | undefined {
  return classSteps(steps, cls)
    .filter((s) => s.step.valid)
    .reduce<ClassStep | undefined>(
      (best, s) => (!best || s.stats.throughput > best.stats.throughput ? s : best),
      undefined,
    );
}

export interface StepCall {
  class: TransactionClass;
  /** "model.method". */
  call: string;
  stats: CallStepStats;
  /** The call's share of its class's request time in the step (requests × mean), 0–1. */
  timeShare: number;
}

/** A step's Odoo calls over every class, slowest first by p95 (empty for runs without them). */
export function stepCalls(step: StepJson): StepCall[] {
  const out: StepCall[] = [];
  for (const cls of TRANSACTION_CLASSES) {
    const calls = Object.entries(step.classes[cls]?.calls ?? {});
    const total = calls.reduce((s, [, c]) => s + c.requests * c.latency.mean, 0);
    for (const [call, stats] of calls)
      out.push({
        class: cls,
        call,
        stats,
        timeShare: total > 0 ? (stats.requests * stats.latency.mean) / total : 0,
      });
  }
  // A stable sort: ties keep the canonical class order, then step.json's (sorted) call order.
  return out.sort((a, b) => b.stats.latency.p95 - a.stats.latency.p95);
}

/** Offered load of a step: arrival rate (open model) or VUs (closed). */
export function offeredLoad(step: StepJson): number {
  return (step.load.model === 'closed' ? step.load.vus : step.load.rate) ?? 0;
}

export interface StatementClassTime {
  statementClass: string;
  calls: number;
  totalMs: number;
}

export interface DatabaseTime {
  byClass: StatementClassTime[];
  /** Σ statementTimeMs of the databases: includes statements outside each step's top list. */
  totalMs: number;
  /** Statement time outside the top statements the runner kept. */
  untrackedMs: number;
  transactions: number;
  /** Steps that counted: the valid ones, or all when none is valid. */
  stepsCounted: number;
  onlyInvalid: boolean;
}

/** DB time by statement class over the valid steps' steady-state windows, largest first. */
export function databaseTime(steps: readonly StepJson[]): DatabaseTime {
  const valid = steps.filter((s) => s.valid);
  const counted = valid.length > 0 ? valid : steps;
  const byClass = new Map<string, StatementClassTime>();
  let totalMs = 0;
  let topMs = 0;
  let transactions = 0;
  for (const step of counted) {
    for (const stats of Object.values(step.classes)) transactions += stats?.transactions ?? 0;
    for (const db of step.database.databases) {
      totalMs += db.statementTimeMs;
      for (const st of db.topStatements) {
        const key = statementClass(st.query);
        const entry = byClass.get(key) ?? { statementClass: key, calls: 0, totalMs: 0 };
        entry.calls += st.calls;
        entry.totalMs += st.totalExecMs;
        topMs += st.totalExecMs;
        byClass.set(key, entry);
      }
    }
  }
  return {
    byClass: [...byClass.values()].sort(
      (a, b) => b.totalMs - a.totalMs || a.statementClass.localeCompare(b.statementClass),
    ),
    totalMs,
    untrackedMs: Math.max(totalMs - topMs, 0),
    transactions,
    stepsCounted: counted.length,
    onlyInvalid: valid.length === 0,
  };
}
