// Streaming ingest of k6's JSON output into StepMeasurements: hold phase only, flat memory, and
// a live view for the progress line while k6 runs.
import { isTransactionClass, type TransactionClass } from '../core/classes.js';
import { BadInputError } from '../core/errors.js';
import { newHistogram, recordMs, summarizeHistogram, type Histogram } from './latency-histogram.js';
import { followChunks, forEachLine, readChunks } from './ndjson-lines.js';
import {
  POSTING_COUNTERS,
  REQUEST_TREND,
  TRANSACTION_TREND,
  callMeasurements,
  classMeasurements,
  emptyMeasurements,
  type StepMeasurements,
} from './step-measurements.js';

interface Sample {
  time: string;
  value: number;
  tags: Record<string, string> | null;
}

type Handler = (sample: Sample) => void;

// k6 writes RFC 3339 times; the ingest compares them as text and the step's window parses them.
const K6_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A sample as k6 writes it: checked by hand, since this runs for every line of the output. */
function isSample(data: unknown): data is Sample {
  const d = data as Partial<Sample> | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof d.time === 'string' &&
    K6_TIME.test(d.time) &&
    !Number.isNaN(Date.parse(d.time)) &&
    typeof d.value === 'number' &&
    Number.isFinite(d.value) &&
    (d.tags === null ||
      d.tags === undefined ||
      (typeof d.tags === 'object' &&
        !Array.isArray(d.tags) &&
        Object.values(d.tags).every((t) => typeof t === 'string')))
  );
}

// Most lines are k6's per-request metrics the runner does not need: a Point line's metric name is
// read after this prefix without parsing, and only wanted metrics go through JSON.parse.
const POINT_PREFIX = Buffer.from('{"metric":"', 'latin1');
const QUOTE = 0x22;
const CLOSING_BRACE = 0x7d;

function hasPointPrefix(data: Buffer, start: number, end: number): boolean {
  if (end - start <= POINT_PREFIX.length) return false;
  for (let i = 0; i < POINT_PREFIX.length; i++) {
    if (data[start + i] !== POINT_PREFIX[i]) return false;
  }
  return true;
}
// k6's own Trends besides http_req_duration: timings of connection phases, iterations, groups
// and other protocols. They are not class latencies.
const BUILTIN_TREND =
  /^(http_req_(?!duration$)|iteration_duration$|group_duration$|ws_|grpc_|browser_|data_)/;

/** A live view of the step so far (warm-up included), for the progress line and the error abort. */
export interface LiveView {
  transactions: number;
  errors: number;
  /** Transactions per second over the last few whole seconds. */
  recentRate: number;
  p95Ms: number;
}

const secondOf = (time: string): string => time.slice(0, 19);

export class K6OutputIngest {
  readonly measurements: StepMeasurements = emptyMeasurements();
  readonly #file: string;
  readonly #trendNames = new Set<string>();
  readonly #handlers = new Map<string, Handler | null>();
  // Live view: all phases.
  #liveTransactions = 0;
  #liveErrors = 0;
  readonly #liveLatency: Histogram = newHistogram();
  readonly #perSecond = new Map<string, number>();

  constructor(file: string) {
    this.#file = file;
  }

  /** Consumes one line of k6 JSON output: data[start, end). */
  consumeLine(data: Buffer, start: number, end: number, lineNo: number): void {
    this.measurements.lines = lineNo;
    if (end === start) return;
    if (hasPointPrefix(data, start, end)) {
      const nameStart = start + POINT_PREFIX.length;
      const nameEnd = data.indexOf(QUOTE, nameStart);
      const handler = this.#handler(data.toString('latin1', nameStart, nameEnd));
      if (handler === null) {
        if (data[end - 1] !== CLOSING_BRACE) throw this.#malformed(lineNo);
        return;
      }
      const parsed = this.#parse(data.toString('utf8', start, end), lineNo) as { data?: unknown };
      if (!isSample(parsed?.data)) throw this.#malformed(lineNo);
      handler(parsed.data);
      return;
    }
    // Metric declarations, or another key order: parse and dispatch on the type.
    const parsed = (this.#parse(data.toString('utf8', start, end), lineNo) ?? {}) as {
      type?: unknown;
      metric?: unknown;
      data?: { name?: unknown; type?: unknown };
    };
    if (parsed.type === 'Metric' && typeof parsed.data?.name === 'string') {
      if (parsed.data.type === 'trend') this.#trendNames.add(parsed.data.name);
      this.#handlers.delete(parsed.data.name);
    } else if (parsed.type === 'Point' && typeof parsed.metric === 'string') {
      if (!isSample(parsed.data)) throw this.#malformed(lineNo);
      this.#handler(parsed.metric)?.(parsed.data);
    } else {
      throw this.#malformed(lineNo);
    }
  }

