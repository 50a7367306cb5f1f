// Tables drawn from the run's steps: throughput and latency per class and step (each step's
// own histogram-based summary, never averaged across steps), and DB time by statement class.
import type { TransactionClass } from '../core/classes.js';
import type { CallsChartData } from './charts/calls-chart.js';
import type { DbTimeChartData } from './charts/db-time-chart.js';
import { classSteps, databaseTime, offeredLoad, stepCalls } from './measurements.js';
import { concurrencyOf, stepDocuments, type RunOnDisk } from '../core/run-types.js';
import { percent, roundMeasure } from './round.js';
import { yesNo, type Table } from './table.js';

/** How many statement classes the DB-time table names before folding the rest into "other". */
const TOP_STATEMENT_CLASSES = 8;
/** How many calls a step's slowest-calls table and chart show. */
export const TOP_CALLS = 10;

export interface ClassSection {
  class: TransactionClass;
  throughput: Table;
  latency: Table;
}

export function classSection(run: RunOnDisk, cls: TransactionClass): ClassSection {
  const loadLabel = run.run.ladder.model === 'closed' ? 'VUs' : 'rate (tx/s)';
  const steps = classSteps(stepDocuments(run), cls);
  const stepCells = (s: (typeof steps)[number]) => ({
    step: s.step.label,
    load: roundMeasure(offeredLoad(s.step)),
    valid: yesNo(s.step.valid),
  });
  const stepColumns = [
    { key: 'step', label: 'step' },
    { key: 'load', label: loadLabel, numeric: true },
    { key: 'valid', label: 'valid' },
  ];
  return {
    class: cls,
    throughput: {
      id: `throughput-${cls}`,
      title: `${cls}: throughput per step`,
      columns: [
        ...stepColumns,
        { key: 'throughput', label: 'throughput (tx/s)', numeric: true },
        { key: 'requestRate', label: 'requests/s', numeric: true },
        { key: 'concurrency', label: 'concurrency N', numeric: true },
        { key: 'errorRate', label: 'errors (%)', numeric: true },
        { key: 'dropped', label: 'dropped', numeric: true },
      ],
      rows: steps.map((s) => ({
        ...stepCells(s),
        throughput: roundMeasure(s.stats.throughput),
        requestRate: roundMeasure(s.stats.requestRate),
        concurrency: roundMeasure(concurrencyOf(s.step, s.stats)),
        errorRate: percent(s.stats.errors.rate),
        dropped: s.stats.droppedIterations,
      })),
    },
    latency: {
      id: `latency-${cls}`,
      title: `${cls}: business-transaction latency per step (ms)`,
      columns: [
        ...stepColumns,
        { key: 'p50', label: 'p50', numeric: true },
        { key: 'p90', label: 'p90', numeric: true },
        { key: 'p95', label: 'p95', numeric: true },
        { key: 'p99', label: 'p99', numeric: true },
        { key: 'max', label: 'max', numeric: true },
        { key: 'requestP95', label: 'request p95', numeric: true },
      ],
      rows: steps.map((s) => {
        const t = s.stats.latency.transaction;
        return {
          ...stepCells(s),
          p50: roundMeasure(t.p50),
          p90: roundMeasure(t.p90),
          p95: roundMeasure(t.p95),
          p99: roundMeasure(t.p99),
          max: roundMeasure(t.max),
          requestP95: roundMeasure(s.stats.latency.request.p95),
        };
      }),
    },
  };
}

