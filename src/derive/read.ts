// Reads an Odoo database for `workload derive` in one read-only, repeatable-read transaction,
// returning the evidence derive.json keeps and the models are built from.
import type pg from 'pg';
import { TRANSACTION_CLASSES, type TransactionClass } from '../core/classes.js';
import { BadInputError, UnreachableError } from '../core/errors.js';
import { connectPg } from '../core/pg-connect.js';
import type { Secret } from '../core/secret.js';
import {
  arrivalProfile,
  burstShape,
  empirical,
  fitGrowth,
  fitZipf,
  histogramMean,
  histogramQuantile,
  median,
  type ArrivalProfile,
  type Bin,
  type BurstShape,
  type BurstStats,
  type Empirical,
  type GrowthFit,
  type ZipfFit,
} from './fit.js';
import {
  BILLING,
  CARRIER_SPIKES,
  COLUMNS_PRESENT,
  EVENTS,
  NEEDS,
  ORDER_WAVE,
  READS,
  STOCK_MOVES,
  WINDOW,
  hourly,
  monthly,
} from './queries.js';

export interface DeriveOptions {
  pgUrl: Secret;
  /** Window length, whole days (default 90). */
  days: number;
  /** Last day of the window, YYYY-MM-DD (default yesterday, local). */
  until?: string;
  /** IANA time zone for hours of day and days (default UTC). */
  timezone: string;
  /** Whole months before the window's end month for the growth fit (default 12). */
  growthMonths: number;
  /** A peak day carries at least this × the median active day (default 1.5). */
  peakFactor: number;
  /** A carrier spike second carries at least this × the busy-hour mean rate (default 3). */
  spikeFactor: number;
  progress?: (line: string) => void;
}

export interface Window {
  /** First local day, YYYY-MM-DD. */
  start: string;
  /** The day after the last, YYYY-MM-DD. */
  end: string;
  days: number;
  timezone: string;
  growth: { startMonth: string; months: number };
}

export interface Distribution {
  empirical: Empirical;
  mean: number;
  p50: number;
  p95: number;
  max: number;
  observations: number;
}

export interface ClassEvidence {
  derived: boolean;
  /** Why not, when not derived. */
  note?: string;
  arrivals?: ArrivalProfile;
  monthly?: { month: string; count: number }[];
  growth?: GrowthFit;
}

export interface DerivedEvidence {
  schemaVersion: 1;
  derivedAt: string;
  odooVersion: string | undefined;
  window: Window;
  read: { table: string; columns: string[]; why: string }[];
  missing: string[];
  classes: Record<TransactionClass, ClassEvidence>;
  orderWave?: {
    linesPerOrder?: Distribution;
    quantityPerLine?: Distribution;
    productSkew?: ZipfFit;
  };
  stockMoves?: {
    mix: {
      deliveries: number;
      receipts: number;
      internalTransfers: number;
      inventoryAdjustments: number;
    };
    linesPerTransfer?: Distribution;
    quantityPerLine?: Distribution;
    productSkew?: ZipfFit;
  };
  carrierBurst?: {
    method: string;
    spikeThreshold: number;
    stats: BurstStats;
    shape?: BurstShape;
  };
  billing?: {
    method: string;
    invoicesPerBatch?: Distribution;
    ordersPerBatch?: Distribution;
    busiestHourPerMonth: { month: string; invoices: number; batches: number }[];
    postingRate: number;
    batchRate: number;
  };
  timings: { step: string; ms: number; rows: number }[];
}

type Row = Record<string, unknown>;

function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}

function distribution(bins: Bin[]): Distribution | undefined {
  const e = empirical(bins);
  if (!e) return undefined;
  return {
    empirical: e,
    mean: histogramMean(bins),
    p50: histogramQuantile(bins, 0.5),
    p95: histogramQuantile(bins, 0.95),
    max: Math.max(...bins.map((b) => b.value)),
    observations: bins.reduce((s, b) => s + b.count, 0),
  };
}

const bins = (rows: Row[]): Bin[] => rows.map((r) => ({ value: num(r.value), count: num(r.n) }));

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Validates the options a user gives, one line per mistake. */
export function checkOptions(o: DeriveOptions): void {
  if (!Number.isInteger(o.days) || o.days < 7 || o.days > 3660)
    throw new BadInputError(
      `--days: expected a whole number of days from 7 to 3660, got ${o.days}`,
    );
  if (o.until !== undefined && (!DATE.test(o.until) || Number.isNaN(Date.parse(o.until))))
    throw new BadInputError(`--until: expected a date YYYY-MM-DD, got "${o.until}"`);
  if (!Number.isInteger(o.growthMonths) || o.growthMonths < 0 || o.growthMonths > 120)
    throw new BadInputError(`--growth-months: expected 0 to 120, got ${o.growthMonths}`);
  if (!(o.peakFactor > 1))
    throw new BadInputError(`--peak-factor: expected > 1, got ${o.peakFactor}`);
  if (!(o.spikeFactor > 1))
    throw new BadInputError(`--spike-factor: expected > 1, got ${o.spikeFactor}`);
}

