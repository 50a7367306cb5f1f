// The run directory's on-disk documents (docs/architecture.md, "Run directory"). The runner
// writes them; the planner and the reports read them. Every document carries schemaVersion, and
// readers check it. Times are ISO 8601 UTC strings; durations in seconds; latencies in
// milliseconds.
import type { TransactionClass, LoadProfile } from './classes.js';
import type { WorkloadEnvelope } from './models/workload.js';

export const RUN_SCHEMA_VERSION = 1 as const;

export type RunStatus = 'running' | 'complete' | 'partial' | 'failed';

/** Why a ladder ended. */
export type StopReason =
  | { kind: 'complete' }
  | { kind: 'knee'; detail: string } // p50 at least twice the first step's
  | { kind: 'errors'; detail: string } // error rate or dropped iterations over the limit
  | { kind: 'interrupted'; detail: string } // Ctrl-C: status partial, resumable
  | { kind: 'failed'; detail: string };

export interface LadderStepSpec {
  label: string; // e.g. "rate-8" or "vus-4"
  /** Open model: arrival rate in business transactions per second (per class for peak-mix: scaled mix). */
  rate?: number;
  /** Closed model: constant VUs. */
  vus?: number;
}

export interface LadderSpec {
  profile: LoadProfile;
  model: 'open' | 'closed';
  steps: LadderStepSpec[];
  warmupSeconds: number;
  holdSeconds: number;
  segments: number;
  caps: { maxRate: number; maxVus: number; maxSeconds: number; maxErrorRate: number };
  /**
   * When the ladder stops past the knee: p50 at least p50Factor × the first step's (Odoo's own
   * load tests use 2), or dropped iterations over maxDroppedFraction of the planned ones.
   * Absent in runs written before it existed: read as { p50Factor: 2, maxDroppedFraction: 0.01 }.
   */
  stopAt?: { p50Factor: number; maxDroppedFraction: number };
  /** Seconds between PostgreSQL activity samples during the hold. */
  sampleIntervalSeconds?: number;
}

/** Target as stored: never a secret. */
export interface RunTarget {
  url: string;
  db: string;
  user: string;
  auth: 'password' | 'api_key';
  /** How the steps talked to Odoo; runs written before JSON-2 was offered have none (XML-RPC). */
  transport?: 'xmlrpc' | 'json2';
  /** From common.version. */
  odoo: { serverVersion: string; serverSerie: string; lab: boolean };
}

export interface RunJson {
  schemaVersion: typeof RUN_SCHEMA_VERSION;
  id: string;
  tool: { name: 'odoo-capacity'; version: string };
  k6: {
    version: string;
    /** k6 outputs added by `run --out`, arguments masked (absent without). */
    outputs?: string[];
    /** Names (never values) of the K6_* variables passed to k6 to configure them. */
    variables?: string[];
  };
  target: RunTarget;
  /** The environment under test, as models/ describes it (name, workers, pods, nodes, database). */
  environment: Record<string, unknown>;
  ladder: LadderSpec;
  status: RunStatus;
  stopReason?: StopReason;
  startedAt: string;
  finishedAt?: string;
  steps: { index: number; label: string; dir: string; valid: boolean }[];
  /** The k6 script that drove the load and the workload it was given (OC_WORKLOAD); no secrets. */
  scenario?: { script: string; workload?: WorkloadEnvelope };
  /** The PostgreSQL the statistics came from (absent when the run had no PGURL). */
  database?: { serverVersion: string; versionNum: number; statStatements: boolean };
  /** Where the measurements came from: k6 processes run here, or per-pod outputs imported. */
  source?: 'local' | 'import';
}

