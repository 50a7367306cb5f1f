// The run directory's documents as the readers check them: every field of run.json, step.json
// and histograms.json that the planner and the reports read, with its type and range, so that a
// hand-edited or foreign document is one line naming the file and the field, never a crash deep
// in the planner. Each schema is typed against its interface in run-types.ts, so the two cannot
// drift apart. Objects are loose: fields added by a later writer pass through.
import { z } from 'zod';
import { LOAD_PROFILES, TRANSACTION_CLASSES } from './classes.js';
import { workloadEnvelopeSchema } from './models/workload.js';
import type {
  ActivitySummary,
  ClassStepStats,
  DatabaseDelta,
  HistogramsJson,
  LadderSpec,
  LatencySummary,
  RunJson,
  StepJson,
  StopReason,
} from './run-types.js';
import { RUN_SCHEMA_VERSION } from './run-types.js';

/** A finite number (zod refuses NaN and ±Infinity); JSON's 1e999 reads as Infinity. */
const num = z.number();
/** Counts, rates, latencies, sizes: finite and never negative. */
const nonNegative = z.number().nonnegative();
const positive = z.number().positive();
const count = z.number().int().nonnegative();
const fraction = z.number().min(0).max(1);
const isoTime = z.string();

const transactionClass = z.enum(TRANSACTION_CLASSES);
const loadProfile = z.enum(LOAD_PROFILES as [string, ...string[]]) as z.ZodType<
  (typeof LOAD_PROFILES)[number]
>;
const loadModel = z.enum(['open', 'closed']);

/** A record keyed by transaction class; other keys are refused (they would be silently lost). */
function byClass<T extends z.ZodType>(value: T) {
  return z.partialRecord(transactionClass, value);
}

const stepSpec = z.looseObject({
  label: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dots, dashes and underscores'),
  rate: positive.optional(),
  vus: z.number().int().positive().optional(),
});

export const ladderSchema: z.ZodType<LadderSpec> = z.looseObject({
  profile: loadProfile,
  model: loadModel,
  steps: z.array(stepSpec).min(1),
  warmupSeconds: nonNegative,
  holdSeconds: positive,
  segments: z.number().int().positive(),
  caps: z.looseObject({
    maxRate: positive,
    maxVus: positive,
    maxSeconds: positive,
    maxErrorRate: fraction,
  }),
  stopAt: z.looseObject({ p50Factor: positive, maxDroppedFraction: fraction }).optional(),
  sampleIntervalSeconds: positive.optional(),
});

const stopReason: z.ZodType<StopReason> = z.union([
  z.looseObject({ kind: z.literal('complete') }),
  z.looseObject({
    kind: z.enum(['knee', 'errors', 'interrupted', 'failed']),
    detail: z.string(),
  }),
]);

/** The target as a run stores it (without what common.version said): never a secret. */
export const targetSchema = z.looseObject({
  url: z.string(),
  db: z.string(),
  user: z.string(),
  auth: z.enum(['password', 'api_key']),
});

export const runSchema: z.ZodType<RunJson> = z.looseObject({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  id: z.string().min(1),
  tool: z.looseObject({ name: z.literal('odoo-capacity'), version: z.string() }),
  k6: z.looseObject({ version: z.string() }),
  target: targetSchema.extend({
    odoo: z.looseObject({ serverVersion: z.string(), serverSerie: z.string(), lab: z.boolean() }),
  }),
  environment: z.record(z.string(), z.unknown()),
  ladder: ladderSchema,
  status: z.enum(['running', 'complete', 'partial', 'failed']),
  stopReason: stopReason.optional(),
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
  scenario: z
    .looseObject({ script: z.string(), workload: workloadEnvelopeSchema.optional() })
    .optional(),
  database: z
    .looseObject({ serverVersion: z.string(), versionNum: num, statStatements: z.boolean() })
    .optional(),
  source: z.enum(['local', 'import']).optional(),
});

const latency: z.ZodType<LatencySummary> = z.looseObject({
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

const classStats: z.ZodType<ClassStepStats> = z.looseObject({
  transactions: count,
  throughput: nonNegative,
  requests: count,
  requestRate: nonNegative,
  latency: z.looseObject({ transaction: latency, request: latency }),
  errors: z.looseObject({
    total: count,
    rate: fraction,
    byTag: z.record(z.string(), count),
  }),
  retryableFaults: count,
  droppedIterations: count,
  posting: z
    .looseObject({
      attempts: count,
      collisions: count,
      collisionRate: fraction,
      invoicesPosted: count,
      invoicesPostedPerSecond: nonNegative,
      invoicesUnposted: count,
    })
    .optional(),
  calls: z.record(z.string(), z.looseObject({ requests: count, latency })).optional(),
  concurrency: z.looseObject({ littles: nonNegative, vusMax: nonNegative }),
});

const activity: z.ZodType<ActivitySummary> = z.looseObject({
  samples: count,
  connectionsByState: z.record(z.string(), z.looseObject({ mean: nonNegative, max: nonNegative })),
  waitEvents: z.record(z.string(), nonNegative),
  lockWaitsMax: nonNegative,
});

const databaseDelta: z.ZodType<DatabaseDelta> = z.looseObject({
  datname: z.string(),
  xactCommit: num,
  xactRollback: num,
  blksRead: num,
  blksHit: num,
  tempBytes: num,
  deadlocks: num,
  conflicts: num,
  activeTimeMs: num.optional(),
  statementTimeMs: num,
  walBytes: num,
  sizeBytesBefore: num,
  sizeBytesAfter: num,
  topStatements: z.array(
    z.looseObject({
      queryid: z.string(),
      query: z.string(),
      calls: num,
      totalExecMs: num,
      meanExecMs: num,
      rows: num,
      sharedBlksHit: num,
      sharedBlksRead: num,
      walBytes: num,
    }),
  ),
  activity: activity.optional(),
});

export const stepSchema: z.ZodType<StepJson> = z.looseObject({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  index: z.number().int().nonnegative(),
  label: z.string(),
  load: stepSpec.extend({ model: loadModel }),
  window: z.looseObject({ start: isoTime, end: isoTime, seconds: positive }),
  valid: z.boolean(),
  invalidReasons: z.array(z.string()),
  classes: byClass(classStats),
  database: z.looseObject({
    cluster: z.looseObject({
      walBytes: num,
      checkpoints: num,
      buffersWritten: num,
      statStatements: z.boolean(),
      note: z.string().optional(),
      checkpointsRequested: num.optional(),
      checkpointWriteMs: num.optional(),
      checkpointSyncMs: num.optional(),
      buffersCheckpoint: num.optional(),
      buffersClean: num.optional(),
      buffersBackend: num.optional(),
      buffersAlloc: num.optional(),
      walRecords: num.optional(),
      walFpi: num.optional(),
      io: z
        .record(z.string(), z.looseObject({ readBytes: num, writeBytes: num, hits: num }))
        .optional(),
    }),
    databases: z.array(databaseDelta),
    activity,
  }),
  k6ExitCode: z.number().int(),
});

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'a base64 HDR histogram');

export const histogramsSchema: z.ZodType<HistogramsJson> = z.looseObject({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  encoding: z.literal('hdr-base64-us'),
  classes: byClass(
    z.looseObject({
      transaction: base64,
      request: base64,
      metrics: z.record(z.string(), base64).optional(),
      calls: z.record(z.string(), base64).optional(),
    }),
  ),
});
