// How many seeded records a step needs (docs/contracts.md, "Seed data"): a validated delivery
// leaves the ready pool (stock-moves), an invoiced order leaves the delivered pool
// (month-end-billing, a batch of orders per invoicing run), and carrier-burst writes tracking
// numbers on deliveries of seeded orders. The runner tops the pools up before each step.
import type { TransactionClass } from '../core/classes.js';
import type { LadderSpec, LadderStepSpec } from '../core/run-types.js';

export interface PoolNeeds {
  readyOrders: number;
  deliveredOrders: number;
}

/** Headroom over the planned arrivals: some arrivals fail and retry, pools must not run dry. */
export const POOL_MARGIN = 1.2;
const POOL_MINIMUM = 10;
// A closed-model step has no planned rate; assume no transaction takes under half a second.
const CLOSED_RATE_PER_VU = 2;

/** What the workload (OC_WORKLOAD: {workload, slo}) says about pool use, read defensively. */
interface PoolHints {
  /** Each class's modelled base rate, for its share of a peak-mix total. */
  rates: Partial<Record<TransactionClass, number>>;
  /** The part of stock-moves transactions that validate a delivery (the rest are receipts...). */
  deliveriesShare: number;
  /** Orders invoiced per month-end-billing transaction. */
  batchSize: number;
}

type Loose = Record<string, unknown> | undefined;
const obj = (v: unknown): Loose =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;

function hintsFrom(ocWorkload: unknown): PoolHints {
  const classes = obj(obj(obj(ocWorkload)?.workload)?.classes);
  const rates: PoolHints['rates'] = {};
  for (const cls of ['order-wave', 'stock-moves', 'carrier-burst', 'month-end-billing'] as const) {
    const rate = num(obj(classes?.[cls])?.rate);
    if (rate !== undefined) rates[cls] = rate;
  }
  const mix = obj(obj(obj(classes?.['stock-moves'])?.payload)?.mix);
  const mixTotal = Object.values(mix ?? {}).reduce<number>((s, v) => s + (num(v) ?? 0), 0);
  const deliveries = num(mix?.deliveries);
  return {
    rates,
    deliveriesShare: deliveries !== undefined && mixTotal > 0 ? deliveries / mixTotal : 1,
    batchSize: num(obj(obj(classes?.['month-end-billing'])?.payload)?.batchSize) ?? 1,
  };
}

/**
 * The pool sizes a step needs. A peak-mix total is split by the workload's base class rates
 * (bursts and stages ignored: the carrier-burst's spikes only make the others' shares look
 * bigger, so the pools come out larger, never smaller); without a workload, each class is
 * counted at the whole rate.
 */
export function poolNeeds(spec: LadderSpec, step: LadderStepSpec, ocWorkload?: unknown): PoolNeeds {
  const hints = hintsFrom(ocWorkload);
  const seconds = spec.warmupSeconds + spec.holdSeconds;
  const total = step.rate ?? (step.vus ?? 0) * CLOSED_RATE_PER_VU;
  const rateSum = Object.values(hints.rates).reduce((s, r) => s + r, 0);
  const arrivals = (cls: TransactionClass): number => {
    if (spec.profile !== cls && spec.profile !== 'peak-mix') return 0;
    const share =
      spec.profile === 'peak-mix' && rateSum > 0 ? (hints.rates[cls] ?? 0) / rateSum : 1;
    // Warm-up and hold, plus the end-of-duration arrival k6 may start.
    return total * share * seconds + 1;
  };
  const size = (n: number) => (n > 0 ? Math.max(POOL_MINIMUM, Math.ceil(n * POOL_MARGIN)) : 0);
  const burst = arrivals('carrier-burst') > 0 ? POOL_MINIMUM : 0;
  return {
    readyOrders: Math.max(size(arrivals('stock-moves') * hints.deliveriesShare), burst),
    deliveredOrders: size(arrivals('month-end-billing') * hints.batchSize),
  };
}
