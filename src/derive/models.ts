// From derived evidence to a workload and a forecast file (measured parts derived, the rest from
// base files), both validated against their schemas before they are written.
import { TRANSACTION_CLASSES, type TransactionClass } from '../core/classes.js';
import { validate } from '../core/load-yaml.js';
import { forecastSchema, type Forecast } from '../core/models/forecast.js';
import { workloadSchema, type WorkloadModel } from '../core/models/workload.js';
import { sig4 } from './fit.js';
import type { DerivedEvidence } from './read.js';

/** The rate each class's workload and baseline take, transactions per second. */
export function busyRates(e: DerivedEvidence): Partial<Record<TransactionClass, number>> {
  const rates: Partial<Record<TransactionClass, number>> = {};
  for (const c of TRANSACTION_CLASSES) {
    const ev = e.classes[c];
    if (!ev.derived || !ev.arrivals) continue;
    rates[c] =
      c === 'month-end-billing' && e.billing && e.billing.batchRate > 0
        ? e.billing.batchRate
        : ev.arrivals.busyHour.ratePerSecond;
  }
  return rates;
}

function kept(e: DerivedEvidence, c: TransactionClass): string {
  const why = e.classes[c].note;
  return `${c}: not derived${why ? ` (${why})` : ''}, kept from the base workload`;
}

/** VU budgets that keep up with a rate: at least the base's, and 5 s of arrivals at the top rate. */
function vus<T extends { preAllocatedVUs: number; maxVUs: number }>(base: T, topRate: number): T {
  const maxVUs = Math.max(base.maxVUs, Math.ceil(topRate * 5));
  return { ...base, preAllocatedVUs: Math.min(base.preAllocatedVUs, maxVUs), maxVUs };
}

export function deriveWorkload(
  e: DerivedEvidence,
  base: WorkloadModel,
  name: string,
): { workload: WorkloadModel; notes: string[] } {
  const notes: string[] = [];
  const rates = busyRates(e);
  const w = structuredClone(base);
  w.name = name;
  const ow = w.classes['order-wave'];
  if (rates['order-wave']) {
    Object.assign(ow, vus(ow, rates['order-wave']), { rate: sig4(rates['order-wave']) });
    delete ow.stages;
    const o = e.orderWave;
    if (o?.linesPerOrder) ow.payload.linesPerOrder = o.linesPerOrder.empirical;
    if (o?.quantityPerLine) ow.payload.quantityPerLine = o.quantityPerLine.empirical;
    if (o?.productSkew) ow.payload.productSkew = { zipfS: sig4(o.productSkew.s) };
  } else notes.push(kept(e, 'order-wave'));

  const sm = w.classes['stock-moves'];
  if (rates['stock-moves'] && e.stockMoves) {
    Object.assign(sm, vus(sm, rates['stock-moves']), { rate: sig4(rates['stock-moves']) });
    delete sm.stages;
    const s = e.stockMoves;
    const total = Object.values(s.mix).reduce((a, b) => a + b, 0);
    if (total > 0) sm.payload.mix = s.mix;
    if (s.linesPerTransfer) sm.payload.linesPerTransfer = s.linesPerTransfer.empirical;
    if (s.quantityPerLine) sm.payload.quantityPerLine = s.quantityPerLine.empirical;
    if (s.productSkew) sm.payload.productSkew = { zipfS: sig4(s.productSkew.s) };
  } else notes.push(kept(e, 'stock-moves'));

  const cb = w.classes['carrier-burst'];
  const shape = e.carrierBurst?.shape;
  if (rates['carrier-burst']) {
    delete cb.stages;
    if (shape) {
      Object.assign(cb, vus(cb, shape.peakRate), {
        rate: sig4(shape.rate),
        burst: {
          peakRate: sig4(shape.peakRate),
          spikeSeconds: shape.spikeSeconds,
          periodSeconds: shape.periodSeconds,
        },
      });
    } else {
      Object.assign(cb, vus(cb, rates['carrier-burst']), { rate: sig4(rates['carrier-burst']) });
      delete cb.burst;
      notes.push('carrier-burst: fewer than 2 spikes seen, a constant rate without bursts');
    }
  } else notes.push(kept(e, 'carrier-burst'));

  const mb = w.classes['month-end-billing'];
  if (rates['month-end-billing'] && e.billing) {
    Object.assign(mb, vus(mb, rates['month-end-billing']), {
      rate: sig4(rates['month-end-billing']),
    });
    delete mb.stages;
    const perBatch = e.billing.ordersPerBatch ?? e.billing.invoicesPerBatch;
    if (perBatch) mb.payload.batchSize = Math.min(500, Math.max(1, Math.round(perBatch.mean)));
  } else notes.push(kept(e, 'month-end-billing'));

  w.description =
    `Derived from an Odoo ${e.odooVersion ?? ''} database by odoo-capacity workload derive: ` +
    `${e.window.days} days from ${e.window.start} (${e.window.timezone}); rates are each class's ` +
    `time-consistent busy hour (derive.json holds the profiles, fits and methods). ` +
    `Executors and VU budgets come from the base workload.`;
  return { workload: validate(workloadSchema, w, 'derived workload'), notes };
}

/** Peak events for the forecast: the busiest peak days, as yearly events, up to 5. */
function peaks(e: DerivedEvidence): Forecast['peaks'] {
  const byDate = new Map<string, Partial<Record<TransactionClass, number>>>();
  for (const c of TRANSACTION_CLASSES)
    for (const p of e.classes[c].arrivals?.peakDays ?? [])
      if (p.hourFactor > 1.2) {
        const m = byDate.get(p.date) ?? {};
        m[c] = sig4(p.hourFactor);
        byDate.set(p.date, m);
      }
  return [...byDate]
    .sort(
      (a, b) =>
        Math.max(...Object.values(b[1])) - Math.max(...Object.values(a[1])) ||
        a[0].localeCompare(b[0]),
    )
    .slice(0, 5)
    .map(([date, multipliers]) => ({
      name: `Peak seen on ${date}`,
      date: date.slice(5),
      multipliers,
    }));
}

export function deriveForecast(e: DerivedEvidence, base: Forecast): Forecast {
  const rates = busyRates(e);
  const baseline: Forecast['baseline'] = { ...base.baseline };
  for (const [c, r] of Object.entries(rates)) baseline[c as TransactionClass] = sig4(r);
  const growth: Forecast['growthPercentPerMonth'] = { default: base.growthPercentPerMonth.default };
  for (const c of TRANSACTION_CLASSES) {
    const g = e.classes[c].growth;
    if (g) growth[c] = sig4(g.percentPerMonth);
    else if (base.growthPercentPerMonth[c] !== undefined) growth[c] = base.growthPercentPerMonth[c];
  }
  // Hours a month at the busy-hour rates that carry the month's volume.
  const perMonth = TRANSACTION_CLASSES.reduce(
    (s, c) => s + ((e.classes[c].arrivals?.total ?? 0) * 30.44) / e.window.days,
    0,
  );
  const perBusyHour = Object.values(rates).reduce((s, r) => s + r * 3600, 0);
  const busyHoursPerMonth =
    perMonth > 0 && perBusyHour > 0 ? sig4(perMonth / perBusyHour) : base.busyHoursPerMonth;
  const day = new Date(Date.parse(`${e.window.end}T00:00:00Z`) - 86_400_000);
  const forecast = {
    ...base,
    asOf: day.toISOString().slice(0, 10),
    baseline,
    growthPercentPerMonth: growth,
    peaks: peaks(e),
    busyHoursPerMonth,
  };
  return validate(forecastSchema, forecast, 'derived forecast');
}
