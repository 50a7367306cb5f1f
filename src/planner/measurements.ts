// What the planner takes from run directories: per class the (N, X) points of valid steps, the
// low-load service times and the database cost per transaction. Pure.
import { linearRegression } from 'simple-statistics';
import { TRANSACTION_CLASSES, type TransactionClass } from '../core/classes.js';
import type { StepRef } from '../core/plan-types.js';
import {
  concurrencyOf,
  type ClassStepStats,
  type RunOnDisk,
  type StepJson,
} from '../core/run-types.js';
import type { UslMeasurement } from './usl-fit.js';
import type { ServiceTime } from './worker-pool.js';

export function stepRef(run: RunOnDisk, s: { dir: string; step: StepJson }): StepRef {
  return { run: run.run.id, index: s.step.index, label: s.step.label, dir: s.dir };
}

export interface LowLoad {
  /** The low-load steps the service times come from. */
  steps: StepRef[];
  concurrency: number;
  calls: number;
  request: ServiceTime;
  transaction: ServiceTime;
  /** The slowest single XML-RPC request of those steps, milliseconds (their latency max). */
  slowestRequestMs: number;
}

export interface ClassMeasurement {
  class: TransactionClass;
  concurrencySource: 'vus' | 'littles';
  points: UslMeasurement[];
  lowLoad: LowLoad;
  maxThroughput: number;
  /** The p95 of the transaction at each valid step, for checks and reports. */
  p95ByStep: { step: StepRef; p95Ms: number; throughput: number }[];
}

/** A step counts when the runner marked it valid and the class completed transactions in it. */
function validClassSteps(run: RunOnDisk, c: TransactionClass) {
  return run.steps
    .filter((s) => s.step.valid)
    .map((s) => ({ s, stats: s.step.classes[c] }))
    .filter((x): x is { s: RunOnDisk['steps'][number]; stats: ClassStepStats } =>
      Boolean(x.stats && x.stats.transactions > 0 && x.stats.requests > 0),
    );
}

/** In-flight transactions up to which a step counts as low load. */
const LOW_LOAD_CONCURRENCY = 1;

/** Mean and squared CV (seconds) of several latency summaries pooled by their counts. */
function pooled(parts: { n: number; summary: { mean: number; stddev: number } }[]): ServiceTime {
  const n = parts.reduce((t, p) => t + p.n, 0);
  const mean = parts.reduce((t, p) => t + p.n * p.summary.mean, 0) / n;
  const second =
    parts.reduce((t, p) => t + p.n * (p.summary.stddev ** 2 + p.summary.mean ** 2), 0) / n;
  return { mean: mean / 1000, cv2: mean > 0 ? second / mean ** 2 - 1 : 1 };
}

export function measureClass(run: RunOnDisk, c: TransactionClass): ClassMeasurement | null {
  const steps = validClassSteps(run, c);
  if (steps.length === 0) return null;
  const points = steps.map(({ s, stats }) => ({
    n: concurrencyOf(s.step, stats),
    x: stats.throughput,
    step: stepRef(run, s),
    transactions: stats.transactions,
  }));
  // Service times come from the low-load steps: those with at most one transaction in flight
  // on average, where calls hardly queue (or else the least loaded step). Several steps pooled
  // by their counts steady the estimate on a noisy machine.
  const least = steps.reduce((a, b) =>
    concurrencyOf(b.s.step, b.stats) < concurrencyOf(a.s.step, a.stats) ? b : a,
  );
  const low = steps.filter(({ s, stats }) => concurrencyOf(s.step, stats) <= LOW_LOAD_CONCURRENCY);
  const pool = low.length > 0 ? low : [least];
  const transactions = pool.reduce((t, x) => t + x.stats.transactions, 0);
  const requests = pool.reduce((t, x) => t + x.stats.requests, 0);
  return {
    class: c,
    concurrencySource: run.run.ladder.model === 'closed' ? 'vus' : 'littles',
    points,
    lowLoad: {
      steps: pool.map(({ s }) => stepRef(run, s)),
      concurrency:
        pool.reduce((t, x) => t + concurrencyOf(x.s.step, x.stats) * x.stats.transactions, 0) /
        transactions,
      calls: requests / transactions,
      request: pooled(pool.map((x) => ({ n: x.stats.requests, summary: x.stats.latency.request }))),
      transaction: pooled(
        pool.map((x) => ({ n: x.stats.transactions, summary: x.stats.latency.transaction })),
      ),
      slowestRequestMs: Math.max(...pool.map((x) => x.stats.latency.request.max)),
    },
    maxThroughput: Math.max(...points.map((p) => p.x)),
    p95ByStep: steps.map(({ s, stats }) => ({
      step: stepRef(run, s),
      p95Ms: stats.latency.transaction.p95,
      throughput: stats.throughput,
    })),
  };
}

/** Per class over several runs: the run with the most valid steps for that class wins. */
export function measureClasses(
  runs: readonly RunOnDisk[],
): Map<TransactionClass, ClassMeasurement> {
  const out = new Map<TransactionClass, ClassMeasurement>();
  for (const c of TRANSACTION_CLASSES)
    for (const run of runs) {
      const m = measureClass(run, c);
      if (m && m.points.length > (out.get(c)?.points.length ?? 0)) out.set(c, m);
    }
  return out;
}

