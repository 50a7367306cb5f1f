// From merged StepMeasurements to step.json's per-class figures and histograms.json (throughput,
// percentiles, errors by fault tag, dropped iterations, concurrency).
import type { TransactionClass } from '../core/classes.js';
import {
  RUN_SCHEMA_VERSION,
  type ClassStepStats,
  type ErrorTag,
  type HistogramsJson,
  type PostingStats,
} from '../core/run-types.js';
import {
  HISTOGRAM_ENCODING,
  encodeHistogram,
  newHistogram,
  summarizeHistogram,
} from './latency-histogram.js';
import {
  REQUEST_TREND,
  TRANSACTION_TREND,
  type PostingCounts,
  type StepMeasurements,
} from './step-measurements.js';

export interface StepFigures {
  classes: Partial<Record<TransactionClass, ClassStepStats>>;
  histograms: HistogramsJson;
  window: { start: string; end: string; seconds: number };
  droppedIterations: number;
  /** Why the measurements cannot stand for the step (empty when they can). */
  problems: string[];
}

const toIso = (k6Time: string | undefined): string =>
  k6Time === undefined ? new Date(0).toISOString() : new Date(k6Time).toISOString();

const round = (n: number, digits = 4): number => Number(n.toFixed(digits));

/** step.json's posting figures of a class that posted; nothing for a class that did not. */
function postingStats(p: PostingCounts, seconds: number): { posting?: PostingStats } {
  if (p.attempts + p.collisions + p.invoicesPosted + p.invoicesUnposted === 0) return {};
  return {
    posting: {
      attempts: p.attempts,
      collisions: p.collisions,
      collisionRate: round(p.attempts > 0 ? p.collisions / p.attempts : 0, 6),
      invoicesPosted: p.invoicesPosted,
      invoicesPostedPerSecond: round(seconds > 0 ? p.invoicesPosted / seconds : 0),
      invoicesUnposted: p.invoicesUnposted,
    },
  };
}

/**
 * holdSeconds: the configured hold, which the window stands for; when unknown (an import
 * without a ladder), the span between the first and last steady-state samples.
 */
export function stepFigures(m: StepMeasurements, holdSeconds?: number): StepFigures {
  const firstSecond = m.holdFirst?.slice(0, 19);
  const lastSecond = m.holdLast?.slice(0, 19);
  const inWindow = (second: string) =>
    firstSecond !== undefined && second >= firstSecond && second <= lastSecond!;
  const span =
    m.holdFirst && m.holdLast ? (Date.parse(m.holdLast) - Date.parse(m.holdFirst)) / 1000 : 0;
  const seconds = holdSeconds ?? span;

  const droppedByClass = new Map<string, number>();
  for (const [second, byClass] of m.dropped) {
    if (!inWindow(second)) continue;
    for (const [cls, n] of byClass) droppedByClass.set(cls, (droppedByClass.get(cls) ?? 0) + n);
  }
  let vusMax = 0;
  for (const [second, n] of m.vus) if (inWindow(second)) vusMax = Math.max(vusMax, n);

  const classes: StepFigures['classes'] = {};
  const histograms: HistogramsJson = {
    schemaVersion: RUN_SCHEMA_VERSION,
    encoding: HISTOGRAM_ENCODING,
    classes: {},
  };
  for (const [cls, c] of [...m.classes].sort(([a], [b]) => a.localeCompare(b))) {
    const transactionH = c.trends.get(TRANSACTION_TREND) ?? newHistogram();
    const requestH = c.trends.get(REQUEST_TREND) ?? newHistogram();
    const transaction = summarizeHistogram(transactionH);
    const errorsTotal = [...c.faults.values()].reduce((s, n) => s + n, 0);
    const throughput = seconds > 0 ? c.transactions / seconds : 0;
    const calls = [...c.calls].sort(([a], [b]) => a.localeCompare(b));
    classes[cls] = {
      transactions: c.transactions,
      throughput: round(throughput),
      requests: c.requests,
      requestRate: round(seconds > 0 ? c.requests / seconds : 0),
      latency: { transaction, request: summarizeHistogram(requestH) },
      errors: {
        total: errorsTotal,
        rate: round(errorsTotal > 0 ? errorsTotal / (c.transactions + errorsTotal) : 0, 6),
        byTag: Object.fromEntries([...c.faults].sort()) as Partial<Record<ErrorTag, number>>,
      },
      retryableFaults: c.retryable,
      droppedIterations: droppedByClass.get(cls) ?? 0,
      ...postingStats(c.posting, seconds),
      ...(calls.length > 0 && {
        calls: Object.fromEntries(
          calls.map(([key, call]) => [
            key,
            { requests: call.requests, latency: summarizeHistogram(call.latency) },
          ]),
        ),
      }),
      concurrency: {
        // Little's law, L = λW: throughput (1/s) × mean transaction time (s).
        littles: round((throughput * transaction.mean) / 1000),
        vusMax,
      },
    };
    const others = [...c.trends].filter(([n]) => n !== TRANSACTION_TREND && n !== REQUEST_TREND);
    histograms.classes[cls] = {
      transaction: encodeHistogram(transactionH),
      request: encodeHistogram(requestH),
      ...(others.length > 0 && {
        metrics: Object.fromEntries(others.sort().map(([n, h]) => [n, encodeHistogram(h)])),
      }),
      ...(calls.length > 0 && {
        calls: Object.fromEntries(calls.map(([key, call]) => [key, encodeHistogram(call.latency)])),
      }),
    };
  }

  const problems: string[] = [];
  if (m.classes.size === 0 || [...m.classes.values()].every((c) => c.transactions === 0)) {
    problems.push(
      m.untagged > 0
        ? `no steady-state samples: ${m.untagged} class samples carry no phase tag (docs/contracts.md: phase=warmup|hold)`
        : 'no transaction completed in the steady-state window',
    );
  }
  const transactions = [...m.classes.values()].reduce((s, c) => s + c.transactions, 0);
  if (holdSeconds !== undefined && transactions > 0) {
    // A k6 that stopped early (an abortOnFail threshold, test.abort) leaves a short steady state;
    // its throughput over the configured hold would be wrong. The slack allows for sparse
    // arrivals at the window's edges.
    const slack = Math.max(2, 0.1 * holdSeconds, (2 * holdSeconds) / transactions);
    if (span < holdSeconds - slack) {
      problems.push(
        `the steady state lasted ${span.toFixed(1)} s of the ${holdSeconds} s hold: k6 stopped early`,
      );
    }
  }
  return {
    classes,
    histograms,
    window: { start: toIso(m.holdFirst), end: toIso(m.holdLast), seconds: round(seconds, 3) },
    droppedIterations: [...droppedByClass.values()].reduce((s, n) => s + n, 0),
    problems,
  };
}
