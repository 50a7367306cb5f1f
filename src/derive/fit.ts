// The statistics of `workload derive`, pure functions over the aggregates the SQL returns, so
// memory is bounded by the window's length, never by the data's size.
import jstat from 'jstat';

/** A histogram: how many times each whole-number value occurred. */
export interface Bin {
  value: number;
  count: number;
}

/** An empirical count distribution as models/workload/*.yaml takes it. */
export interface Empirical {
  distribution: 'empirical';
  weights: { value: number; weight: number }[];
}

/**
 * The histogram as an empirical distribution. Past `maxValues` distinct values the tail is
 * merged into logarithmic bins (each bin's count at its count-weighted mean value, rounded), so
 * the mean is kept and the file stays readable.
 */
export function empirical(bins: readonly Bin[], maxValues = 40): Empirical | undefined {
  const kept = bins
    .filter((b) => b.count > 0 && b.value >= 1)
    .map((b) => ({ value: Math.round(b.value), count: b.count }))
    .sort((a, b) => a.value - b.value);
  if (kept.length === 0) return undefined;
  let rows = kept;
  if (rows.length > maxValues) {
    // The first values stay exact; the rest go into bins of doubling width.
    const exact = rows.slice(0, maxValues / 2);
    const rest = rows.slice(maxValues / 2);
    const merged = new Map<number, { sum: number; count: number }>();
    const base = rest[0]!.value;
    for (const r of rest) {
      const bin = Math.floor(Math.log2(r.value / base) * 2);
      const m = merged.get(bin) ?? { sum: 0, count: 0 };
      m.sum += r.value * r.count;
      m.count += r.count;
      merged.set(bin, m);
    }
    const tail = [...merged.values()].map((m) => ({
      value: Math.round(m.sum / m.count),
      count: m.count,
    }));
    const byValue = new Map<number, number>();
    for (const r of [...exact, ...tail])
      byValue.set(r.value, (byValue.get(r.value) ?? 0) + r.count);
    rows = [...byValue]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => a.value - b.value);
  }
  return {
    distribution: 'empirical',
    weights: rows.map((r) => ({ value: r.value, weight: r.count })),
  };
}

export function histogramMean(bins: readonly Bin[]): number {
  let n = 0;
  let sum = 0;
  for (const b of bins) {
    n += b.count;
    sum += b.value * b.count;
  }
  return n === 0 ? 0 : sum / n;
}

/** The q-quantile (0..1) of a histogram, the smallest value with at least q of the mass. */
export function histogramQuantile(bins: readonly Bin[], q: number): number {
  const sorted = [...bins].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((s, b) => s + b.count, 0);
  let seen = 0;
  for (const b of sorted) {
    seen += b.count;
    if (seen >= q * total) return b.value;
  }
  return sorted.at(-1)?.value ?? 0;
}

/**
 * The sufficient statistics of a Zipf fit: N products with at least one line, C lines in all,
 * and S = Σ c_r·ln r over products ranked by their line count c_r (rank 1 the most sold).
 */
export interface ZipfStats {
  products: number;
  lines: number;
  sumCountLnRank: number;
}

export interface ZipfFit {
  s: number;
  /** Standard error of s from the observed information, or undefined at a bound. */
  standardError: number | undefined;
  products: number;
  lines: number;
}

const ZIPF_MAX = 5;

/** Σ r^-s, Σ r^-s·ln r and Σ r^-s·ln² r for r = 1..n. */
function zipfSums(n: number, s: number): [number, number, number] {
  let h = 0;
  let h1 = 0;
  let h2 = 0;
  for (let r = 1; r <= n; r++) {
    const lr = Math.log(r);
    const w = Math.exp(-s * lr);
    h += w;
    h1 += w * lr;
    h2 += w * lr * lr;
  }
  return [h, h1, h2];
}

/**
 * Maximum-likelihood Zipf exponent over the N products sold: each line picks rank r with
 * probability r^-s / H(N, s). The log-likelihood −s·S − C·ln H(N, s) is concave in s, so its
 * derivative −S + C·Σ r^-s·ln r / H(N, s), falling in s, is bisected on [0, 5]. Products never sold are not counted
 * (N is the products with a line in the window).
 */
