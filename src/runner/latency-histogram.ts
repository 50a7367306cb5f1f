// Mergeable HDR latency histograms in microseconds (3 significant digits): segments and steps
// merge by adding counts, never by averaging percentiles (docs/architecture.md).
import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../core/run-types.js';

export type { Histogram };

export const HISTOGRAM_ENCODING = 'hdr-base64-us' as const;
const SIGNIFICANT_DIGITS = 3;
// 64-bit counts: a long distributed step can pass 2^31 samples in one bucket's neighbourhood.
const BIT_BUCKET_SIZE = 64;

export function newHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: BIT_BUCKET_SIZE,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    autoResize: true,
    lowestDiscernibleValue: 1,
  });
}

/** Records a k6 value in milliseconds (fractions kept to the microsecond). */
export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(ms > 0 ? Math.round(ms * 1000) : 0);
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, BIT_BUCKET_SIZE, false);
}

/** A new histogram holding every count of the given ones (exact: counts add bucket by bucket). */
export function mergeHistograms(histograms: Iterable<Histogram>): Histogram {
  const merged = newHistogram();
  for (const h of histograms) merged.add(h);
  return merged;
}

const ms = (us: number): number => us / 1000;

/** Count, mean, spread and percentiles in milliseconds. An empty histogram gives all zeros. */
export function summarizeHistogram(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) {
    return { count: 0, mean: 0, stddev: 0, min: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
  }
  return {
    count,
    mean: ms(histogram.mean),
    stddev: ms(histogram.stdDeviation),
    min: ms(histogram.getValueAtPercentile(0)),
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    // The top bucket's highest value, as for the percentiles, so p99 ≤ max always holds.
    max: ms(histogram.getValueAtPercentile(100)),
  };
}
