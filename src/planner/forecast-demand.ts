// Demand over the forecast horizon (compound monthly growth, peak event multipliers), the peak
// the plan sizes for, and the first date a capacity check fails.
import type { TransactionClass } from '../core/classes.js';
import type { Forecast } from '../core/models/forecast.js';
import type { ForecastPoint, ForecastSummary } from '../core/plan-types.js';

export type Rates = Partial<Record<TransactionClass, number>>;

const DAY_MS = 86_400_000;
const DAYS_PER_MONTH = 365.25 / 12;

function parseDay(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function addMonths(day: string, months: number): string {
  const d = new Date(parseDay(day));
  d.setUTCMonth(d.getUTCMonth() + months);
  return formatDay(d.getTime());
}

export function monthsBetween(from: string, to: string): number {
  return (parseDay(to) - parseDay(from)) / DAY_MS / DAYS_PER_MONTH;
}

export function growthPerMonth(forecast: Forecast, c: TransactionClass): number {
  return (forecast.growthPercentPerMonth[c] ?? forecast.growthPercentPerMonth.default) / 100;
}

/** Baseline rates grown to a date, times the multipliers in force that day. */
export function ratesAt(
  forecast: Forecast,
  asOf: string,
  day: string,
  multipliers: Rates = {},
): Rates {
  const months = Math.max(0, monthsBetween(asOf, day));
  const rates: Rates = {};
  for (const [c, base] of Object.entries(forecast.baseline) as [TransactionClass, number][])
    rates[c] = base * (1 + growthPerMonth(forecast, c)) ** months * (multipliers[c] ?? 1);
  return rates;
}

export function totalRate(rates: Rates): number {
  return Object.values(rates).reduce((s, r) => s + (r ?? 0), 0);
}

/** Every occurrence of each peak within [asOf, asOf + horizon]: yearly ones (MM-DD) repeat. */
export function peakOccurrences(
  forecast: Forecast,
  asOf: string,
): { name: string; date: string; multipliers: Rates }[] {
  const end = addMonths(asOf, forecast.horizonMonths);
  const out: { name: string; date: string; multipliers: Rates }[] = [];
  const year = Number(asOf.slice(0, 4));
  for (const peak of forecast.peaks) {
    const dates =
      peak.date.length === 10
        ? [peak.date]
        : Array.from(
            { length: Math.ceil(forecast.horizonMonths / 12) + 1 },
            (_, i) => `${year + i}-${peak.date}`,
          );
    for (const date of dates)
      if (date >= asOf && date <= end)
        out.push({ name: peak.name, date, multipliers: peak.multipliers });
  }
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

function point(name: string, date: string, rates: Rates): ForecastPoint {
  return { name, date, rates, total: totalRate(rates) };
}

export function forecastDemand(forecast: Forecast, asOf: string): ForecastSummary {
  const end = addMonths(asOf, forecast.horizonMonths);
  const events = [
    ...peakOccurrences(forecast, asOf).map((o) =>
      point(o.name, o.date, ratesAt(forecast, asOf, o.date, o.multipliers)),
    ),
    point('Busy hour at the end of the horizon', end, ratesAt(forecast, asOf, end)),
  ];
  const peak = events.reduce((a, b) => (b.total > a.total ? b : a));
  const peakRates: Rates = {};
  for (const e of events)
    for (const [c, r] of Object.entries(e.rates) as [TransactionClass, number][])
      peakRates[c] = Math.max(peakRates[c] ?? 0, r);
  const growth: Rates = {};
  for (const c of Object.keys(forecast.baseline) as TransactionClass[])
    growth[c] = growthPerMonth(forecast, c);
  return {
    asOf,
    horizonMonths: forecast.horizonMonths,
    baseline: { ...forecast.baseline },
    growthPerMonth: growth,
    events,
    peak,
    peakRates,
  };
}

/**
 * The first day within the horizon on which `fits(rates)` fails: event days are checked
 * exactly; between them growth is monotone, so the ordinary busy hour is bisected by day.
 * Null when everything fits.
 */
export function runsOutOn(
  forecast: Forecast,
  asOf: string,
  fits: (rates: Rates) => boolean,
): { date: string; event: string | null } | null {
  const endMs = parseDay(addMonths(asOf, forecast.horizonMonths));
  const ordinary = (ms: number) => fits(ratesAt(forecast, asOf, formatDay(ms)));
  let growthDay: number | null = null;
  if (!ordinary(parseDay(asOf))) growthDay = parseDay(asOf);
  else if (!ordinary(endMs)) {
    let lo = parseDay(asOf);
    let hi = endMs;
    while (hi - lo > DAY_MS) {
      const mid = lo + Math.floor((hi - lo) / DAY_MS / 2) * DAY_MS;
      if (ordinary(mid)) lo = mid;
      else hi = mid;
    }
    growthDay = hi;
  }
  const event = peakOccurrences(forecast, asOf).find(
    (o) => !fits(ratesAt(forecast, asOf, o.date, o.multipliers)),
  );
  const eventDay = event ? parseDay(event.date) : null;
  if (growthDay === null && eventDay === null) return null;
  if (eventDay !== null && (growthDay === null || eventDay <= growthDay))
    return { date: event!.date, event: event!.name };
  return { date: formatDay(growthDay!), event: null };
}