export function fitZipf(stats: ZipfStats): ZipfFit | undefined {
  const { products: n, lines: c, sumCountLnRank: S } = stats;
  if (n < 2 || c < 2) return undefined;
  const score = (s: number) => {
    const [h, h1] = zipfSums(n, s);
    return -S + (c * h1) / h;
  };
  let lo = 0;
  let hi = ZIPF_MAX;
  let s: number;
  // The score falls as s grows: positive, the likelihood still rises to the right.
  if (score(lo) <= 0) s = 0;
  else if (score(hi) >= 0) s = ZIPF_MAX;
  else {
    for (let i = 0; i < 50; i++) {
      const mid = (lo + hi) / 2;
      if (score(mid) > 0) lo = mid;
      else hi = mid;
    }
    s = (lo + hi) / 2;
  }
  const [h, h1, h2] = zipfSums(n, s);
  // Fisher information per line: the variance of ln r under the fitted law.
  const variance = h2 / h - (h1 / h) ** 2;
  const standardError =
    s > 0 && s < ZIPF_MAX && variance > 0 ? 1 / Math.sqrt(c * variance) : undefined;
  return { s, standardError, products: n, lines: c };
}

export interface GrowthFit {
  /** Compound growth per month, percent. */
  percentPerMonth: number;
  /** 95 % interval of it. */
  interval95: [number, number] | undefined;
  standardErrorLog: number | undefined;
  months: number;
}

/**
 * Growth per month: least squares of ln(count) on the month index over the months with any
 * transaction; growth = e^b − 1, its 95 % interval from b's standard error and Student's t with
 * n − 2 degrees of freedom. Fewer than 3 months: no fit.
 */
export function fitGrowth(monthly: readonly number[]): GrowthFit | undefined {
  const points = monthly
    .map((count, i) => ({ x: i, y: count > 0 ? Math.log(count) : NaN }))
    .filter((p) => Number.isFinite(p.y));
  const n = points.length;
  if (n < 3) return undefined;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  const b = sxy / sxx;
  const a = my - b * mx;
  const sse = points.reduce((s, p) => s + (p.y - a - b * p.x) ** 2, 0);
  const se = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : undefined;
  const pct = (v: number) => (Math.exp(v) - 1) * 100;
  const t = n > 2 ? jstat.studentt.inv(0.975, n - 2) : NaN;
  return {
    percentPerMonth: pct(b),
    interval95: se === undefined ? undefined : [pct(b - t * se), pct(b + t * se)],
    standardErrorLog: se,
    months: n,
  };
}

/** Counts of one class per local hour: `day` YYYY-MM-DD, `hour` 0-23, `count`. */
export interface HourCount {
  day: string;
  hour: number;
  count: number;
}

export interface ArrivalProfile {
  /** Days in the window (whole local days). */
  days: number;
  total: number;
  /** Mean transactions per hour, [ISO day of week 1..7 − 1][hour 0..23]. */
  byDayOfWeekHour: number[][];
  /** Mean transactions per hour of day over all days. */
  byHour: number[];
  /** Mean transactions per day, Monday first. */
  byDayOfWeek: number[];
  /** The time-consistent busy hour: the (day of week, hour) of the highest mean. */
  busyHour: { dayOfWeek: number; hour: number; perHour: number; ratePerSecond: number };
  /** The busiest single hour seen. */
  maxHour: { day: string; hour: number; count: number };
  /** Days at or above the peak factor × the median active day, busiest first (10 at most). */
  peakDays: PeakDay[];
  medianActiveDay: number;
}

export interface PeakDay {
  date: string;
  count: number;
  /** count ÷ the median active day. */
  factor: number;
  /** The day's busiest hour ÷ the busy-hour mean. */
  hourFactor: number;
  kind: 'month-end' | 'other';
}

/** Whole local days from `start` (YYYY-MM-DD) for `days` days. */
export function windowDays(start: string, days: number): string[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) =>
    new Date(t0 + i * 86_400_000).toISOString().slice(0, 10),
  );
}