/** The whole mix per step: Σ throughput against Σ concurrency (peak-mix runs). */
export function mixPoints(run: RunOnDisk): UslMeasurement[] {
  return run.steps
    .filter((s) => s.step.valid)
    .map((s) => {
      const stats = Object.values(s.step.classes).filter((x): x is ClassStepStats =>
        Boolean(x && x.transactions > 0),
      );
      return {
        n: stats.reduce((sum, x) => sum + concurrencyOf(s.step, x), 0),
        x: stats.reduce((sum, x) => sum + x.throughput, 0),
        step: stepRef(run, s),
        transactions: stats.reduce((sum, x) => sum + x.transactions, 0),
      };
    })
    .filter((p) => p.n > 0 && p.x > 0);
}

/** One valid step's database cost, summed over the databases (tenants) it saw. */
export interface DatabaseStep {
  step: StepRef;
  seconds: number;
  /** Transactions per second over all classes. */
  throughput: number;
  /** Per class throughput. */
  classThroughput: Partial<Record<TransactionClass, number>>;
  /** Database busy milliseconds per second (Σ statement time, else active_time). */
  busyMsPerSecond: number;
  busySource: 'pg_stat_statements' | 'active_time' | 'none';
  blksReadPerSecond: number;
  blksHit: number;
  blksRead: number;
  walBytesPerSecond: number;
  sizeGrowthBytes: number;
  sizeBytesAfter: number;
  /** Share of statement time in read-only statements; null without pg_stat_statements. */
  readOnlyShare: number | null;
}

const READ_ONLY = /^\s*(select|with)\b(?![\s\S]*\bfor\s+(update|share|no key update|key share)\b)/i;
const WRITES = /\b(insert|update|delete)\b/i;

export function databaseSteps(run: RunOnDisk): DatabaseStep[] {
  return run.steps
    .filter((s) => s.step.valid && s.step.window.seconds > 0)
    .map((s) => {
      const { databases, cluster } = s.step.database;
      const seconds = s.step.window.seconds;
      const statementMs = databases.reduce((t, d) => t + d.statementTimeMs, 0);
      const activeMs = databases.reduce((t, d) => t + (d.activeTimeMs ?? 0), 0);
      const busySource =
        cluster.statStatements && statementMs > 0
          ? 'pg_stat_statements'
          : activeMs > 0
            ? 'active_time'
            : 'none';
      const statements = databases.flatMap((d) => d.topStatements);
      const statementTotal = statements.reduce((t, st) => t + st.totalExecMs, 0);
      const readOnly = statements
        .filter(
          (st) =>
            READ_ONLY.test(st.query) && !(st.query.match(/^\s*with\b/i) && WRITES.test(st.query)),
        )
        .reduce((t, st) => t + st.totalExecMs, 0);
      const classThroughput: Partial<Record<TransactionClass, number>> = {};
      for (const [c, stats] of Object.entries(s.step.classes) as [
        TransactionClass,
        ClassStepStats,
      ][])
        if (stats) classThroughput[c] = stats.throughput;
      return {
        step: stepRef(run, s),
        seconds,
        throughput: Object.values(classThroughput).reduce((t, x) => t + (x ?? 0), 0),
        classThroughput,
        busyMsPerSecond: (busySource === 'pg_stat_statements' ? statementMs : activeMs) / seconds,
        busySource,
        blksReadPerSecond: databases.reduce((t, d) => t + d.blksRead, 0) / seconds,
        blksHit: databases.reduce((t, d) => t + d.blksHit, 0),
        blksRead: databases.reduce((t, d) => t + d.blksRead, 0),
        walBytesPerSecond:
          (cluster.walBytes || databases.reduce((t, d) => t + d.walBytes, 0)) / seconds,
        sizeGrowthBytes: databases.reduce((t, d) => t + (d.sizeBytesAfter - d.sizeBytesBefore), 0),
        sizeBytesAfter: databases.reduce((t, d) => t + d.sizeBytesAfter, 0),
        readOnlyShare: statementTotal > 0 ? readOnly / statementTotal : null,
      };
    });
}

/**
 * Cost per transaction of a per-second quantity: the slope of a line through the steps
 * (intercept = background work such as autovacuum), or the plain ratio with fewer than three
 * steps or a non-positive slope.
 */
export function perTransaction(
  steps: readonly DatabaseStep[],
  value: (s: DatabaseStep) => number,
): { perTransaction: number; background: number; method: 'regression' | 'ratio' } {
  const usable = steps.filter((s) => s.throughput > 0);
  if (usable.length >= 3) {
    const { m, b } = linearRegression(usable.map((s) => [s.throughput, value(s)]));
    if (m > 0 && b >= 0) return { perTransaction: m, background: b, method: 'regression' };
  }
  const throughput = usable.reduce((t, s) => t + s.throughput, 0);
  const total = usable.reduce((t, s) => t + value(s), 0);
  return {
    perTransaction: throughput > 0 ? total / throughput : 0,
    background: 0,
    method: 'ratio',
  };
}
