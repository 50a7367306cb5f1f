// The SQL `workload derive` runs against an Odoo 16.0–18.0 database: READS, printed before it
// starts, and aggregate queries only; no name, reference or amount leaves the database.
import type { TransactionClass } from '../core/classes.js';

export interface TableRead {
  table: string;
  columns: string[];
  why: string;
}

export const READS: readonly TableRead[] = [
  {
    table: 'sale_order',
    columns: ['id', 'state', 'date_order'],
    why: 'order-wave arrivals (confirmed orders at date_order)',
  },
  {
    table: 'sale_order_line',
    columns: ['id', 'order_id', 'product_id', 'product_uom_qty', 'display_type', 'is_downpayment'],
    why: 'lines per order, quantity per line, product skew (product ids counted, never named)',
  },
  {
    table: 'stock_picking',
    columns: ['id', 'state', 'date_done', 'picking_type_id', 'carrier_tracking_ref', 'write_date'],
    why: 'stock-moves arrivals (done transfers at date_done); carrier-burst (write_date of pickings with a tracking reference; the reference is only tested for presence)',
  },
  { table: 'stock_picking_type', columns: ['id', 'code'], why: 'receipt, delivery or internal' },
  {
    table: 'stock_move',
    columns: ['picking_id', 'product_id', 'product_uom_qty', 'state', 'is_inventory', 'date'],
    why: 'inventory adjustments, lines per transfer, quantities, product skew',
  },
  {
    table: 'account_move',
    columns: ['id', 'move_type', 'state', 'create_date', 'create_uid'],
    why: 'month-end-billing: posted customer invoices; one batch = the invoices created in one transaction (same create_date and create_uid)',
  },
  {
    table: 'account_move_line',
    columns: ['id', 'move_id'],
    why: 'orders per invoicing batch',
  },
  {
    table: 'sale_order_line_invoice_rel',
    columns: ['invoice_line_id', 'order_line_id'],
    why: 'orders per invoicing batch',
  },
  {
    table: 'ir_module_module',
    columns: ['name', 'state', 'latest_version'],
    why: "the Odoo version (the row of the module 'base')",
  },
];

/** The columns each part of the derivation needs; a part whose columns are missing is skipped. */
export const NEEDS: Record<TransactionClass | 'ordersPerBatch', readonly string[]> = {
  'order-wave': [
    'sale_order.state',
    'sale_order.date_order',
    'sale_order_line.order_id',
    'sale_order_line.product_id',
    'sale_order_line.product_uom_qty',
    'sale_order_line.display_type',
    'sale_order_line.is_downpayment',
  ],
  'stock-moves': [
    'stock_picking.state',
    'stock_picking.date_done',
    'stock_picking.picking_type_id',
    'stock_picking_type.code',
    'stock_move.picking_id',
    'stock_move.product_id',
    'stock_move.product_uom_qty',
    'stock_move.state',
    'stock_move.is_inventory',
    'stock_move.date',
  ],
  'carrier-burst': ['stock_picking.carrier_tracking_ref', 'stock_picking.write_date'],
  'month-end-billing': [
    'account_move.move_type',
    'account_move.state',
    'account_move.create_date',
    'account_move.create_uid',
  ],
  ordersPerBatch: [
    'account_move_line.move_id',
    'sale_order_line_invoice_rel.invoice_line_id',
    'sale_order_line_invoice_rel.order_line_id',
  ],
};

export const COLUMNS_PRESENT = `
  SELECT table_name || '.' || column_name AS col
    FROM information_schema.columns
   WHERE table_schema = ANY (current_schemas(false)) AND table_name = ANY ($1::text[])`;

// Odoo stores datetimes as UTC `timestamp without time zone`; local time is
// (t AT TIME ZONE 'UTC') AT TIME ZONE <timezone>.
/**
 * The window as whole local days ending before `until` + 1 day (default: today, local), and the
 * growth window: the whole months before the window's end month. $1 days, $2 timezone,
 * $3 until (date or null), $4 growth months.
 */