/** ISO day of week, 1 Monday … 7 Sunday, of a YYYY-MM-DD date. */
export function isoDayOfWeek(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The last two days of a month, or its first. */
export function isMonthEnd(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  const day = d.getUTCDate();
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return day === 1 || day >= last - 1;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Arrival profile of one class over a window of whole days from per-hour counts: means per
 * (day of week, hour) over the days of that weekday in the window, the busy hour (ITU-T E.500's
 * time-consistent busy hour: the same hour every week, its mean), and the peak days.
 */
export function arrivalProfile(
  hours: readonly HourCount[],
  windowStart: string,
  days: number,
  peakFactor = 1.5,
): ArrivalProfile {
  const dates = windowDays(windowStart, days);
  const weekdays = [0, 0, 0, 0, 0, 0, 0];
  for (const d of dates) weekdays[isoDayOfWeek(d) - 1]!++;
  const cell = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  const perDay = new Map<string, number>();
  const dayMaxHour = new Map<string, number>();
  let total = 0;
  let maxHour = { day: '', hour: 0, count: 0 };
  for (const h of hours) {
    cell[isoDayOfWeek(h.day) - 1]![h.hour]! += h.count;
    perDay.set(h.day, (perDay.get(h.day) ?? 0) + h.count);
    dayMaxHour.set(h.day, Math.max(dayMaxHour.get(h.day) ?? 0, h.count));
    total += h.count;
    if (h.count > maxHour.count) maxHour = { day: h.day, hour: h.hour, count: h.count };
  }
  const byDayOfWeekHour = cell.map((row, d) =>
    row.map((n) => (weekdays[d]! ? n / weekdays[d]! : 0)),
  );
  const byHour = Array.from({ length: 24 }, (_, h) =>
    days ? cell.reduce((s, row) => s + row[h]!, 0) / days : 0,
  );
  const byDayOfWeek = cell.map((row, d) =>
    weekdays[d] ? row.reduce((s, n) => s + n, 0) / weekdays[d]! : 0,
  );
  let busy = { dayOfWeek: 1, hour: 0, perHour: 0, ratePerSecond: 0 };
  byDayOfWeekHour.forEach((row, d) =>
    row.forEach((mean, h) => {
      if (mean > busy.perHour)
        busy = { dayOfWeek: d + 1, hour: h, perHour: mean, ratePerSecond: mean / 3600 };
    }),
  );
  const medianActiveDay = median([...perDay.values()].filter((n) => n > 0));
  const peakDays = [...perDay]
    .filter(([, n]) => medianActiveDay > 0 && n >= peakFactor * medianActiveDay)
    .map(([date, count]) => ({
      date,
      count,
      factor: count / medianActiveDay,
      hourFactor: busy.perHour > 0 ? (dayMaxHour.get(date) ?? 0) / busy.perHour : 0,
      kind: (isMonthEnd(date) ? 'month-end' : 'other') as PeakDay['kind'],
    }))
    .sort((a, b) => b.count - a.count || a.date.localeCompare(b.date))
    .slice(0, 10);
  return {
    days,
    total,
    byDayOfWeekHour,
    byHour,
    byDayOfWeek,
    busyHour: busy,
    maxHour,
    peakDays,
    medianActiveDay,
  };
}

/** What the SQL returns about carrier updates split into bursts. */
export interface BurstStats {
  events: number;
  spikes: number;
  eventsInSpikes: number;
  medianSpikeSeconds: number;
  medianSpikeRate: number;
  medianPeriodSeconds: number | undefined;
}

export interface BurstShape {
  rate: number;
  peakRate: number;
  spikeSeconds: number;
  periodSeconds: number;
}

/**
 * The workload's burst from the measured spikes and the busy-hour rate R: peak = the median
 * spike's rate, spike = its median length (at least 1 s), period = the median gap between spike
 * starts (at least spike + 3 s, the schema's ramps), and the rate between spikes chosen so that a
 * period carries R on average: base = (R·P − peak·S) / (P − S), at least 1 % of R.
 */
export function burstShape(stats: BurstStats, busyRate: number): BurstShape | undefined {
  if (stats.spikes < 2 || stats.medianPeriodSeconds === undefined || busyRate <= 0)
    return undefined;
  const spikeSeconds = Math.max(1, Math.round(stats.medianSpikeSeconds));
  const periodSeconds = Math.max(spikeSeconds + 3, Math.round(stats.medianPeriodSeconds));
  const peakRate = Math.max(stats.medianSpikeRate, busyRate);
  const base =
    (busyRate * periodSeconds - peakRate * spikeSeconds) / (periodSeconds - spikeSeconds);
  return {
    rate: Math.max(base, busyRate * 0.01),
    peakRate,
    spikeSeconds,
    periodSeconds,
  };
}

/** Round to 4 significant figures for the files written. */
export function sig4(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(4)) : v;
}
