// Pools are topped up to what a step consumes: its arrivals over warm-up and hold, with margin,
// as the workload says each class uses them.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toLadderSpec } from '../../src/core/models/ladder.js';
import { loadSlo } from '../../src/core/models/slo.js';
import { loadWorkload, type WorkloadEnvelope } from '../../src/core/models/workload.js';
import { poolNeeds } from '../../src/runner/pool-sizing.js';

const MODELS = join(import.meta.dirname, '..', '..', 'models');

/** The shipped workload, with the rates, mix and batch size these figures assume. */
const workload: WorkloadEnvelope = {
  workload: await loadWorkload(join(MODELS, 'workload', 'default.yaml')),
  slo: await loadSlo(join(MODELS, 'slo.yaml')),
};
const classes = workload.workload.classes;
classes['order-wave'].rate = 2;
classes['stock-moves'].rate = 1.5;
classes['stock-moves'].payload.mix = {
  deliveries: 75,
  receipts: 10,
  internalTransfers: 10,
  inventoryAdjustments: 5,
};
classes['carrier-burst'].rate = 1;
classes['month-end-billing'].rate = 0.5;
classes['month-end-billing'].payload.batchSize = 20;

describe('pool sizing', () => {
  it('sizes the ready pool of stock-moves from rate × (warm-up + hold), with 20% margin', () => {
    const spec = toLadderSpec(
      { profile: 'stock-moves', steps: [5], warmup: '10s', hold: '60s' },
      't',
    );
    // 5/s × 70 s + 1 = 351 arrivals, × 1.2 = 421.2 → 422.
    expect(poolNeeds(spec, spec.steps[0]!)).toEqual({ readyOrders: 422, deliveredOrders: 0 });
    // Only the deliveries (75% of the mix) consume the pool: 351 × 0.75 × 1.2 = 315.9 → 316.
    expect(poolNeeds(spec, spec.steps[0]!, workload).readyOrders).toBe(316);
  });

  it('counts a batch of orders per month-end invoicing run', () => {
    const spec = toLadderSpec(
      { profile: 'month-end-billing', steps: [0.2], warmup: 0, hold: '50s' },
      't',
    );
    // 0.2/s × 50 s + 1 = 11 runs × 20 orders × 1.2 = 264.
    expect(poolNeeds(spec, spec.steps[0]!, workload)).toEqual({
      readyOrders: 0,
      deliveredOrders: 264,
    });
  });

  it('needs no pool for the order wave; a few deliveries for carrier-burst', () => {
    const wave = toLadderSpec({ profile: 'order-wave', steps: [5], hold: 60 }, 't');
    expect(poolNeeds(wave, wave.steps[0]!)).toEqual({ readyOrders: 0, deliveredOrders: 0 });
    const burst = toLadderSpec({ profile: 'carrier-burst', steps: [5], hold: 60 }, 't');
    expect(poolNeeds(burst, burst.steps[0]!)).toEqual({ readyOrders: 10, deliveredOrders: 0 });
  });

  it('splits a peak-mix total by the workload’s class rates', () => {
    const mix = toLadderSpec({ profile: 'peak-mix', steps: [10], warmup: 0, hold: '100s' }, 't');
    // Stock-moves: 10 × 1.5/5 × 100 + 1 = 301 arrivals × 0.75 × 1.2 = 270.9 → 271.
    // Month-end: 10 × 0.5/5 × 100 + 1 = 101 runs × 20 × 1.2 = 2424.
    expect(poolNeeds(mix, mix.steps[0]!, workload)).toEqual({
      readyOrders: 271,
      deliveredOrders: 2424,
    });
  });
});
