// How many seeded records a step consumes (docs/contracts.md, "Seed data"): a validated picking
// leaves the ready pool (stock-moves), an invoiced order leaves the delivered pool
// (month-end-billing). The runner tops the pools up before each step to this size.
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

function arrivals(spec: LadderSpec, step: LadderStepSpec): number {
  const rate = step.rate ?? (step.vus ?? 0) * CLOSED_RATE_PER_VU;
  // Warm-up and hold, plus the end-of-duration arrival k6 may start.
  return rate * (spec.warmupSeconds + spec.holdSeconds) + 1;
}

/**
 * The pool sizes a step needs. For peak-mix the whole rate is counted against each pool: the
 * mix's shares are the scenario's business, and an upper bound only costs seeding time.
 */
export function poolNeeds(spec: LadderSpec, step: LadderStepSpec): PoolNeeds {
  const wanted = Math.max(POOL_MINIMUM, Math.ceil(arrivals(spec, step) * POOL_MARGIN));
  const uses = (cls: string) => spec.profile === cls || spec.profile === 'peak-mix';
  return {
    readyOrders: uses('stock-moves') ? wanted : 0,
    deliveredOrders: uses('month-end-billing') ? wanted : 0,
  };
}
