// The ladder flags of `run` and `k8s`: flags alone, or a ladder file with flags overriding it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ladderFromFlags, type LadderFlags } from '../../src/cli/ladder-options.js';
import { BadInputError } from '../../src/core/errors.js';

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

  it('name the flag when one of its values is bad, before reading the ladder file', async () => {
    const base = { class: 'order-wave', rates: '1', hold: '5s' };
    const cases: [LadderFlags, string][] = [
      [
        { rates: '2,,4' },
        '--rates: expected comma-separated values, each a number > 0, got "2,,4"',
      ],
      [{ rates: undefined, vus: '1,2.5' }, '--vus: expected comma-separated values'],
      [{ hold: '5 minutes' }, '--hold: expected a duration such as 60s, 1m30s or 2h'],
      [{ warmup: 'soon' }, '--warmup: expected a duration'],
      [{ maxDuration: '1d' }, '--max-duration: expected a duration'],
      [{ sampleInterval: 'x' }, '--sample-interval: expected a duration'],
      [{ segments: '1.5' }, '--segments: expected an integer from 1 to 64, got "1.5"'],
      [{ maxRate: '0' }, '--max-rate: expected a number > 0, got "0"'],
      [{ maxVus: 'ten' }, '--max-vus: expected an integer from 1'],
      [{ maxErrorRate: '-1' }, '--max-error-rate: expected a number of 0 or more, got "-1"'],
      [{ p50Factor: '1' }, '--p50-factor: expected a number > 1, got "1"'],
    ];
    for (const [flags, message] of cases) {
      const error = await ladderFromFlags({ ...base, ...flags, ladder: 'missing.yaml' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BadInputError);
      expect((error as Error).message.startsWith(message)).toBe(true);
    }
  });

  it('take durations as k6 strings or bare seconds, as a ladder file does', async () => {
    const spec = await ladderFromFlags({
      class: 'order-wave',
      vus: '1,2',
      hold: '1m30s',
      warmup: '15',
      maxDuration: '2h',
      sampleInterval: '2s',
    });
    expect(spec).toMatchObject({ model: 'closed', holdSeconds: 90, warmupSeconds: 15 });
    expect(spec.caps.maxSeconds).toBe(7200);
  });
});
