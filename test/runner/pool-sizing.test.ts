// Pools are topped up to what a step consumes: its arrivals over warm-up and hold, with margin.
import { describe, expect, it } from 'vitest';
import { toLadderSpec } from '../../src/core/models/ladder.js';
import { poolNeeds } from '../../src/runner/pool-sizing.js';

describe('pool sizing', () => {
  it('sizes the ready pool of stock-moves from rate × (warm-up + hold), with 20% margin', () => {
    const spec = toLadderSpec(
      { profile: 'stock-moves', steps: [5], warmup: '10s', hold: '60s' },
      't',
    );
    // 5/s × 70 s + 1 = 351 arrivals, × 1.2 = 421.2 → 422.
    expect(poolNeeds(spec, spec.steps[0]!)).toEqual({ readyOrders: 422, deliveredOrders: 0 });
  });

  it('needs no pool for the order wave, and both for peak-mix', () => {
    const wave = toLadderSpec({ profile: 'order-wave', steps: [5], hold: 60 }, 't');
    expect(poolNeeds(wave, wave.steps[0]!)).toEqual({ readyOrders: 0, deliveredOrders: 0 });
    const mix = toLadderSpec({ profile: 'peak-mix', steps: [1], warmup: 0, hold: 5 }, 't');
    expect(poolNeeds(mix, mix.steps[0]!)).toEqual({ readyOrders: 10, deliveredOrders: 10 });
  });
});
