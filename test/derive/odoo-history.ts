// A known, deterministic history on a real Odoo for `workload derive`: records made through the
// external API, then back-dated through PostgreSQL, so the test knows every rate it must find.
import pg from 'pg';
import type { OdooClient } from '../../src/odoo/client.js';

type Row = Record<string, unknown> & { id: number };

// The window is the 28 whole UTC days ending on the last day of the previous month (each weekday
// 4 times). In it:
// - order-wave: 6 orders each Monday at 10:00-10:25 (the busy hour: 6 an hour), 16 on a
//   campaign Thursday at 14:00-14:45 (the top peak day), and one order on each of 20 other days;
//   60 orders whose lines and quantities cycle through fixed patterns, their products a
//   stratified Zipf (s = 1) over the seeded products; 18, 27 and 40 orders in the three months
//   before (growth ×1.5 a month, 50 %);
// - stock-moves: 32 deliveries, 6 receipts and 4 internal transfers validated, plus the seed's
//   one inventory adjustment per product, back-dated to Wednesdays;
// - carrier-burst: 8 spikes of 2 seconds with 6 updates in each second, 120 s apart, on the
//   second Tuesday from 15:00, and 24 single updates on other days;
// - month-end-billing: 4 invoicing batches of 5 delivered orders on the window's last day from 18:00.
export const WINDOW_DAYS = 28;
export const GROWTH_MONTHS = 4;
export const PRIOR_MONTH_ORDERS = [18, 27, 40];
export const LINES_CYCLE = [1, 1, 2, 1, 3, 2, 1, 6, 1, 2];
export const QTY_CYCLE = [1, 1, 1, 2, 5, 1, 3];
export const RECEIPT_LINES = [1, 2, 3, 1, 2, 3];
export const INTERNAL_LINES = [2, 2, 4, 1];
export const DELIVERIES = 32;
export const BATCHES = 4;
export const BATCH_ORDERS = 5;
export const SPIKES = { count: 8, seconds: 2, perSecond: 6, periodSeconds: 120 };
export const SCATTERED_CARRIER = 24;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A UTC timestamp as Odoo stores it. */
const ts = (day: string, hour: number, minute = 0, second = 0) =>
  `${day} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}`;

export interface History {
  until: string;
  windowStart: string;
  campaignDay: string;
  billingDay: string;
  orders: number;
  /** Expected histograms, value → count. */
  linesPerOrder: Map<number, number>;
  orderQuantities: Map<number, number>;
  transferLines: Map<number, number>;
  mix: {
    deliveries: number;
    receipts: number;
    internalTransfers: number;
    inventoryAdjustments: number;
  };
  monthly: number[];
  carrierBusyDay: string;
}

const add = (m: Map<number, number>, v: number) => m.set(v, (m.get(v) ?? 0) + 1);

/** Stratified Zipf draws: line i takes the rank where the CDF passes (i + 0.5) / n. */
export function zipfRanks(lines: number, products: number, s: number): number[] {
  const w = Array.from({ length: products }, (_, r) => 1 / (r + 1) ** s);
  const total = w.reduce((a, b) => a + b, 0);
  const cdf = w.map((_, r) => w.slice(0, r + 1).reduce((a, b) => a + b, 0) / total);
  const ranks = Array.from({ length: lines }, (_, i) =>
    cdf.findIndex((c) => c >= (i + 0.5) / lines),
  );
  // Interleave so that every order does not take the head product.
  return ranks.map((_, i) => ranks[(i * 37) % lines]!);
}

export function windowOf(now = new Date()): { until: string; start: string; days: string[] } {
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const start = end - WINDOW_DAYS * DAY;
  return {
    until: iso(end - DAY),
    start: iso(start),
    days: Array.from({ length: WINDOW_DAYS }, (_, i) => iso(start + i * DAY)),
  };
}

const dow = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 Sunday

