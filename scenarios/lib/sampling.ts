// Random draws that shape the payloads: counts from the workload's distributions, products by
// Zipf popularity, and an evenly spread operation mix. `random` returns [0, 1) like Math.random.
import type { CountDistribution } from './workload.ts';

export type Random = () => number;

function uniformInt(min: number, max: number, random: Random): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function sampleCount(dist: CountDistribution, random: Random): number {
  switch (dist.distribution) {
    case 'fixed':
      return dist.value;
    case 'uniform':
      return uniformInt(dist.min, dist.max, random);
    case 'geometric': {
      // 1 + Geometric(p) has mean 1/p; inverse transform, cut at max.
      if (dist.mean <= 1) return 1;
      const p = 1 / dist.mean;
      const draw = 1 + Math.floor(Math.log(1 - random()) / Math.log(1 - p));
      return Math.min(draw, dist.max);
    }
    case 'empirical': {
      const total = dist.weights.reduce((sum, w) => sum + w.weight, 0);
      let u = random() * total;
      for (const w of dist.weights) {
        u -= w.weight;
        if (u < 0) return w.value;
      }
      return dist.weights[dist.weights.length - 1]!.value;
    }
  }
}

/** Ranks 0..n-1 drawn with weight 1 / (rank + 1)^s: rank 0 is the hottest product. */
export class ZipfSampler {
  readonly #cdf: Float64Array;

  constructor(n: number, s: number) {
    if (n < 1) throw new RangeError('ZipfSampler needs at least one item');
    this.#cdf = new Float64Array(n);
    let total = 0;
    for (let k = 0; k < n; k++) this.#cdf[k] = total += 1 / Math.pow(k + 1, s);
    for (let k = 0; k < n; k++) this.#cdf[k]! /= total;
  }

  get size(): number {
    return this.#cdf.length;
  }

  sample(random: Random): number {
    const u = random();
    let lo = 0;
    let hi = this.#cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** `count` distinct ranks (an order line per product), at most the number of items. */
  distinct(count: number, random: Random): number[] {
    const want = Math.min(count, this.size);
    const chosen = new Set<number>();
    // Rejection keeps the popularity skew; past a bound, fill with the next free ranks.
    for (let tries = 0; chosen.size < want && tries < want * 20; tries++)
      chosen.add(this.sample(random));
    for (let k = 0; chosen.size < want; k++) chosen.add(k);
    return [...chosen];
  }
}

/**
 * The operation of iteration `index` in a weighted mix, and its ordinal among that operation's
 * iterations. Each operation in turn takes a Bresenham share of what the previous ones left, so
 * the mix is exact in any window and an operation's ordinals are 0, 1, 2, … with no gaps or
 * repeats: the k-th delivery takes pool item k, and no two iterations take the same one.
 */
export function mixSlot<K extends string>(
  weights: Record<K, number>,
  index: number,
): { kind: K; ordinal: number } {
  // Sorted: k6 hands setup data to each VU through Go maps, so key order differs between VUs,
  // and every VU must split the iterations the same way.
  const keys = (Object.keys(weights) as K[]).filter((k) => weights[k] > 0).sort();
  let remaining = keys.reduce((sum, k) => sum + weights[k], 0);
  let r = index;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i]!;
    const share = weights[key] / remaining;
    const before = Math.floor(r * share);
    if (Math.floor((r + 1) * share) > before) return { kind: key, ordinal: before };
    r -= before; // r becomes this iteration's index among the iterations left to the rest
    remaining -= weights[key];
  }
  return { kind: keys[keys.length - 1]!, ordinal: r };
}