export const WINDOW = `
  SELECT to_char(e - make_interval(days => $1::int), 'YYYY-MM-DD') AS start_day,
         to_char(e, 'YYYY-MM-DD') AS end_day,
         to_char(((e - make_interval(days => $1::int)) AT TIME ZONE $2) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS start_utc,
         to_char((e AT TIME ZONE $2) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS end_utc,
         to_char(((date_trunc('month', e) - make_interval(months => $4::int)) AT TIME ZONE $2) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS growth_start_utc,
         to_char((date_trunc('month', e) AT TIME ZONE $2) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS growth_end_utc,
         to_char(date_trunc('month', e) - make_interval(months => $4::int), 'YYYY-MM') AS growth_start_month
    FROM (SELECT COALESCE($3::date + 1, date_trunc('day', now() AT TIME ZONE $2))::timestamp AS e) w`;

const CONFIRMED = `state IN ('sale', 'done')`;
const IN_WINDOW = (col: string) => `${col} >= $1::timestamp AND ${col} < $2::timestamp`;
const INVOICES = `move_type = 'out_invoice' AND state = 'posted' AND ${IN_WINDOW('create_date')}`;

/** Each class's transactions as timestamps `t` (UTC) between $1 and $2. */
export const EVENTS: Record<TransactionClass, string> = {
  'order-wave': `SELECT date_order AS t FROM sale_order WHERE ${CONFIRMED} AND ${IN_WINDOW('date_order')}`,
  'stock-moves': `SELECT date_done AS t FROM stock_picking WHERE state = 'done' AND ${IN_WINDOW('date_done')}
    UNION ALL
    SELECT date AS t FROM stock_move WHERE is_inventory AND state = 'done' AND picking_id IS NULL AND ${IN_WINDOW('date')}`,
  'carrier-burst': `SELECT write_date AS t FROM stock_picking
    WHERE carrier_tracking_ref IS NOT NULL AND carrier_tracking_ref <> '' AND ${IN_WINDOW('write_date')}`,
  'month-end-billing': `SELECT create_date AS t FROM account_move WHERE ${INVOICES} GROUP BY create_date, create_uid`,
};

const LOCAL = `((t AT TIME ZONE 'UTC') AT TIME ZONE $3)`;

/** Transactions per local hour: day, hour, n. $1 $2 window (UTC), $3 timezone. */
export const hourly = (events: string) => `
  SELECT to_char(lt, 'YYYY-MM-DD') AS day, extract(hour FROM lt)::int AS hour, count(*)::bigint AS n
    FROM (SELECT ${LOCAL} AS lt FROM (${events}) e) x
   GROUP BY 1, 2`;

/** Transactions per local month: month, n. $1 $2 growth window (UTC), $3 timezone. */
export const monthly = (events: string) => `
  SELECT to_char(${LOCAL}, 'YYYY-MM') AS month, count(*)::bigint AS n
    FROM (${events}) e GROUP BY 1`;

/**
 * A histogram query: value, n. Values above 100 fall into quarter-octave bins (their value
 * 2^(k/4), rounded), so a histogram is at most about 180 rows whatever the data.
 */
const histogram = (perItem: string) => `
  SELECT CASE WHEN v <= 100 THEN v ELSE round(2 ^ (round(log(2, v::numeric) * 4) / 4))::bigint END AS value,
         count(*)::bigint AS n
    FROM (SELECT value::bigint AS v FROM (${perItem}) h) x GROUP BY 1`;

const ORDER_LINES = `
  SELECT l.product_id, l.product_uom_qty, l.order_id
    FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id
   WHERE o.${CONFIRMED} AND ${IN_WINDOW('o.date_order')}
     AND l.display_type IS NULL AND l.product_id IS NOT NULL AND NOT COALESCE(l.is_downpayment, false)`;

const TRANSFER_LINES = `
  SELECT m.product_id, m.product_uom_qty, m.picking_id
    FROM stock_move m
    JOIN stock_picking p ON p.id = m.picking_id
    JOIN stock_picking_type pt ON pt.id = p.picking_type_id
   WHERE p.state = 'done' AND ${IN_WINDOW('p.date_done')} AND pt.code IN ('incoming', 'internal')
     AND m.state = 'done'`;

/** Quantities rounded up to whole units, 1 at least, 10^6 at most. */
const units = (col: string) => `LEAST(GREATEST(ceil(${col}), 1), 1000000)`;

/** Sufficient statistics of the Zipf fit: products, lines, Σ count·ln(rank). */
const zipf = (lines: string) => `
  SELECT count(*)::bigint AS products, COALESCE(sum(n), 0)::bigint AS lines,
         COALESCE(sum(n * ln(rk)), 0)::float8 AS s_ln_rank
    FROM (SELECT n, row_number() OVER (ORDER BY n DESC) AS rk
            FROM (SELECT product_id, count(*) AS n FROM (${lines}) l GROUP BY product_id) c) r`;

