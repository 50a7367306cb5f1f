// The run directory's on-disk documents (docs/architecture.md, "Run directory"): run.json,
// step.json and histograms.json, each described once as a zod schema with its type from z.infer.
// The runner writes them; readers check the whole schema, so a hand-edited or foreign document is
// one line naming the file and the field. Objects are loose: fields a later writer adds pass
// through. Times are ISO 8601 UTC strings; durations in seconds; latencies in milliseconds.
import { z } from 'zod';
import { LOAD_PROFILES, TRANSACTION_CLASSES, type LoadProfile } from './classes.js';
import { environmentSchema } from './models/environment.js';
import { workloadEnvelopeSchema } from './models/workload.js';

export const RUN_SCHEMA_VERSION = 1 as const;

/** A finite number (zod refuses NaN and ±Infinity); JSON's 1e999 reads as Infinity. */
const num = z.number();
/** Counts, rates, latencies, sizes: finite and never negative. */
const nonNegative = z.number().nonnegative();
const positive = z.number().positive();
const count = z.number().int().nonnegative();
const fraction = z.number().min(0).max(1);
const isoTime = z.string();

const transactionClass = z.enum(TRANSACTION_CLASSES);
const loadProfile = z.enum(LOAD_PROFILES as [string, ...string[]]) as z.ZodType<LoadProfile>;
const loadModel = z.enum(['open', 'closed']);

/** A record keyed by transaction class; other keys are refused (they would be silently lost). */
function byClass<T extends z.ZodType>(value: T) {
  return z.partialRecord(transactionClass, value);
}

const stepSpecSchema = z.looseObject({
  /** e.g. "rate-8" or "vus-4". */
  label: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dots, dashes and underscores'),
  /** Open model: arrival rate in business transactions per second (peak-mix: the scaled mix). */
  rate: positive.optional(),
  /** Closed model: constant VUs. */
  vus: z.number().int().positive().optional(),
});
export type LadderStepSpec = z.infer<typeof stepSpecSchema>;

export const ladderSchema = z.looseObject({
  profile: loadProfile,
  model: loadModel,
  steps: z.array(stepSpecSchema).min(1),
  warmupSeconds: nonNegative,
  holdSeconds: positive,
  segments: z.number().int().positive(),
  caps: z.looseObject({
    maxRate: positive,
    maxVus: positive,
    maxSeconds: positive,
    maxErrorRate: fraction,
  }),
  /**
   * When the ladder stops past the knee: p50 at least p50Factor × the first step's (Odoo's own
   * load tests use 2), or dropped iterations over maxDroppedFraction of the planned ones.
   * Absent in runs written before it existed: read as { p50Factor: 2, maxDroppedFraction: 0.01 }.
   */
  stopAt: z.looseObject({ p50Factor: positive, maxDroppedFraction: fraction }).optional(),
  /** Seconds between PostgreSQL activity samples during the hold. */
  sampleIntervalSeconds: positive.optional(),
});
export type LadderSpec = z.infer<typeof ladderSchema>;

/**
 * Why a ladder ended: complete; knee (p50 at least p50Factor × the first step's); errors (error
 * rate or dropped iterations over the limit); interrupted (Ctrl-C: partial, resumable); failed.
 */
const stopReasonSchema = z.union([
  z.object({ kind: z.literal('complete') }),
  z.object({
    kind: z.enum(['knee', 'errors', 'interrupted', 'failed']),
    detail: z.string(),
  }),
]);
export type StopReason = z.infer<typeof stopReasonSchema>;

/** The target as a run stores it (without what common.version said): never a secret. */
export const targetSchema = z.looseObject({
  url: z.string(),
  db: z.string(),
  user: z.string(),
  auth: z.enum(['password', 'api_key']),
  /** How the steps talked to Odoo; runs written before JSON-2 was offered have none (XML-RPC). */
  transport: z.enum(['xmlrpc', 'json2']).optional(),
});

/**
 * How month-end billing posted in runs recorded before the workload model had `postRetry`: one
 * action_post per batch, a posting collision never retried.
 */
const POSTED_ONCE = { maxAttempts: 1, backoffMs: 0, maxBackoffMs: 0 } as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A recorded OC_WORKLOAD with the fields the model gained since, as the run did without them. */
function asRecordedThen(envelope: unknown): unknown {
  if (!isObject(envelope) || !isObject(envelope.workload)) return envelope;
  const classes = envelope.workload.classes;
  if (!isObject(classes)) return envelope;
  const billing = classes['month-end-billing'];
  if (!isObject(billing) || !isObject(billing.payload) || 'postRetry' in billing.payload)
    return envelope;
  const payload = { ...billing.payload, postRetry: POSTED_ONCE };
  return {
    ...envelope,
    workload: {
      ...envelope.workload,
      classes: { ...classes, 'month-end-billing': { ...billing, payload } },
    },
  };
}

