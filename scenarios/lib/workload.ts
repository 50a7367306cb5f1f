// The workload and SLO documents as the scenarios read them, after validation by
// src/core/models/workload.ts and slo.ts (a test holds the schemas' output to these types).
import type { LoadModel } from './scenario-env.ts';

export const TRANSACTION_CLASSES = [
  'order-wave',
  'stock-moves',
  'carrier-burst',
  'month-end-billing',
] as const;
export type TransactionClass = (typeof TRANSACTION_CLASSES)[number];

/** What a run or a scenario file drives: one class, or all four at once. */
export type LoadProfile = TransactionClass | 'peak-mix';
export const LOAD_PROFILES: readonly LoadProfile[] = [...TRANSACTION_CLASSES, 'peak-mix'];

export function isTransactionClass(value: string): value is TransactionClass {
  return (TRANSACTION_CLASSES as readonly string[]).includes(value);
}

/** A whole-number count drawn per transaction (lines per order, units per line, …). */
export type CountDistribution =
  | { distribution: 'fixed'; value: number }
  | { distribution: 'uniform'; min: number; max: number }
  /** 1 + a geometric variable with this mean, cut at max: many small orders, a long tail. */
  | { distribution: 'geometric'; mean: number; max: number }
  | { distribution: 'empirical'; weights: { value: number; weight: number }[] };

/** Product popularity: rank r (OC-P-0001 is rank 1) is drawn with weight 1 / r^s; s = 0 is uniform. */
export interface ProductSkew {
  zipfS: number;
}

export interface RateStage {
  /** Arrival rate reached at the end of the stage, transactions/s (k6 ramps linearly). */
  rate: number;
  duration: string;
}

/** Spikes at peakRate lasting spikeSeconds, one every periodSeconds; `rate` in between. */
export interface BurstShape {
  peakRate: number;
  spikeSeconds: number;
  periodSeconds: number;
}

export interface ClassLoad {
  /** open: arrivals at a rate whatever the response time; closed: a fixed number of VUs. */
  executor: LoadModel;
  /** Open model: arrival rate in business transactions/s (with a burst: the rate between spikes). */
  rate: number;
  /** How long the class runs (the hold; a warm-up comes on top). */
  duration: string;
  /** Open model: a ramping profile instead of the constant rate, scaled to fit the duration. */
  stages?: RateStage[];
  /** Open model: a spiky profile instead of the constant rate. */
  burst?: BurstShape;
  /** Closed model: VUs looping transactions back to back. */
  vus: number;
  /** Open model: VUs started up front, and the most k6 may add when responses slow down. */
  preAllocatedVUs: number;
  maxVUs: number;
}

export interface OrderWaveClass extends ClassLoad {
  payload: {
    linesPerOrder: CountDistribution;
    quantityPerLine: CountDistribution;
    productSkew: ProductSkew;
  };
}

/** Relative weights of the stock operations; they need not sum to 1. */
export interface StockMix {
  deliveries: number;
  receipts: number;
  internalTransfers: number;
  inventoryAdjustments: number;
}

export interface StockMovesClass extends ClassLoad {
  payload: {
    mix: StockMix;
    linesPerTransfer: CountDistribution;
    quantityPerLine: CountDistribution;
    productSkew: ProductSkew;
  };
}

export type CarrierBurstClass = ClassLoad;

/** How the billing job retries a posting collision: bounded exponential backoff with jitter. */
export interface PostRetry {
  /** action_post calls per batch at most, the first included; 1 never retries. */
  maxAttempts: number;
  /** Wait before the first retry, ms; it doubles on each further retry. */
  backoffMs: number;
  /** The longest wait between two attempts, ms. */
  maxBackoffMs: number;
}

export interface MonthEndBillingClass extends ClassLoad {
  payload: {
    /** Delivered orders invoiced by one sale.advance.payment.inv call. */
    batchSize: number;
    postRetry: PostRetry;
  };
}

export interface Workload {
  schemaVersion: 1;
  name: string;
  description?: string;
  classes: {
    'order-wave': OrderWaveClass;
    'stock-moves': StockMovesClass;
    'carrier-burst': CarrierBurstClass;
    'month-end-billing': MonthEndBillingClass;
  };
}

export interface ClassSlo {
  /** p95 of the whole business transaction, ms. */
  p95Ms: number;
  p99Ms?: number;
  /** Failed business transactions / all, over the hold. */
  maxErrorRate: number;
}

export interface Slo {
  schemaVersion: 1;
  classes: Record<TransactionClass, ClassSlo>;
  /** The guard that stops a run before it hammers a failing system (k6 abortOnFail). */
  abort: { maxErrorRate: number; after: string };
}

/** OC_WORKLOAD: what the runner passes to k6. */
export interface WorkloadEnvelope {
  workload: Workload;
  slo: Slo;
}

export class WorkloadError extends Error {
  override readonly name = 'WorkloadError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Checks that the documents are the versions these scenarios read and carry what `profile`
 * needs. Field-level validation is the zod schemas' job (the runner validates before k6 starts).
 */
export function checkEnvelope(
  raw: unknown,
  profile: LoadProfile,
  source: string,
): WorkloadEnvelope {
  if (!isRecord(raw) || !isRecord(raw.workload) || !isRecord(raw.slo)) {
    throw new WorkloadError(`${source}: expected {"workload": {...}, "slo": {...}}`);
  }
  const { workload, slo } = raw;
  if (workload.schemaVersion !== 1 || slo.schemaVersion !== 1) {
    throw new WorkloadError(`${source}: schemaVersion must be 1 in the workload and the SLOs`);
  }
  const classes = profile === 'peak-mix' ? TRANSACTION_CLASSES : [profile];
  for (const cls of classes) {
    if (!isRecord(workload.classes) || !isRecord(workload.classes[cls])) {
      throw new WorkloadError(`${source}: workload: classes.${cls} is missing`);
    }
    if (!isRecord(slo.classes) || !isRecord(slo.classes[cls])) {
      throw new WorkloadError(`${source}: slo: classes.${cls} is missing`);
    }
  }
  return raw as unknown as WorkloadEnvelope;
}
