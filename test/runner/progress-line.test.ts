// The live progress line and the end-of-step line carry rate, p95, errors and the ETA.
import { describe, expect, it } from 'vitest';
import { toLadderSpec } from '../../src/core/models/ladder.js';
import { etaSeconds, formatTick } from '../../src/runner/progress-line.js';

const spec = toLadderSpec(
  { profile: 'order-wave', steps: [2, 4, 8], warmup: '10s', hold: '50s' },
  't',
);

describe('progress line', () => {
  it('shows the step, its phase, the rate, p95, error share and the time left in the ladder', () => {
    const tick = {
      index: 2,
      label: 'rate-4',
      phase: 'hold' as const,
      elapsed: 20,
      live: { transactions: 95, errors: 5, recentRate: 3.96, p95Ms: 41.23 },
    };
    // 40 s left in step 2, then 60 s for step 3.
    expect(etaSeconds(tick, spec)).toBe(100);
    expect(formatTick(tick, spec)).toBe(
      'step 2/3 rate-4 · hold 20s/1m00s · 4.0 tx/s · p95 41.2 ms · errors 5.0% · ETA 1m40s',
    );
  });
});