const runStatus = z.enum(['running', 'complete', 'partial', 'failed']);
export type RunStatus = z.infer<typeof runStatus>;

export const runSchema = z.looseObject({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  id: z.string().min(1),
  tool: z.looseObject({ name: z.literal('odoo-capacity'), version: z.string() }),
  k6: z.looseObject({
    version: z.string(),
    /** k6 outputs added by `run --out`, arguments masked (absent without). */
    outputs: z.array(z.string()).optional(),
    /** Names (never values) of the K6_* variables passed to k6 to configure them. */
    variables: z.array(z.string()).optional(),
  }),
  target: targetSchema.extend({
    /** From common.version. */
    odoo: z.looseObject({ serverVersion: z.string(), serverSerie: z.string(), lab: z.boolean() }),
  }),
  /** The environment under test as models/environment.yaml describes it; {} for an imported run. */
  environment: z.union([environmentSchema, z.strictObject({})]),
  ladder: ladderSchema,
  status: runStatus,
  stopReason: stopReasonSchema.optional(),
  startedAt: isoTime,
  finishedAt: isoTime.optional(),
  steps: z.array(
    z.looseObject({
      index: z.number().int().nonnegative(),
      label: z.string(),
      dir: z
        .string()
        .regex(/^steps\/[A-Za-z0-9._-]+$/, 'a folder steps/<NN>-<label> inside the run'),
      valid: z.boolean(),
    }),
  ),
  /**
   * The k6 script that drove the load and the workload it was given (OC_WORKLOAD); no secrets.
   * A workload recorded before postRetry existed reads with POSTED_ONCE, what its run did.
   */
  scenario: z
    .looseObject({
      script: z.string(),
      workload: z.preprocess(asRecordedThen, workloadEnvelopeSchema).optional(),
    })
    .optional(),
  /** The PostgreSQL the statistics came from (absent when the run had no PGURL). */
  database: z
    .looseObject({ serverVersion: z.string(), versionNum: num, statStatements: z.boolean() })
    .optional(),
  /**
   * Where the measurements came from: k6 processes run here, per-pod outputs imported, or a
   * ladder driven through k6-operator (`k8s run`).
   */
  source: z.enum(['local', 'import', 'k8s']).optional(),
});
export type RunJson = z.infer<typeof runSchema>;
export type RunTarget = RunJson['target'];

/** Latency summary in milliseconds, derived from the step's histogram (never averaged across steps). */
const latencySchema = z.looseObject({
  count: count,
  mean: nonNegative,
  stddev: nonNegative,
  min: nonNegative,
  p50: nonNegative,
  p90: nonNegative,
  p95: nonNegative,
  p99: nonNegative,
  max: nonNegative,
});
export type LatencySummary = z.infer<typeof latencySchema>;

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

/**
 * account.move action_post of month-end billing: attempts (retries included), posting collisions
 * (fault 2, another entry with the same name: retried by the scenario, not errors), and the
 * invoices finally posted or left unposted when the retries ran out.
 */
const postingSchema = z.looseObject({
  attempts: count,
  collisions: count,
  /** collisions / attempts; 0 without attempts. */
  collisionRate: fraction,
  invoicesPosted: count,
  /** Invoices posted per second of the window. */
  invoicesPostedPerSecond: nonNegative,
  invoicesUnposted: count,
});
export type PostingStats = z.infer<typeof postingSchema>;

/** One Odoo call ("model.method") of a class in a step: its http_reqs and http_req_duration. */
const callStatsSchema = z.looseObject({ requests: count, latency: latencySchema });
export type CallStepStats = z.infer<typeof callStatsSchema>;

const classStatsSchema = z.looseObject({
  /** Business transactions completed in the steady-state window, and their rate. */
  transactions: count,
  throughput: nonNegative,
  /** XML-RPC requests in the window, and their rate. */
  requests: count,
  requestRate: nonNegative,
  /** The whole multi-call business transaction, and a single request. */
  latency: z.looseObject({ transaction: latencySchema, request: latencySchema }),
  /** rate = total / (transactions + total): the fraction of attempted transactions that failed. */
  errors: z.looseObject({
    total: count,
    rate: fraction,
    /** By ErrorTag. */
    byTag: z.record(z.string(), count),
  }),
  /** Faults Odoo retried internally and surfaced as retryable (odoo_retryable_faults). */
  retryableFaults: count,
  droppedIterations: count,
  /** Month-end billing's posting in the window: absent for the other classes and older runs. */
  posting: postingSchema.optional(),
  /**
   * Per Odoo call, keyed "model.method" by the requests' `call` tag (mergeable histograms in
   * histograms.json's `calls`). Absent in older runs, and for a class whose requests had no tag.
   */
  calls: z.record(z.string(), callStatsSchema).optional(),
  /** Little's law N (throughput × mean transaction latency), and the VUs k6 had. */
  concurrency: z.looseObject({ littles: nonNegative, vusMax: nonNegative }),
});
export type ClassStepStats = z.infer<typeof classStatsSchema>;