export async function deriveEvidence(o: DeriveOptions): Promise<DerivedEvidence> {
  checkOptions(o);
  const progress = o.progress ?? (() => undefined);
  const client = await connectPg(o.pgUrl, 'PostgreSQL (Odoo database)');
  const timings: DerivedEvidence['timings'] = [];
  const query = async (step: string, text: string, params: unknown[]): Promise<Row[]> => {
    const t0 = performance.now();
    const result = await client.query(text, params);
    const ms = Math.round(performance.now() - t0);
    timings.push({ step, ms, rows: result.rowCount ?? 0 });
    progress(`  ${step}: ${ms} ms`);
    return result.rows as Row[];
  };
  try {
    await client.query(`SET application_name = 'odoo-capacity workload derive'`);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return await deriveIn(client, o, query, progress, timings);
  } catch (error) {
    if (error instanceof BadInputError || error instanceof UnreachableError) throw error;
    const e = error as Error & { code?: string };
    if (e.code === '22023' && /time zone/i.test(e.message))
      throw new BadInputError(`--timezone: ${e.message}`, {
        hint: 'Use an IANA name such as Europe/Brussels, or UTC.',
      });
    if (e.code === '42501')
      throw new BadInputError(`PostgreSQL refused a read: ${e.message}`, {
        hint: 'Give the role read access: GRANT pg_read_all_data TO <role>; (PostgreSQL 14+).',
      });
    if (typeof e.code === 'string')
      throw new UnreachableError(`PostgreSQL (Odoo database): ${e.message}`, { cause: error });
    throw error;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

async function deriveIn(
  client: pg.Client,
  o: DeriveOptions,
  query: (step: string, text: string, params: unknown[]) => Promise<Row[]>,
  progress: (line: string) => void,
  timings: DerivedEvidence['timings'],
): Promise<DerivedEvidence> {
  const present = new Set(
    (await client.query(COLUMNS_PRESENT, [READS.map((r) => r.table)])).rows.map(
      (r: Row) => r.col as string,
    ),
  );
  if (!present.has('sale_order.state') && !present.has('account_move.move_type'))
    throw new BadInputError(
      'PGURL: this database has no sale_order or account_move table: not an Odoo database (or the role cannot read them)',
      { hint: 'Point PGURL at the tenant database, with a role in pg_read_all_data.' },
    );
  const wanted = READS.flatMap((r) => r.columns.map((c) => `${r.table}.${c}`));
  const missing = wanted.filter((c) => !present.has(c));
  const can = (part: keyof typeof NEEDS) => NEEDS[part].every((c) => present.has(c));

  // A failed query would abort the transaction: read the version only where it is.
  let odooVersion: string | undefined;
  if (present.has('ir_module_module.latest_version')) {
    const v = await client.query(
      `SELECT latest_version FROM ir_module_module WHERE name = 'base' AND state = 'installed'`,
    );
    odooVersion = (v.rows[0] as Row | undefined)?.latest_version as string | undefined;
  }

  const w = (
    await query('window', WINDOW, [
      o.days,
      o.timezone,
      o.until ?? null,
      Math.max(o.growthMonths, 1),
    ])
  )[0]!;
  const window: Window = {
    start: w.start_day as string,
    end: w.end_day as string,
    days: o.days,
    timezone: o.timezone,
    growth: { startMonth: w.growth_start_month as string, months: o.growthMonths },
  };
  const span = [w.start_utc, w.end_utc];
  const growthSpan = [w.growth_start_utc, w.growth_end_utc];
  progress(
    `window: ${window.start} to ${window.end} (${o.days} days, ${o.timezone}); growth over ${o.growthMonths} whole months from ${window.growth.startMonth}`,
  );

  const classes = {} as Record<TransactionClass, ClassEvidence>;
  for (const c of TRANSACTION_CLASSES) {
    if (!can(c)) {
      classes[c] = {
        derived: false,
        note: `missing columns: ${NEEDS[c].filter((x) => !present.has(x)).join(', ')}`,
      };
      continue;
    }
    progress(`${c}: arrivals by hour`);
    const hours = (await query(`${c} hourly`, hourly(EVENTS[c]), [...span, o.timezone])).map(
      (r) => ({ day: r.day as string, hour: num(r.hour), count: num(r.n) }),
    );
    const arrivals = arrivalProfile(hours, window.start, o.days, o.peakFactor);
    const evidence: ClassEvidence = { derived: arrivals.total > 0, arrivals };
    if (arrivals.total === 0) evidence.note = 'no transactions in the window';
    if (o.growthMonths >= 3) {
      const rows = await query(`${c} monthly`, monthly(EVENTS[c]), [...growthSpan, o.timezone]);
      const byMonth = new Map(rows.map((r) => [r.month as string, num(r.n)]));
      const months = monthList(window.growth.startMonth, o.growthMonths);
      evidence.monthly = months.map((month) => ({ month, count: byMonth.get(month) ?? 0 }));
      evidence.growth = fitGrowth(evidence.monthly.map((m) => m.count));
    }
    classes[c] = evidence;
  }

  const result: DerivedEvidence = {
    schemaVersion: 1,
    derivedAt: new Date().toISOString(),
    odooVersion,
    window,
    read: READS.map((r) => ({
      ...r,
      columns: r.columns.filter((c) => present.has(`${r.table}.${c}`)),
    })),
    missing,
    classes,
    timings,
  };

  const histogramOf = async (step: string, sql: string) =>
    distribution(bins(await query(step, sql, span)));
  const zipfOf = async (step: string, sql: string) => {
    const z = (await query(step, sql, span))[0]!;
    return fitZipf({
      products: num(z.products),
      lines: num(z.lines),
      sumCountLnRank: num(z.s_ln_rank),
    });
  };

  if (can('order-wave')) {
    progress('order-wave: lines per order, quantities, product skew');
    result.orderWave = {
      linesPerOrder: await histogramOf('order-wave lines/order', ORDER_WAVE.linesPerOrder),
      quantityPerLine: await histogramOf('order-wave qty/line', ORDER_WAVE.quantityPerLine),
      productSkew: await zipfOf('order-wave zipf', ORDER_WAVE.zipf),
    };
  }

  if (can('stock-moves')) {
    progress('stock-moves: mix, lines per transfer, quantities, product skew');
    const mixRows = await query('stock-moves mix', STOCK_MOVES.mix, span);
    const kind = (k: string) =>
      mixRows.filter((r) => r.kind === k).reduce((s, r) => s + num(r.n), 0);
    result.stockMoves = {
      mix: {
        deliveries: kind('outgoing'),
        receipts: kind('incoming'),
        internalTransfers: kind('internal'),
        inventoryAdjustments: kind('adjustment'),
      },
      linesPerTransfer: await histogramOf(
        'stock-moves lines/transfer',
        STOCK_MOVES.linesPerTransfer,
      ),
      quantityPerLine: await histogramOf('stock-moves qty/line', STOCK_MOVES.quantityPerLine),
      productSkew: await zipfOf('stock-moves zipf', STOCK_MOVES.zipf),
    };
  }

  const carrier = classes['carrier-burst'];
  if (carrier.arrivals && carrier.arrivals.total > 0) {
    progress('carrier-burst: spikes');
    const busy = carrier.arrivals.busyHour.ratePerSecond;
    const threshold = Math.max(3, Math.ceil(o.spikeFactor * busy));
    const r = (await query('carrier-burst spikes', CARRIER_SPIKES, [...span, threshold]))[0]!;
    const stats: BurstStats = {
      events: num(r.events),
      spikes: num(r.spikes),
      eventsInSpikes: num(r.in_spikes),
      medianSpikeSeconds: num(r.spike_seconds),
      medianSpikeRate: num(r.spike_rate),
      medianPeriodSeconds: r.period === null ? undefined : num(r.period),
    };
    result.carrierBurst = {
      method: `write_date of pickings with a tracking reference (Odoo does not track carrier_tracking_ref in mail, so a later write of the picking moves it), counted per second; a second with at least ${threshold} updates (${o.spikeFactor}× the busy-hour mean rate, 3 at least) is hot; consecutive hot seconds are a spike; peak = median spike rate, spike = median length, period = median gap between spike starts under 1 h; the rate between spikes keeps the busy-hour mean`,
      spikeThreshold: threshold,
      stats,
      shape: burstShape(stats, busy),
    };
  }

  const billing = classes['month-end-billing'];
  if (billing.arrivals && billing.arrivals.total > 0) {
    progress('month-end-billing: batches and posting rate');
    const perMonth = (
      await query('billing busiest hours', BILLING.busiestHourPerMonth, [...span, o.timezone])
    ).map((r) => ({
      month: r.month as string,
      invoices: num(r.invoices),
      batches: num(r.batches),
    }));
    result.billing = {
      method:
        "posted customer invoices (out_invoice) by create_date: a batch is the invoices one transaction created (same create_date and create_uid); the billing window is each month's busiest hour of invoicing, and the rates are the median over months of that hour ÷ 3600 (Odoo keeps no posting time; posting follows invoicing in the same job)",
      invoicesPerBatch: await histogramOf('billing invoices/batch', BILLING.invoicesPerBatch),
      ordersPerBatch: can('ordersPerBatch')
        ? await histogramOf('billing orders/batch', BILLING.ordersPerBatch)
        : undefined,
      busiestHourPerMonth: perMonth,
      postingRate: median(perMonth.map((m) => m.invoices)) / 3600,
      batchRate: median(perMonth.map((m) => m.batches)) / 3600,
    };
  }
  return result;
}

/** `count` months from YYYY-MM. */
export function monthList(start: string, count: number): string[] {
  const [y, m] = start.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 + i, 1));
    return d.toISOString().slice(0, 7);
  });
}
