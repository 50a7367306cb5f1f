// Forecast demand: compound growth, yearly and one-off peaks within the horizon, the sizing peak,
// and the day today's capacity runs out.
import { describe, expect, it } from 'vitest';
import { forecastSchema } from '../../src/core/models/forecast.js';
import {
  forecastDemand,
  monthsBetween,
  peakOccurrences,
  ratesAt,
  runsOutOn,
  totalRate,
} from '../../src/planner/forecast-demand.js';

const forecast = forecastSchema.parse({
  schemaVersion: 1,
  horizonMonths: 12,
  baseline: { 'order-wave': 10, 'month-end-billing': 1 },
  growthPercentPerMonth: { default: 0, 'order-wave': 3 },
  peaks: [
    { name: 'Black Friday', date: '11-28', multipliers: { 'order-wave': 3 } },
    { name: 'Launch', date: '2026-09-01', multipliers: { 'order-wave': 10 } },
    { name: 'Year end', date: '12-31', multipliers: { 'month-end-billing': 5 } },
  ],
});
const asOf = '2025-03-01';

describe('forecast demand', () => {
  it('grows each class at its compound monthly rate', () => {
    const months = monthsBetween(asOf, '2026-03-01');
    expect(months).toBeCloseTo(12, 1);
    const r = ratesAt(forecast, asOf, '2026-03-01');
    expect(r['order-wave']).toBeCloseTo(10 * 1.03 ** months, 9);
    expect(r['month-end-billing']).toBe(1);
  });

  it('repeats yearly peaks and drops one-off peaks beyond the horizon', () => {
    const names = peakOccurrences(forecast, asOf).map((o) => `${o.name} ${o.date}`);
    expect(names).toEqual(['Black Friday 2025-11-28', 'Year end 2025-12-31']);
    // A plan made in December sees next year's Black Friday, not last year's.
    const december = peakOccurrences(forecast, '2025-12-15').map((o) => o.date);
    expect(december).toEqual(['2025-12-31', '2026-09-01', '2026-11-28']);
  });

  it('sizes for the largest event, and per class for its own worst day', () => {
    const f = forecastDemand(forecast, asOf);
    expect(f.peak.name).toBe('Black Friday');
    expect(f.peak.rates['order-wave']).toBeCloseTo(
      30 * 1.03 ** monthsBetween(asOf, '2025-11-28'),
      9,
    );
    expect(f.peakRates['month-end-billing']).toBe(5);
    expect(f.events.at(-1)!.name).toMatch(/end of the horizon/);
  });

  it('finds the day ordinary growth outruns today’s capacity', () => {
    const noPeaks = forecastSchema.parse({ ...forecast, peaks: [] });
    const out = runsOutOn(noPeaks, asOf, (rates) => totalRate(rates) <= 13);
    // 10 · 1.03^m + 1 = 13  →  m = ln(1.2)/ln(1.03) months after asOf.
    const m = Math.log(1.2) / Math.log(1.03);
    const expected = new Date(Date.parse(`${asOf}T00:00:00Z`) + m * (365.25 / 12) * 86_400_000);
    const days = Math.abs(Date.parse(`${out!.date}T00:00:00Z`) - expected.getTime()) / 86_400_000;
    expect(days).toBeLessThanOrEqual(1);
    expect(out!.event).toBeNull();
  });

  it('names the peak event when it breaks capacity before growth does', () => {
    const out = runsOutOn(forecast, asOf, (rates) => totalRate(rates) <= 20);
    expect(out).toEqual({ date: '2025-11-28', event: 'Black Friday' });
  });

  it('returns no date when the capacity lasts the horizon', () => {
    expect(runsOutOn(forecast, asOf, () => true)).toBeNull();
  });

  it('runs out today when today’s busy hour already does not fit', () => {
    expect(runsOutOn(forecast, asOf, () => false)?.date).toBe(asOf);
  });
});
