// Sizes one pool of Odoo workers as a G/G/c queue of calls: the fewest workers meeting target
// utilisation and each class's p95 SLO, never above N* (docs/capacity-model.md, section 3).
import type { TransactionClass } from '../core/classes.js';
import { erlangC } from './erlang-c.js';
import type { GgcQueue } from './ggc-approximation.js';
import { transactionLatencyQuantile } from './transaction-latency.js';

export interface ServiceTime {
  /** Seconds. */
  mean: number;
  /** (stddev / mean)². */
  cv2: number;
}

export interface ClassLoad {
  class: TransactionClass;
  /** Business transactions per second. */
  rate: number;
  /** XML-RPC calls per transaction. */
  calls: number;
  /** One call's service time at low load. */
  request: ServiceTime;
  /** The whole transaction's latency at low load. */
  transaction: ServiceTime;
  /** SLO on the transaction p95, seconds; null when none is set. */
  sloP95: number | null;
}

export interface PoolPrediction {
  class: TransactionClass;
  rate: number;
  /** Seconds; Infinity when the pool cannot keep up. */
  p95: number;
  sloP95: number | null;
  meetsSlo: boolean;
}

export interface PoolState {
  workers: number;
  requestRate: number;
  serviceTime: number;
  serviceCv2: number;
  utilisation: number;
  probabilityOfWait: number;
  predictions: PoolPrediction[];
  meetsSlo: boolean;
}

/** The calls of all classes as one stream: rate-weighted mean and squared CV of the mixture. */
export function requestMix(classes: readonly ClassLoad[]): ServiceTime & { rate: number } {
  const rate = classes.reduce((s, c) => s + c.rate * c.calls, 0);
  if (rate === 0) return { rate: 0, mean: classes[0]?.request.mean ?? 0, cv2: 1 };
  let first = 0;
  let second = 0;
  for (const c of classes) {
    const w = (c.rate * c.calls) / rate;
    first += w * c.request.mean;
    second += w * c.request.mean ** 2 * (1 + c.request.cv2);
  }
  return { rate, mean: first, cv2: second / first ** 2 - 1 };
}

const P95 = 0.95;

export function predictPool(
  classes: readonly ClassLoad[],
  workers: number,
  arrivalCv2: number,
): PoolState {
  const mix = requestMix(classes);
  const queue: GgcQueue = {
    arrivalRate: mix.rate,
    serviceTime: mix.mean,
    servers: workers,
    arrivalCv2,
    serviceCv2: mix.cv2,
  };
  const offered = mix.rate * mix.mean;
  const predictions = classes.map((c) => {
    const p95 = transactionLatencyQuantile(
      queue,
      { serviceMean: c.transaction.mean, serviceCv2: c.transaction.cv2, calls: c.calls },
      P95,
    );
    return {
      class: c.class,
      rate: c.rate,
      p95,
      sloP95: c.sloP95,
      meetsSlo: Number.isFinite(p95) && (c.sloP95 === null || p95 <= c.sloP95),
    };
  });
  return {
    workers,
    requestRate: mix.rate,
    serviceTime: mix.mean,
    serviceCv2: mix.cv2,
    utilisation: offered / workers,
    probabilityOfWait: erlangC(workers, offered),
    predictions,
    meetsSlo: predictions.every((p) => p.meetsSlo),
  };
}

export interface PoolSizingInput {
  classes: readonly ClassLoad[];
  arrivalCv2: number;
  minWorkers: number;
  targetUtilisation: number;
  /** USL peak concurrency: never more workers than this (null: no retrograde region measured). */
  nStar: number | null;
}

export interface PoolSizing extends PoolState {
  limitedBy: 'slo' | 'utilisation' | 'minimum' | 'n-star';
  /** Classes whose p95 misses the SLO even when no call waits: more workers cannot help. */
  sloUnreachable: TransactionClass[];
}

/** Beyond this many workers per pool the search stops (a runaway forecast, not a plan). */
const SEARCH_LIMIT = 2000;

export function sizeWorkerPool(input: PoolSizingInput): PoolSizing {
  const { classes, arrivalCv2, minWorkers, targetUtilisation, nStar } = input;
  const offered = requestMix(classes).rate * requestMix(classes).mean;
  const byUtilisation = Math.ceil(offered / targetUtilisation - 1e-9);
  const start = Math.max(minWorkers, byUtilisation, 1);
  const cap = Math.min(SEARCH_LIMIT, nStar ?? SEARCH_LIMIT);
  const idle = predictPool(
    classes.map((c) => ({ ...c, rate: c.rate * 1e-9 })),
    start,
    arrivalCv2,
  );
  const sloUnreachable = idle.predictions.filter((p) => !p.meetsSlo).map((p) => p.class);

  let workers = start;
  let state = predictPool(classes, workers, arrivalCv2);
  while (!state.meetsSlo && sloUnreachable.length === 0 && workers < cap) {
    workers++;
    state = predictPool(classes, workers, arrivalCv2);
  }
  let limitedBy: PoolSizing['limitedBy'];
  if (sloUnreachable.length > 0 && !(nStar !== null && start > nStar)) limitedBy = 'slo';
  else if (nStar !== null && (start > nStar || (!state.meetsSlo && workers >= nStar))) {
    limitedBy = 'n-star';
    if (workers > nStar) state = predictPool(classes, nStar, arrivalCv2);
  } else if (workers > start) limitedBy = 'slo';
  else if (byUtilisation >= minWorkers) limitedBy = 'utilisation';
  else limitedBy = 'minimum';
  return { ...state, limitedBy, sloUnreachable };
}