export function dbTimeSection(run: RunOnDisk): { table: Table; chart: DbTimeChartData } {
  const time = databaseTime(stepDocuments(run));
  const top = time.byClass.slice(0, TOP_STATEMENT_CLASSES);
  const rest = time.byClass.slice(TOP_STATEMENT_CLASSES);
  const rows = top.map((r) => ({ ...r }));
  const restMs = rest.reduce((s, r) => s + r.totalMs, 0) + time.untrackedMs;
  if (restMs > 0)
    rows.push({
      statementClass: 'other statements',
      calls: rest.reduce((s, r) => s + r.calls, 0),
      totalMs: restMs,
    });
  const total = time.totalMs > 0 ? time.totalMs : rows.reduce((s, r) => s + r.totalMs, 0);
  const cells = rows.map((r) => ({
    statementClass: r.statementClass,
    calls: r.calls,
    totalMs: roundMeasure(r.totalMs),
    sharePct: total > 0 ? percent(r.totalMs / total) : 0,
    meanMs: r.calls > 0 ? roundMeasure(r.totalMs / r.calls) : null,
  }));
  const perTx = time.transactions > 0 ? roundMeasure(time.totalMs / time.transactions) : null;
  // Why statistics may be missing: the runner's note (an imported run, no pg_stat_statements).
  const notes = [
    ...new Set(
      stepDocuments(run).flatMap((s) =>
        s.database.cluster.statStatements
          ? []
          : [s.database.cluster.note ?? 'pg_stat_statements was not available'],
      ),
    ),
  ];
  const counted = time.onlyInvalid
    ? `all ${time.stepsCounted} steps (none was valid)`
    : `the ${time.stepsCounted} valid steps`;
  return {
    table: {
      id: 'db-time',
      title: 'Database time by statement class',
      columns: [
        { key: 'statementClass', label: 'statement class' },
        { key: 'calls', label: 'calls', numeric: true },
        { key: 'totalMs', label: 'total (ms)', numeric: true },
        { key: 'sharePct', label: 'share (%)', numeric: true },
        { key: 'meanMs', label: 'mean (ms)', numeric: true },
      ],
      rows: cells,
      note:
        `Steady-state windows of ${counted}; ` +
        (perTx === null
          ? 'no business transactions completed.'
          : `${perTx} ms of statement time per business transaction.`) +
        notes.map((n) => ` No statement statistics: ${n}.`).join(''),
    },
    chart: {
      rows: cells.map((c) => ({
        statementClass: c.statementClass,
        totalMs: c.totalMs,
        sharePct: c.sharePct,
      })),
    },
  };
}

export interface CallsSection {
  step: string;
  valid: boolean;
  table: Table;
}

/**
 * Per step, its slowest Odoo calls ("model.method", one request each) over every class, by p95:
 * which call a slow transaction waits on. Steps without per-call statistics (runs written before
 * they were measured) have no section.
 */
export function callsSections(run: RunOnDisk): (CallsSection & { chart: CallsChartData })[] {
  return stepDocuments(run).flatMap((step) => {
    const calls = stepCalls(step);
    if (calls.length === 0) return [];
    const top = calls.slice(0, TOP_CALLS).map((c) => ({
      class: c.class,
      call: c.call,
      requests: c.stats.requests,
      p50: roundMeasure(c.stats.latency.p50),
      p95: roundMeasure(c.stats.latency.p95),
      p99: roundMeasure(c.stats.latency.p99),
      max: roundMeasure(c.stats.latency.max),
      timeSharePct: percent(c.timeShare),
    }));
    const left = calls.length - top.length;
    return [
      {
        step: step.label,
        valid: step.valid,
        table: {
          id: `calls-${step.label}`,
          title: `Slowest calls at step ${step.label}${step.valid ? '' : ' (did not count)'}: request latency (ms)`,
          columns: [
            { key: 'class', label: 'class' },
            { key: 'call', label: 'call' },
            { key: 'requests', label: 'requests', numeric: true },
            { key: 'p50', label: 'p50', numeric: true },
            { key: 'p95', label: 'p95', numeric: true },
            { key: 'p99', label: 'p99', numeric: true },
            { key: 'max', label: 'max', numeric: true },
            { key: 'timeSharePct', label: 'share of class time (%)', numeric: true },
          ],
          rows: top,
          ...(left > 0 && {
            note: `${left} faster call${left === 1 ? '' : 's'} not shown; step.json lists every call.`,
          }),
        },
        chart: {
          step: step.label,
          rows: top.map((r) => ({ class: r.class, call: r.call, p95: r.p95, p99: r.p99 })),
        },
      },
    ];
  });
}