/** Latency summary in milliseconds, derived from the step's histogram (never averaged across steps). */
export interface LatencySummary {
  count: number;
  mean: number;
  stddev: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** Error tags: Odoo's fault classification (src/odoo/faults.ts FaultTag) plus transport failures. */
export type ErrorTag =
  | 'application'
  | 'user'
  | 'access_denied'
  | 'access'
  | 'concurrency'
  | 'http'
  | 'timeout'
  | 'collision'
  | 'other';

export interface ClassStepStats {
  /** Business transactions completed in the steady-state window, and their rate. */
  transactions: number;
  throughput: number;
  /** XML-RPC requests in the window, and their rate. */
  requests: number;
  requestRate: number;
  latency: {
    /** Whole multi-call business transaction. */
    transaction: LatencySummary;
    /** Single XML-RPC request. */
    request: LatencySummary;
  };
  /** rate = total / (transactions + total): the fraction of attempted transactions that failed. */
  errors: { total: number; rate: number; byTag: Partial<Record<ErrorTag, number>> };
  /** Faults Odoo retried internally and surfaced as retryable (odoo_retryable_faults). */
  retryableFaults: number;
  droppedIterations: number;
  /**
   * Month-end billing's posting in the window: present when the class posted (absent for the
   * other classes, and in runs written before it was measured).
   */
  posting?: PostingStats;
  /**
   * Per Odoo call, keyed "model.method" by the requests' `call` tag: requests and their latency
   * in the window (mergeable histograms in histograms.json's `calls`). Absent in runs written
   * before it was measured, and for a class whose requests carried no `call` tag.
   */
  calls?: Record<string, CallStepStats>;
  concurrency: {
    /** Little's law: throughput × mean transaction latency. */
    littles: number;
    vusMax: number;
  };
}

/** One Odoo call ("model.method") of a class in a step. */
export interface CallStepStats {
  /** http_reqs of the call in the window. */
  requests: number;
  /** http_req_duration of the call (one XML-RPC or JSON-2 request). */
  latency: LatencySummary;
}

/**
 * account.move action_post of month-end billing: attempts (retries included), posting collisions
 * (fault 2, another entry with the same name: retried by the scenario, not errors), and the
 * invoices finally posted or left unposted when the retries ran out.
 */
export interface PostingStats {
  attempts: number;
  collisions: number;
  /** collisions / attempts; 0 without attempts. */
  collisionRate: number;
  invoicesPosted: number;
  /** Invoices posted per second of the window. */
  invoicesPostedPerSecond: number;
  invoicesUnposted: number;
}

export interface StatementDelta {
  queryid: string;
  query: string;
  calls: number;
  totalExecMs: number;
  meanExecMs: number;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  walBytes: number;
}

/** Per-database deltas over the steady-state window (one Odoo database = one tenant). */
export interface DatabaseDelta {
  datname: string;
  xactCommit: number;
  xactRollback: number;
  blksRead: number;
  blksHit: number;
  tempBytes: number;
  deadlocks: number;
  conflicts: number;
  /** pg_stat_database.active_time (PG 14+), ms; undefined on older servers. */
  activeTimeMs?: number;
  /** Σ total_exec_time of this database's statements, ms. */
  statementTimeMs: number;
  walBytes: number;
  sizeBytesBefore: number;
  sizeBytesAfter: number;
  topStatements: StatementDelta[];
  /** This database's share of the activity samples taken during the hold. */
  activity?: ActivitySummary;
}

export interface ActivitySummary {
  samples: number;
  /** Mean and max connections per state (active, idle, idle in transaction, ...). */
  connectionsByState: Record<string, { mean: number; max: number }>;
  /** Wait event counts over all samples, "Lock:transactionid" style keys. */
  waitEvents: Record<string, number>;
  lockWaitsMax: number;
}

export interface StepJson {
  schemaVersion: typeof RUN_SCHEMA_VERSION;
  index: number;
  label: string;
  load: LadderStepSpec & { model: 'open' | 'closed' };
  /** The steady-state window that counts (after warm-up). */
  window: { start: string; end: string; seconds: number };
  valid: boolean;
  invalidReasons: string[];
  classes: Partial<Record<TransactionClass, ClassStepStats>>;
  database: {
    /** Cluster-wide: checkpoints, buffers, WAL. */
    cluster: {
      walBytes: number;
      checkpoints: number;
      buffersWritten: number;
      statStatements: boolean;
      note?: string;
      /** Requested (not timed) checkpoints: a sign that max_wal_size is too small for the load. */
      checkpointsRequested?: number;
      checkpointWriteMs?: number;
      checkpointSyncMs?: number;
      /** buffersWritten split: by the checkpointer, by the background writer, by backends. */
      buffersCheckpoint?: number;
      buffersClean?: number;
      buffersBackend?: number;
      buffersAlloc?: number;
      /** pg_stat_wal (PG 14+). */
      walRecords?: number;
      walFpi?: number;
      /** pg_stat_io (PG 16+), summed per backend type: bytes read and written, and hits. */
      io?: Record<string, { readBytes: number; writeBytes: number; hits: number }>;
    };
    databases: DatabaseDelta[];
    activity: ActivitySummary;
  };
  /** k6's exit: 0, or 99 when thresholds failed (the step may still count). */
  k6ExitCode: number;
}

/** histograms.json: mergeable latency histograms, so segments and reports never average percentiles. */
export interface HistogramsJson {
  schemaVersion: typeof RUN_SCHEMA_VERSION;
  /** hdr-histogram-js, base64 compressed (encodeIntoCompressedBase64), values in microseconds. */
  encoding: 'hdr-base64-us';
  classes: Partial<
    Record<
      TransactionClass,
      {
        transaction: string;
        request: string;
        /** Every other Trend the class's samples carried (order_confirm_latency, ...), by name. */
        metrics?: Record<string, string>;
        /** http_req_duration per Odoo call ("model.method"), as step.json's `calls`. */
        calls?: Record<string, string>;
      }
    >
  >;
}

/** One finished step of a run read from disk: its folder (relative to the run) and documents. */
export interface StepOnDisk {
  dir: string;
  step: StepJson;
  histograms: HistogramsJson;
}

/** A run read from disk (readRun in run-dir.ts): run.json and its finished steps, in ladder order. */
export interface RunOnDisk {
  /** The run directory, as given. */
  dir: string;
  run: RunJson;
  steps: StepOnDisk[];
}

/** The step documents of a run, in ladder order. */
export function stepDocuments(run: RunOnDisk): StepJson[] {
  return run.steps.map((s) => s.step);
}

/** In-flight transactions of a class at a step (USL's N): VUs (closed model), Little's law (open). */
export function concurrencyOf(step: StepJson, stats: ClassStepStats): number {
  return step.load.model === 'closed' ? stats.concurrency.vusMax : stats.concurrency.littles;
}
