// The payload shapes: count distributions, Zipf product popularity and the operation mix, drawn
// with a seeded generator so the frequencies are checked exactly, not by luck.
import { describe, expect, it } from 'vitest';
import { ZipfSampler, mixSlot, sampleCount, type Random } from '../../scenarios/lib/sampling.ts';

/** mulberry32: a small seeded PRNG, so every run draws the same numbers. */
function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function frequencies(draw: () => number, n: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = draw();
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

describe('sampleCount', () => {
  const random = seeded(42);
  const N = 20_000;

  it('draws empirical values in proportion to their weights', () => {
    const dist = {
      distribution: 'empirical' as const,
      weights: [
        { value: 1, weight: 6 },
        { value: 3, weight: 3 },
        { value: 7, weight: 1 },
      ],
    };
    const counts = frequencies(() => sampleCount(dist, random), N);
    expect([...counts.keys()].sort()).toEqual([1, 3, 7]);
    expect(counts.get(1)! / N).toBeCloseTo(0.6, 1);
    expect(counts.get(3)! / N).toBeCloseTo(0.3, 1);
    expect(counts.get(7)! / N).toBeCloseTo(0.1, 1);
  });

  it('draws uniform counts over the whole closed range', () => {
    const counts = frequencies(
      () => sampleCount({ distribution: 'uniform', min: 2, max: 5 }, random),
      N,
    );
    expect([...counts.keys()].sort()).toEqual([2, 3, 4, 5]);
    for (const c of counts.values()) expect(c / N).toBeCloseTo(0.25, 1);
  });

  it('draws geometric counts from 1 with the given mean, cut at max', () => {
    let sum = 0;
    let max = 0;
    for (let i = 0; i < N; i++) {
      const v = sampleCount({ distribution: 'geometric', mean: 3, max: 1000 }, random);
      sum += v;
      max = Math.max(max, v);
      expect(v).toBeGreaterThanOrEqual(1);
    }
    expect(sum / N).toBeCloseTo(3, 0);
    const capped = frequencies(
      () => sampleCount({ distribution: 'geometric', mean: 3, max: 4 }, random),
      N,
    );
    expect(Math.max(...capped.keys())).toBe(4);
  });

  it('a fixed count is always that count', () => {
    expect(sampleCount({ distribution: 'fixed', value: 3 }, random)).toBe(3);
  });
});

describe('ZipfSampler', () => {
  it('draws rank r with weight 1/r^s, so the hottest product dominates', () => {
    const random = seeded(7);
    const zipf = new ZipfSampler(100, 1);
    const counts = frequencies(() => zipf.sample(random), 50_000);
    const harmonic = Array.from({ length: 100 }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b);
    expect(counts.get(0)! / 50_000).toBeCloseTo(1 / harmonic, 2);
    expect(counts.get(0)! / counts.get(1)!).toBeCloseTo(2, 0);
    expect(counts.get(0)! / counts.get(9)!).toBeGreaterThan(7);
    expect(Math.max(...counts.keys())).toBeLessThan(100);
  });

  it('s = 0 is uniform', () => {
    const random = seeded(9);
    const counts = frequencies(() => new ZipfSampler(4, 0).sample(random), 20_000);
    for (const c of counts.values()) expect(c / 20_000).toBeCloseTo(0.25, 1);
  });

  it('distinct draws never repeat a product and stop at the number of products', () => {
    const random = seeded(3);
    const zipf = new ZipfSampler(5, 2);
    for (let i = 0; i < 200; i++) {
      const ranks = zipf.distinct(4, random);
      expect(new Set(ranks).size).toBe(4);
    }
    expect(zipf.distinct(9, random).sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('mixSlot', () => {
  const mix = { deliveries: 75, receipts: 10, internalTransfers: 10, inventoryAdjustments: 5 };
  const slots = Array.from({ length: 1000 }, (_, i) => mixSlot(mix, i));

  it('gives each operation its exact share', () => {
    const counts: Record<string, number> = {};
    for (const { kind } of slots) counts[kind] = (counts[kind] ?? 0) + 1;
    expect(counts).toEqual({
      deliveries: 750,
      receipts: 100,
      internalTransfers: 100,
      inventoryAdjustments: 50,
    });
  });

  it('spreads each operation evenly: any 40 consecutive iterations hold 30 ± 1 deliveries', () => {
    for (let start = 0; start <= 960; start += 7) {
      const deliveries = slots.slice(start, start + 40).filter((s) => s.kind === 'deliveries');
      expect(Math.abs(deliveries.length - 30)).toBeLessThanOrEqual(1);
    }
  });

  it('numbers each operation’s iterations 0, 1, 2, … so no two take the same pool item', () => {
    for (const kind of Object.keys(mix)) {
      const ordinals = slots.filter((s) => s.kind === kind).map((s) => s.ordinal);
      expect(ordinals).toEqual(ordinals.map((_, i) => i));
    }
  });

  it('gives every VU the same split whatever the key order of the weights (k6 setup data)', () => {
    const reordered = {
      inventoryAdjustments: 5,
      internalTransfers: 10,
      receipts: 10,
      deliveries: 75,
    };
    for (let i = 0; i < 1000; i++) expect(mixSlot(reordered, i)).toEqual(slots[i]);
  });

  it('holds for awkward weights too, and never picks an operation of weight 0', () => {
    const odd = { a: 1 / 3, b: 0, c: 0.7, d: 2.9 };
    const all = Array.from({ length: 5000 }, (_, i) => mixSlot(odd, i));
    expect(all.some((s) => s.kind === 'b')).toBe(false);
    for (const kind of ['a', 'c', 'd']) {
      const ordinals = all.filter((s) => s.kind === kind).map((s) => s.ordinal);
      expect(ordinals).toEqual(ordinals.map((_, i) => i));
      const share = odd[kind as keyof typeof odd] / (1 / 3 + 0.7 + 2.9);
      expect(Math.abs(ordinals.length - 5000 * share)).toBeLessThanOrEqual(2);
    }
  });
});