export const ORDER_WAVE = {
  linesPerOrder: histogram(`SELECT count(*) AS value FROM (${ORDER_LINES}) l GROUP BY order_id`),
  quantityPerLine: histogram(`SELECT ${units('product_uom_qty')} AS value FROM (${ORDER_LINES}) l`),
  zipf: zipf(ORDER_LINES),
};

export const STOCK_MOVES = {
  mix: `
    SELECT pt.code AS kind, count(*)::bigint AS n
      FROM stock_picking p JOIN stock_picking_type pt ON pt.id = p.picking_type_id
     WHERE p.state = 'done' AND ${IN_WINDOW('p.date_done')}
     GROUP BY 1
    UNION ALL
    SELECT 'adjustment', count(*)::bigint FROM stock_move
     WHERE is_inventory AND state = 'done' AND picking_id IS NULL AND ${IN_WINDOW('date')}`,
  linesPerTransfer: histogram(
    `SELECT count(*) AS value FROM (${TRANSFER_LINES}) l GROUP BY picking_id`,
  ),
  quantityPerLine: histogram(
    `SELECT ${units('product_uom_qty')} AS value FROM (${TRANSFER_LINES}) l`,
  ),
  zipf: zipf(TRANSFER_LINES),
};

/**
 * Carrier spikes: seconds carrying at least $3 updates are hot; runs of consecutive hot seconds
 * are spikes (gaps and islands). Returns the update count, the spikes, the updates inside them,
 * the median spike length (s) and rate (/s), and the median gap between spike starts under 1 h.
 */
export const CARRIER_SPIKES = `
  WITH ev AS (${EVENTS['carrier-burst']}),
  sec AS (SELECT date_trunc('second', t) AS s, count(*) AS n FROM ev GROUP BY 1),
  hot AS (SELECT s, n, s - make_interval(secs => row_number() OVER (ORDER BY s)) AS grp
            FROM sec WHERE n >= $3),
  sp AS (SELECT min(s) AS t0, count(*) AS secs, sum(n) AS n FROM hot GROUP BY grp),
  gaps AS (SELECT extract(epoch FROM t0 - lag(t0) OVER (ORDER BY t0))::float8 AS gap FROM sp)
  SELECT (SELECT COALESCE(sum(n), 0) FROM sec)::bigint AS events,
         (SELECT count(*) FROM sp)::bigint AS spikes,
         (SELECT COALESCE(sum(n), 0) FROM sp)::bigint AS in_spikes,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) FROM sp)::float8 AS spike_seconds,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n::float8 / secs) FROM sp)::float8 AS spike_rate,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) FROM gaps WHERE gap < 3600)::float8 AS period`;

const BATCHES = `SELECT create_date, create_uid, count(*) AS invoices FROM account_move WHERE ${INVOICES} GROUP BY 1, 2`;

export const BILLING = {
  invoicesPerBatch: histogram(`SELECT invoices AS value FROM (${BATCHES}) b`),
  ordersPerBatch: histogram(`
    SELECT count(DISTINCT sol.order_id) AS value
      FROM account_move am
      JOIN account_move_line aml ON aml.move_id = am.id
      JOIN sale_order_line_invoice_rel r ON r.invoice_line_id = aml.id
      JOIN sale_order_line sol ON sol.id = r.order_line_id
     WHERE am.move_type = 'out_invoice' AND am.state = 'posted' AND ${IN_WINDOW('am.create_date')}
     GROUP BY am.create_date, am.create_uid`),
  /** Per local month, its busiest hour of invoicing: invoices and batches in it. $3 timezone. */
  busiestHourPerMonth: `
    SELECT DISTINCT ON (month) month, invoices, batches FROM (
      SELECT to_char(lt, 'YYYY-MM') AS month, date_trunc('hour', lt) AS hr,
             sum(invoices)::bigint AS invoices, count(*)::bigint AS batches
        FROM (SELECT ((create_date AT TIME ZONE 'UTC') AT TIME ZONE $3) AS lt, invoices
                FROM (${BATCHES}) b) x
       GROUP BY 1, 2) h
    ORDER BY month, invoices DESC, hr`,
};
