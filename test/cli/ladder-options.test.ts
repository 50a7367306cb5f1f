// The ladder flags of `run` and `k8s`: flags alone, or a ladder file with flags overriding it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ladderFromFlags } from '../../src/cli/ladder-options.js';

const ORDER_WAVE = join(import.meta.dirname, '..', '..', 'models', 'ladders', 'order-wave.yaml');

describe('ladder flags', () => {
  it('build a ladder from flags alone', async () => {
    const spec = await ladderFromFlags({
      class: 'carrier-burst',
      rates: '5,10',
      hold: '30s',
      warmup: '5s',
    });
    expect(spec).toMatchObject({
      profile: 'carrier-burst',
      model: 'open',
      steps: [
        { label: 'rate-5', rate: 5 },
        { label: 'rate-10', rate: 10 },
      ],
      holdSeconds: 30,
      warmupSeconds: 5,
    });
  });

  it('override a ladder file field by field, keeping the rest of the file', async () => {
    const file = await ladderFromFlags({ ladder: ORDER_WAVE });
    const spec = await ladderFromFlags({ ladder: ORDER_WAVE, hold: '20s', maxRate: '60' });
    expect(spec.holdSeconds).toBe(20);
    expect(spec.caps.maxRate).toBe(60);
    expect(spec.steps).toEqual(file.steps);
    expect(spec.caps.maxErrorRate).toBe(file.caps.maxErrorRate);
  });

  it('refuse rates and VUs together, and a ladder without a profile', async () => {
    await expect(
      ladderFromFlags({ class: 'order-wave', rates: '1', vus: '1', hold: '5s' }),
    ).rejects.toThrow(/^--rates and --vus: give one/);
    await expect(ladderFromFlags({ rates: '1', hold: '5s' })).rejects.toThrow(/^no load profile/);
  });
});
