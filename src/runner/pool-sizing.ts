// How many seeded records a step needs (docs/contracts.md, "Seed data"), so the runner can top
// the pools up before each step.
import { TRANSACTION_CLASSES, type TransactionClass } from '../core/classes.js';
import type { WorkloadEnvelope } from '../core/models/workload.js';
import type { LadderSpec, LadderStepSpec } from '../core/run-types.js';

export interface PoolNeeds {
  readyOrders: number;
  deliveredOrders: number;
}

/** Headroom over the planned arrivals: some arrivals fail and retry, pools must not run dry. */
const POOL_MARGIN = 1.2;
const POOL_MINIMUM = 10;
// A closed-model step has no planned rate; assume no transaction takes under half a second.
const CLOSED_RATE_PER_VU = 2;

/** What the workload says about pool use. */
interface PoolHints {
  /** Each class's modelled base rate, for its share of a peak-mix total. */
  rates: Partial<Record<TransactionClass, number>>;
  /** The part of stock-moves transactions that validate a delivery (the rest are receipts...). */
  deliveriesShare: number;
  /** Orders invoiced per month-end-billing transaction. */
  batchSize: number;
}

function hintsFrom(envelope: WorkloadEnvelope | undefined): PoolHints {
  if (envelope === undefined) return { rates: {}, deliveriesShare: 1, batchSize: 1 };
  const classes = envelope.workload.classes;
  const rates: PoolHints['rates'] = {};
  for (const cls of TRANSACTION_CLASSES) rates[cls] = classes[cls].rate;
  const mix = classes['stock-moves'].payload.mix;
  const mixTotal = mix.deliveries + mix.receipts + mix.internalTransfers + mix.inventoryAdjustments;
  return {
    rates,
    // No delivery in the mix: size the ready pool as if every stock move were one (never smaller).
    deliveriesShare: mix.deliveries > 0 ? mix.deliveries / mixTotal : 1,
    batchSize: classes['month-end-billing'].payload.batchSize,
  };
}

/**
 * The pool sizes a step needs. A peak-mix total is split by the workload's base class rates
 * (bursts and stages ignored: the carrier-burst's spikes only make the others' shares look
 * bigger, so the pools come out larger, never smaller); without a workload, each class is
 * counted at the whole rate.
 */
export function poolNeeds(
  spec: LadderSpec,
  step: LadderStepSpec,
  workload?: WorkloadEnvelope,
): PoolNeeds {
  const hints = hintsFrom(workload);
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
