// What one step measured, in a form that merges exactly (histograms and counters add); one per
// k6 process or pod, merged per execution segment.
import type { TransactionClass } from '../core/classes.js';
import { mergeHistograms, newHistogram, type Histogram } from './latency-histogram.js';

/** The Trends of the contract that get their own place in step.json. */
export const TRANSACTION_TREND = 'oc_transaction_duration';
export const REQUEST_TREND = 'http_req_duration';

export interface ClassMeasurements {
  /** Trend metric name → histogram of its steady-state samples (µs). */
  trends: Map<string, Histogram>;
  transactions: number;
  requests: number;
  /** oc_faults by their `fault` tag. */
  faults: Map<string, number>;
  retryable: number;
  /** Month-end billing's posting counters (docs/contracts.md); zero for the other classes. */
  posting: PostingCounts;
  /** Per Odoo call, by the requests' `call` tag ("model.method"). */
  calls: Map<string, CallMeasurements>;
}

export interface CallMeasurements {
  /** http_reqs of the call. */
  requests: number;
  /** http_req_duration of the call (µs). */
  latency: Histogram;
}

export interface PostingCounts {
  /** oc_posting_attempts: action_post calls, retries included. */
  attempts: number;
  /** oc_posting_collisions: calls refused as a posting collision. */
  collisions: number;
  /** invoice_post_throughput: invoices posted. */
  invoicesPosted: number;
  /** oc_invoices_unposted: invoices left unposted when the retries ran out. */
  invoicesUnposted: number;
}

/** The k6 Counter behind each posting count. */
export const POSTING_COUNTERS: Readonly<Record<string, keyof PostingCounts>> = {
  oc_posting_attempts: 'attempts',
  oc_posting_collisions: 'collisions',
  invoice_post_throughput: 'invoicesPosted',
  oc_invoices_unposted: 'invoicesUnposted',
};

export interface StepMeasurements {
  classes: Map<TransactionClass, ClassMeasurements>;
  /** First and last steady-state (phase=hold) sample times, as k6 wrote them (UTC, sortable). */
  holdFirst?: string;
  holdLast?: string;
  /** dropped_iterations per second ("YYYY-MM-DDTHH:MM:SS") and class ("" when untagged). */
  dropped: Map<string, Map<string, number>>;
  /** VUs per second: each process's highest value in that second, summed across processes. */
  vus: Map<string, number>;
  /** Class samples without a phase tag: the script does not follow the contract. */
  untagged: number;
  /** Samples of contract metrics whose class could not be told. */
  unclassified: number;
  lines: number;
  /** How many k6 outputs were merged into this. */
  sources: number;
}

export function emptyMeasurements(): StepMeasurements {
  return {
    classes: new Map(),
    dropped: new Map(),
    vus: new Map(),
    untagged: 0,
    unclassified: 0,
    lines: 0,
    sources: 1,
  };
}

export function classMeasurements(m: StepMeasurements, cls: TransactionClass): ClassMeasurements {
  let c = m.classes.get(cls);
  if (!c) {
    c = {
      trends: new Map(),
      transactions: 0,
      requests: 0,
      faults: new Map(),
      retryable: 0,
      posting: { attempts: 0, collisions: 0, invoicesPosted: 0, invoicesUnposted: 0 },
      calls: new Map(),
    };
    m.classes.set(cls, c);
  }
  return c;
}

/**
 * The measurements of the call a request's `call` tag names ("model.method"), or undefined when
 * the request carries none (docs/contracts.md). Not `model` and `method`: k6 overwrites a
 * request's `method` tag with its HTTP method.
 */
export function callMeasurements(
  c: ClassMeasurements,
  tags: Readonly<Record<string, string>> | null,
): CallMeasurements | undefined {
  const key = tags?.call;
  if (!key) return undefined;
  let call = c.calls.get(key);
  if (!call) c.calls.set(key, (call = { requests: 0, latency: newHistogram() }));
  return call;
}

function addInto<K>(target: Map<K, number>, source: Map<K, number>): void {
  for (const [k, v] of source) target.set(k, (target.get(k) ?? 0) + v);
}

const earliest = (a?: string, b?: string) =>
  a === undefined || (b !== undefined && b < a) ? b : a;
const latest = (a?: string, b?: string) => (a === undefined || (b !== undefined && b > a) ? b : a);

/** One StepMeasurements holding all of the given ones: exact, whatever the order. */
export function mergeMeasurements(parts: readonly StepMeasurements[]): StepMeasurements {
  const merged = emptyMeasurements();
  merged.sources = 0;
  for (const part of parts) {
    for (const [cls, c] of part.classes) {
      const into = classMeasurements(merged, cls);
      for (const [name, h] of c.trends) {
        const existing = into.trends.get(name);
        into.trends.set(name, mergeHistograms(existing ? [existing, h] : [h]));
      }
      into.transactions += c.transactions;
      into.requests += c.requests;
      into.retryable += c.retryable;
      for (const key of Object.values(POSTING_COUNTERS)) into.posting[key] += c.posting[key];
      addInto(into.faults, c.faults);
      for (const [key, call] of c.calls) {
        const existing = into.calls.get(key);
        into.calls.set(key, {
          requests: (existing?.requests ?? 0) + call.requests,
          latency: mergeHistograms(existing ? [existing.latency, call.latency] : [call.latency]),
        });
      }
    }
    merged.holdFirst = earliest(merged.holdFirst, part.holdFirst);
    merged.holdLast = latest(merged.holdLast, part.holdLast);
    for (const [second, byClass] of part.dropped) {
      let into = merged.dropped.get(second);
      if (!into) merged.dropped.set(second, (into = new Map()));
      addInto(into, byClass);
    }
    addInto(merged.vus, part.vus);
    merged.untagged += part.untagged;
    merged.unclassified += part.unclassified;
    merged.lines += part.lines;
    merged.sources += part.sources;
  }
  return merged;
}