export async function makeHistory(client: OdooClient, pgUrl: string): Promise<History> {
  const { until, start, days } = windowOf();
  const mondays = days.filter((d) => dow(d) === 1);
  const campaignDay = days.filter((d) => dow(d) === 4)[2]!;
  const carrierBusyDay = days.filter((d) => dow(d) === 2)[1]!;
  const billingDay = until;
  const others = days.filter((d) => dow(d) !== 1 && d !== campaignDay).slice(0, 20);

  const products = await client.call<Row[]>(
    'product.product',
    'search_read',
    [[['default_code', '=like', 'OC-P-%']]],
    { kwargs: { fields: ['uom_id'], order: 'default_code' } },
  );
  const partners = await client.call<number[]>('res.partner', 'search', [
    [['ref', '=like', 'OC-C-%']],
  ]);
  if (products.length < 5 || partners.length < 1)
    throw new Error('seed products and customers first');

  // Window orders: [when, lines].
  const windowTimes: string[] = [
    ...mondays.flatMap((d) => Array.from({ length: 6 }, (_, k) => ts(d, 10, 5 * k))),
    ...Array.from({ length: 16 }, (_, k) => ts(campaignDay, 14, 3 * k)),
    ...others.map((d, i) => ts(d, 8 + (i % 8), 30)),
  ];
  const lineCounts = windowTimes.map((_, i) => LINES_CYCLE[i % LINES_CYCLE.length]!);
  const totalLines = lineCounts.reduce((a, b) => a + b, 0);
  const ranks = zipfRanks(totalLines, products.length, 1);
  const linesPerOrder = new Map<number, number>();
  const orderQuantities = new Map<number, number>();
  let li = 0;
  const orderVals = lineCounts.map((n) => {
    add(linesPerOrder, n);
    return {
      partner_id: partners[0],
      order_line: Array.from({ length: n }, () => {
        const qty = QTY_CYCLE[li % QTY_CYCLE.length]!;
        add(orderQuantities, qty);
        const product = products[ranks[li++]!]!;
        return [0, 0, { product_id: product.id, product_uom_qty: qty }];
      }),
    };
  });
  // Earlier months: day 10 of each, one line each.
  const endMonth = new Date(`${until}T00:00:00Z`);
  const priorTimes = PRIOR_MONTH_ORDERS.flatMap((n, m) => {
    const month = new Date(Date.UTC(endMonth.getUTCFullYear(), endMonth.getUTCMonth() - 3 + m, 10));
    return Array.from({ length: n }, (_, k) => ts(iso(month.getTime()), 9 + (k % 8), k % 60));
  });
  const priorVals = priorTimes.map(() => ({
    partner_id: partners[0],
    order_line: [[0, 0, { product_id: products[0]!.id, product_uom_qty: 1 }]],
  }));
  const orderIds = await client.call<number[]>('sale.order', 'create', [
    [...orderVals, ...priorVals],
  ]);
  await client.call('sale.order', 'action_confirm', [orderIds]);
  const windowOrders = orderIds.slice(0, windowTimes.length);

  // Deliveries of the first 32 window orders (products are invoiced on delivery).
  const deliveries = await client.call<number[]>('stock.picking', 'search', [
    [
      ['sale_id', 'in', windowOrders.slice(0, DELIVERIES)],
      ['picking_type_code', '=', 'outgoing'],
    ],
  ]);
  await client.call('stock.picking', 'action_assign', [deliveries]);
  await validate(client, deliveries);

  // Receipts and internal transfers.
  const [warehouse] = await client.call<
    (Row & {
      lot_stock_id: [number, string];
      in_type_id: [number, string];
      int_type_id: [number, string];
    })[]
  >('stock.warehouse', 'search_read', [[]], {
    kwargs: { fields: ['lot_stock_id', 'in_type_id', 'int_type_id'], limit: 1 },
  });
  const stock = warehouse!.lot_stock_id[0];
  const [supplier] = await client.call<number[]>(
    'stock.location',
    'search',
    [[['usage', '=', 'supplier']]],
    {
      kwargs: { limit: 1 },
    },
  );
  const transferLines = new Map<number, number>();
  const transfer = (type: number, from: number, n: number, k: number) => {
    add(transferLines, n);
    return {
      picking_type_id: type,
      location_id: from,
      location_dest_id: stock,
      move_ids: Array.from({ length: n }, (_, j) => {
        const p = products[(k + j) % products.length]!;
        return [
          0,
          0,
          {
            name: 'derive test',
            product_id: p.id,
            product_uom: (p.uom_id as [number, string])[0],
            product_uom_qty: 2 + j,
            location_id: from,
            location_dest_id: stock,
          },
        ];
      }),
    };
  };
  const transfers = await client.call<number[]>('stock.picking', 'create', [
    [
      ...RECEIPT_LINES.map((n, k) => transfer(warehouse!.in_type_id[0], supplier!, n, k)),
      ...INTERNAL_LINES.map((n, k) => transfer(warehouse!.int_type_id[0], stock, n, k)),
    ],
  ]);
  await client.call('stock.picking', 'action_confirm', [transfers]);
  await client.call('stock.picking', 'action_assign', [transfers]);
  await validate(client, transfers);

  // Carrier updates: a tracking reference on the first 120 pickings.
  const tracked = await client.call<number[]>('stock.picking', 'search', [[]], {
    kwargs: { order: 'id' },
  });
  const carrierEvents = SPIKES.count * SPIKES.seconds * SPIKES.perSecond + SCATTERED_CARRIER;
  if (tracked.length < carrierEvents) throw new Error(`only ${tracked.length} pickings to track`);
  await client.call('stock.picking', 'write', [
    tracked.slice(0, carrierEvents),
    { carrier_tracking_ref: 'T' },
  ]);

  // Invoices: 4 batches of 5 delivered window orders, each one wizard call, then posted.
  const batchCreate: string[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const batch = windowOrders.slice(b * BATCH_ORDERS, (b + 1) * BATCH_ORDERS);
    const wizard = await client.call<number>('sale.advance.payment.inv', 'create', [
      { advance_payment_method: 'delivered', sale_order_ids: [[6, 0, batch]] },
    ]);
    await client.executeKw('sale.advance.payment.inv', 'create_invoices', [[wizard]], {
      context: { active_model: 'sale.order', active_ids: batch },
    });
    batchCreate.push(ts(billingDay, 18, 10 * b));
  }
  const invoices = await client.call<number[]>('account.move', 'search', [
    [
      ['move_type', '=', 'out_invoice'],
      ['state', '=', 'draft'],
    ],
  ]);
  await client.call('account.move', 'action_post', [invoices]);

  // Back-dating, in one transaction.
  const db = new pg.Client({ connectionString: pgUrl });
  await db.connect();
  try {
    await db.query('BEGIN');
    const setOrder = async (id: number, when: string) =>
      db.query('UPDATE sale_order SET date_order = $2, create_date = $2 WHERE id = $1', [id, when]);
    for (const [i, id] of orderIds.entries())
      await setOrder(id, [...windowTimes, ...priorTimes][i]!);
    // Done transfers: Wednesdays 11:00 + k minutes; adjustments Wednesday 07:00.
    const wednesdays = days.filter((d) => dow(d) === 3);
    const done = await db.query<{ id: number }>(
      `SELECT id FROM stock_picking WHERE state = 'done' ORDER BY id`,
    );
    for (const [k, r] of done.rows.entries())
      await db.query('UPDATE stock_picking SET date_done = $2 WHERE id = $1', [
        r.id,
        ts(wednesdays[k % 4]!, 11, k),
      ]);
    await db.query(
      `UPDATE stock_move SET date = $1 WHERE is_inventory AND state = 'done' AND picking_id IS NULL`,
      [ts(wednesdays[0]!, 7)],
    );
    // Carrier updates: the spikes, then singles on Sundays and Saturdays at 06:00 + k minutes.
    const times: string[] = [];
    for (let s = 0; s < SPIKES.count; s++)
      for (let sec = 0; sec < SPIKES.seconds; sec++)
        for (let e = 0; e < SPIKES.perSecond; e++) {
          const at = s * SPIKES.periodSeconds + sec;
          times.push(
            `${ts(carrierBusyDay, 15, Math.floor(at / 60), at % 60)}.${String(100000 + e * 150000).slice(0, 6)}`,
          );
        }
    const quiet = days.filter((d) => dow(d) === 0 || dow(d) === 6);
    for (let k = 0; k < SCATTERED_CARRIER; k++) times.push(ts(quiet[k % quiet.length]!, 6, 2 * k));
    for (const [k, id] of tracked.slice(0, carrierEvents).entries())
      await db.query('UPDATE stock_picking SET write_date = $2 WHERE id = $1', [id, times[k]]);
    // Each invoicing batch keeps its own create_date: all of its invoices move together.
    const batches = await db.query<{ create_date: string }>(
      `SELECT create_date::text AS create_date FROM account_move WHERE move_type = 'out_invoice' GROUP BY create_date ORDER BY create_date`,
    );
    if (batches.rows.length !== BATCHES)
      throw new Error(`expected ${BATCHES} invoicing transactions, found ${batches.rows.length}`);
    for (const [b, r] of batches.rows.entries())
      await db.query(
        `UPDATE account_move SET create_date = $2 WHERE move_type = 'out_invoice' AND create_date = $1::timestamp`,
        [r.create_date, batchCreate[b]],
      );
    await db.query('COMMIT');
  } finally {
    await db.end();
  }
  const adjustments = await countAdjustments(pgUrl);
  return {
    until,
    windowStart: start,
    campaignDay,
    billingDay,
    orders: windowTimes.length,
    linesPerOrder,
    orderQuantities,
    transferLines,
    mix: {
      deliveries: deliveries.length,
      receipts: RECEIPT_LINES.length,
      internalTransfers: INTERNAL_LINES.length,
      inventoryAdjustments: adjustments,
    },
    monthly: [...PRIOR_MONTH_ORDERS, windowTimes.length],
    carrierBusyDay,
  };
}

/** Validates reserved pickings; 16.0 first sets the done quantities to the reserved ones. */
async function validate(client: OdooClient, pickings: number[]): Promise<void> {
  const major = Number((await client.version()).server_version_info[0]);
  // It returns None on 16.0: committed, then a fault the outcome records.
  if (major <= 16)
    await client.executeKw('stock.picking', 'action_set_quantities_to_reservation', [pickings]);
  await client.executeKw('stock.picking', 'button_validate', [pickings], {
    context: { skip_backorder: true, skip_sms: true },
  });
}

async function countAdjustments(pgUrl: string): Promise<number> {
  const db = new pg.Client({ connectionString: pgUrl });
  await db.connect();
  try {
    const r = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM stock_move WHERE is_inventory AND state = 'done' AND picking_id IS NULL`,
    );
    return Number(r.rows[0]!.n);
  } finally {
    await db.end();
  }
}