  live(): LiveView {
    const seconds = [...this.#perSecond.keys()].sort();
    // The last second is still filling; average the three before it.
    const whole = seconds.slice(-4, -1);
    const recentRate =
      whole.length === 0
        ? 0
        : whole.reduce((s, k) => s + this.#perSecond.get(k)!, 0) / whole.length;
    for (const old of seconds.slice(0, -8)) this.#perSecond.delete(old);
    return {
      transactions: this.#liveTransactions,
      errors: this.#liveErrors,
      recentRate,
      p95Ms: summarizeHistogram(this.#liveLatency).p95,
    };
  }

  #parse(line: string, lineNo: number): unknown {
    try {
      return JSON.parse(line);
    } catch {
      throw this.#malformed(lineNo);
    }
  }

  #malformed(lineNo: number): BadInputError {
    return new BadInputError(`${this.#file}:${lineNo}: not a line of k6 JSON output`, {
      hint: 'Give the file k6 wrote with --out json=<file> (gzipped when named .gz), unchanged.',
    });
  }

  #handler(name: string): Handler | null {
    let handler = this.#handlers.get(name);
    if (handler === undefined) {
      handler = this.#makeHandler(name);
      this.#handlers.set(name, handler);
    }
    return handler;
  }

  /** The class a sample belongs to, or undefined. Counted steady-state samples only. */
  #holdClass(sample: Sample): TransactionClass | undefined {
    const tags = sample.tags ?? {};
    const cls = tags.class ?? tags.scenario;
    if (cls === undefined || !isTransactionClass(cls)) {
      this.measurements.unclassified += 1;
      return undefined;
    }
    if (tags.phase !== 'hold') {
      if (tags.phase === undefined) this.measurements.untagged += 1;
      return undefined;
    }
    const m = this.measurements;
    if (m.holdFirst === undefined || sample.time < m.holdFirst) m.holdFirst = sample.time;
    if (m.holdLast === undefined || sample.time > m.holdLast) m.holdLast = sample.time;
    return cls;
  }

  #makeHandler(name: string): Handler | null {
    const m = this.measurements;
    switch (name) {
      case 'oc_transactions':
        return (s) => {
          this.#liveTransactions += s.value;
          const second = secondOf(s.time);
          this.#perSecond.set(second, (this.#perSecond.get(second) ?? 0) + s.value);
          const cls = this.#holdClass(s);
          if (cls) classMeasurements(m, cls).transactions += s.value;
        };
      case 'http_reqs':
        return (s) => {
          const cls = this.#holdClass(s);
          if (!cls) return;
          const c = classMeasurements(m, cls);
          c.requests += s.value;
          const call = callMeasurements(c, s.tags);
          if (call) call.requests += s.value;
        };
      case 'oc_faults':
        return (s) => {
          this.#liveErrors += s.value;
          const cls = this.#holdClass(s);
          if (!cls) return;
          const faults = classMeasurements(m, cls).faults;
          const tag = s.tags?.fault ?? 'other';
          faults.set(tag, (faults.get(tag) ?? 0) + s.value);
        };
      case 'odoo_retryable_faults':
        return (s) => {
          const cls = this.#holdClass(s);
          if (cls) classMeasurements(m, cls).retryable += s.value;
        };
      case 'dropped_iterations':
        // No VU runs a dropped iteration, so it has no phase tag: it is kept per second and
        // counted when its second falls in the steady-state window.
        return (s) => {
          const second = secondOf(s.time);
          const cls = s.tags?.class ?? s.tags?.scenario ?? '';
          let byClass = m.dropped.get(second);
          if (!byClass) m.dropped.set(second, (byClass = new Map()));
          byClass.set(cls, (byClass.get(cls) ?? 0) + s.value);
        };
      case 'vus':
        return (s) => {
          const second = secondOf(s.time);
          m.vus.set(second, Math.max(m.vus.get(second) ?? 0, s.value));
        };
    }
    const posting = POSTING_COUNTERS[name];
    if (posting !== undefined) {
      return (s) => {
        const cls = this.#holdClass(s);
        if (cls) classMeasurements(m, cls).posting[posting] += s.value;
      };
    }
    if (name !== REQUEST_TREND && (!this.#trendNames.has(name) || BUILTIN_TREND.test(name))) {
      return null;
    }
    return (s) => {
      if (name === TRANSACTION_TREND) recordMs(this.#liveLatency, s.value);
      const cls = this.#holdClass(s);
      if (!cls) return;
      const c = classMeasurements(m, cls);
      let h = c.trends.get(name);
      if (!h) c.trends.set(name, (h = newHistogram()));
      recordMs(h, s.value);
      if (name === REQUEST_TREND) {
        const call = callMeasurements(c, s.tags);
        if (call) recordMs(call.latency, s.value);
      }
    };
  }
}

/** Ingests a finished k6 output file (plain or .gz). */
export async function ingestFile(file: string): Promise<StepMeasurements> {
  const ingest = new K6OutputIngest(file);
  await forEachLine(readChunks(file), file, (data, start, end, n) =>
    ingest.consumeLine(data, start, end, n),
  );
  return ingest.measurements;
}

/**
 * Ingests a plain k6 output file while k6 writes it, until done() turns true and the end is
 * read. `ingest` is the caller's, so it can read the live view meanwhile.
 */
export async function ingestFollowing(
  file: string,
  ingest: K6OutputIngest,
  done: () => boolean,
): Promise<StepMeasurements> {
  await forEachLine(followChunks(file, done), file, (data, start, end, n) =>
    ingest.consumeLine(data, start, end, n),
  );
  return ingest.measurements;
}