const activitySchema = z.looseObject({
  samples: count,
  /** Mean and max connections per state (active, idle, idle in transaction, ...). */
  connectionsByState: z.record(z.string(), z.looseObject({ mean: nonNegative, max: nonNegative })),
  /** Wait event counts over all samples, "Lock:transactionid" style keys. */
  waitEvents: z.record(z.string(), nonNegative),
  lockWaitsMax: nonNegative,
});
export type ActivitySummary = z.infer<typeof activitySchema>;

const statementSchema = z.looseObject({
  queryid: z.string(),
  query: z.string(),
  calls: num,
  totalExecMs: num,
  meanExecMs: num,
  rows: num,
  sharedBlksHit: num,
  sharedBlksRead: num,
  walBytes: num,
});
export type StatementDelta = z.infer<typeof statementSchema>;

/** Per-database deltas over the steady-state window (one Odoo database = one tenant). */
const databaseDeltaSchema = z.looseObject({
  datname: z.string(),
  xactCommit: num,
  xactRollback: num,
  blksRead: num,
  blksHit: num,
  tempBytes: num,
  deadlocks: num,
  conflicts: num,
  /** pg_stat_database.active_time (PG 14+), ms; undefined on older servers. */
  activeTimeMs: num.optional(),
  /** Σ total_exec_time of this database's statements, ms. */
  statementTimeMs: num,
  walBytes: num,
  sizeBytesBefore: num,
  sizeBytesAfter: num,
  topStatements: z.array(statementSchema),
  /** This database's share of the activity samples taken during the hold. */
  activity: activitySchema.optional(),
});
export type DatabaseDelta = z.infer<typeof databaseDeltaSchema>;

export const stepSchema = z.looseObject({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  index: z.number().int().nonnegative(),
  label: z.string(),
  load: stepSpecSchema.extend({ model: loadModel }),
  /** The steady-state window that counts (after warm-up). */
  window: z.looseObject({ start: isoTime, end: isoTime, seconds: positive }),
  valid: z.boolean(),
  invalidReasons: z.array(z.string()),
  classes: byClass(classStatsSchema),
  database: z.looseObject({
    /** Cluster-wide: checkpoints, buffers, WAL. */
    cluster: z.looseObject({
      walBytes: num,
      checkpoints: num,
      buffersWritten: num,
      statStatements: z.boolean(),
      note: z.string().optional(),
      /** Requested (not timed) checkpoints: a sign that max_wal_size is too small for the load. */
      checkpointsRequested: num.optional(),
      checkpointWriteMs: num.optional(),
      checkpointSyncMs: num.optional(),
      /** buffersWritten split: by the checkpointer, by the background writer, by backends. */
      buffersCheckpoint: num.optional(),
      buffersClean: num.optional(),
      buffersBackend: num.optional(),
      buffersAlloc: num.optional(),
      /** pg_stat_wal (PG 14+). */
      walRecords: num.optional(),
      walFpi: num.optional(),
      /** pg_stat_io (PG 16+), summed per backend type: bytes read and written, and hits. */
      io: z
        .record(z.string(), z.looseObject({ readBytes: num, writeBytes: num, hits: num }))
        .optional(),
    }),
    databases: z.array(databaseDeltaSchema),
    activity: activitySchema,
  }),
  /** k6's exit: 0, or 99 when thresholds failed (the step may still count). */
  k6ExitCode: z.number().int(),
});
export type StepJson = z.infer<typeof stepSchema>;

/** hdr-histogram-js, base64 compressed (encodeIntoCompressedBase64), values in microseconds. */
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'a base64 HDR histogram');

/** histograms.json: mergeable latency histograms, so segments and reports never average percentiles. */
export const histogramsSchema = z.looseObject({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  encoding: z.literal('hdr-base64-us'),
  classes: byClass(
    z.looseObject({
      transaction: base64,
      request: base64,
      /** Every other Trend the class's samples carried (order_confirm_latency, ...), by name. */
      metrics: z.record(z.string(), base64).optional(),
      /** http_req_duration per Odoo call ("model.method"), as step.json's `calls`. */
      calls: z.record(z.string(), base64).optional(),
    }),
  ),
});
export type HistogramsJson = z.infer<typeof histogramsSchema>;

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
