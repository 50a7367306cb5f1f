// sale.order and sale.order.line behaviour (Odoo 17 sale, sale_stock): computed defaults on
// create, amounts, action_confirm with its procurement (group, outgoing moves, picking,
// reservation inside the same transaction), cancellation, and the deletion rules.
import { since } from '../../contract.js';
import { UserError } from '../../exceptions.js';
import { ensureExist } from '../generic.js';
import type { MethodDef, ModelHooks, Runtime, Vals } from '../model.js';
import { productInfo } from '../product-info.js';
import { nextByCode } from '../sequence.js';
import { confirmMoves, unreserveMoves, recomputePickingStates } from '../stock/moves.js';
import { createInvoicesForOrders } from './invoicing.js';
import {
  recomputeDeliveryStatus,
  recomputeLineAmounts,
  recomputeLineQuantities,
  recomputeOrderAmounts,
} from './status.js';

const NOW = "(now() AT TIME ZONE 'UTC')";
const WAREHOUSE_ID = 1;

interface OrderRow {
  id: number;
  name: string;
  state: string;
  locked: boolean | null;
}

async function loadOrders(rt: Runtime, ids: number[]): Promise<OrderRow[]> {
  await ensureExist(rt, 'sale.order', ids);
  return rt.query<OrderRow>(
    'SELECT id, name, state, locked FROM sale_order WHERE id = ANY($1) ORDER BY id',
    [ids],
  );
}

async function prepareOrder(rt: Runtime, vals: Vals): Promise<Vals> {
  const result = { ...vals };
  if (!result.name || result.name === 'New')
    result.name = (await nextByCode(rt, 'sale.order')) || 'New';
  if (typeof vals.partner_id === 'number') {
    result.partner_invoice_id ??= vals.partner_id;
    result.partner_shipping_id ??= vals.partner_id;
  }
  result.pricelist_id ??= 1;
  result.warehouse_id ??= WAREHOUSE_ID;
  return result;
}

async function orderIdsOfLines(rt: Runtime, lineIds: number[]): Promise<number[]> {
  const rows = await rt.query<{ order_id: number }>(
    'SELECT DISTINCT order_id FROM sale_order_line WHERE id = ANY($1)',
    [lineIds],
  );
  return rows.map((r) => r.order_id);
}

export const orderHooks: ModelHooks = {
  prepareCreate: prepareOrder,
  afterCreate: (rt, ids) => recomputeOrderAmounts(rt, ids),
  async beforeUnlink(rt, ids) {
    const orders = await loadOrders(rt, ids);
    if (orders.some((o) => o.state !== 'draft' && o.state !== 'cancel'))
      throw new UserError(
        'You can not delete a sent quotation or a confirmed sales order. You must first cancel it.',
      );
  },
};

/** A line's defaults from its product and order: description, unit, price, taxes. */
async function prepareLine(rt: Runtime, vals: Vals): Promise<Vals> {
  const result = { ...vals };
  if (typeof vals.order_id === 'number') {
    const [order] = await rt.query<{ partner_id: number; state: string; company_id: number }>(
      'SELECT partner_id, state, company_id FROM sale_order WHERE id = $1',
      [vals.order_id],
    );
    if (order) {
      result.order_partner_id = order.partner_id;
      result.state = order.state;
      result.company_id ??= order.company_id;
    }
  }
  if (typeof vals.product_id === 'number' && !vals.display_type) {
    const product = await productInfo(rt, vals.product_id);
    if (product) {
      result.name ??= product.description_sale
        ? `${product.display}\n${product.description_sale}`
        : product.display;
      result.product_uom ??= product.uom_id;
      if (!('price_unit' in vals)) result.price_unit = product.list_price;
      if (!('tax_id' in vals)) result.tax_id = [[6, 0, product.taxes]];
      result.qty_delivered_method = product.type === 'service' ? 'manual' : 'stock_move';
    }
  }
  return result;
}

const AMOUNT_FIELDS = ['product_uom_qty', 'price_unit', 'discount', 'tax_id', 'product_id'];

export const lineHooks: ModelHooks = {
  prepareCreate: prepareLine,
  async afterCreate(rt, ids) {
    await recomputeLineAmounts(rt, ids);
    const orders = await orderIdsOfLines(rt, ids);
    await recomputeOrderAmounts(rt, orders);
    const confirmed = await rt.query<{ id: number }>(
      "SELECT l.id FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id WHERE l.id = ANY($1) AND o.state = 'sale'",
      [ids],
    );
    if (confirmed.length > 0) {
      await launchStockRule(
        rt,
        confirmed.map((l) => l.id),
      );
      await recomputeLineQuantities(rt, orders);
    }
  },
  async afterWrite(rt, ids, vals) {
    if (AMOUNT_FIELDS.some((f) => f in vals)) {
      await recomputeLineAmounts(rt, ids);
      await recomputeOrderAmounts(rt, await orderIdsOfLines(rt, ids));
    }
    if ('product_uom_qty' in vals) {
      await launchStockRule(rt, ids);
      await recomputeLineQuantities(rt, await orderIdsOfLines(rt, ids));
    }
  },
  async beforeUnlink(rt, ids) {
    const confirmed = await rt.query<{ id: number }>(
      "SELECT id FROM sale_order_line WHERE id = ANY($1) AND state = 'sale' AND display_type IS NULL AND is_downpayment IS NOT TRUE",
      [ids],
    );
    if (confirmed.length > 0)
      throw new UserError(
        "Once a sales order is confirmed, you can't remove one of its lines (we need to track if something gets invoiced or delivered).\n                Set the quantity to 0 instead.",
      );
    return orderIdsOfLines(rt, ids);
  },
  async afterUnlink(rt, _ids, orders) {
    await recomputeOrderAmounts(rt, orders as number[]);
  },
};

/**
 * The origin of an order's moves and deliveries: its name, and on 18.0 its name and customer
 * reference ("S00042 - <client_order_ref>") when it has one.
 */
function procurementOrigin(rt: Runtime, name: string, ref: string | null): string {
  return rt.serie === '18.0' && ref ? `${name} - ${ref}` : name;
}

/**
 * sale_stock's _action_launch_stock_rule: for each line of a confirmed order, the quantity not
 * yet procured becomes an outgoing move from WH/Stock in the order's procurement group; the moves
 * are then confirmed, which assigns the picking and reserves at confirmation.
 */
async function launchStockRule(rt: Runtime, lineIds: number[]): Promise<void> {
  const lines = await rt.query<{
    id: number;
    order_id: number;
    name: string;
    product_id: number;
    product_uom: number;
    missing: number;
    order_name: string;
    client_order_ref: string | null;
    partner_shipping_id: number;
    picking_policy: string;
    group_id: number | null;
    company_id: number;
    lot_stock_id: number;
    out_type_id: number;
    dest: number;
  }>(
    `SELECT l.id, l.order_id, l.name, l.product_id, l.product_uom,
            (l.product_uom_qty - COALESCE((SELECT sum(m.product_uom_qty) FROM stock_move m WHERE m.sale_line_id = l.id AND m.state != 'cancel'), 0))::float8 AS missing,
            o.name AS order_name, o.client_order_ref, o.partner_shipping_id, o.picking_policy, o.procurement_group_id AS group_id, o.company_id,
            w.lot_stock_id, w.out_type_id,
            -- the delivery route's rule ends in Customers (Delivery Orders has no default destination)
            COALESCE(t.default_location_dest_id, (SELECT c.id FROM stock_location c WHERE c.usage = 'customer' AND c.active ORDER BY c.id LIMIT 1)) AS dest
       FROM sale_order_line l
       JOIN sale_order o ON o.id = l.order_id
       JOIN stock_warehouse w ON w.id = COALESCE(o.warehouse_id, ${WAREHOUSE_ID})
       JOIN stock_picking_type t ON t.id = w.out_type_id
       JOIN product_product p ON p.id = l.product_id
       JOIN product_template pt ON pt.id = p.product_tmpl_id
      WHERE l.id = ANY($1) AND o.state = 'sale' AND l.display_type IS NULL AND pt.type IN ('consu', 'product')
      ORDER BY l.order_id, l.sequence, l.id`,
    [lineIds],
  );
  const groups = new Map<number, number>();
  const moves: Vals[] = [];
  for (const line of lines) {
    if (line.missing <= 1e-9) continue;
    let groupId = groups.get(line.order_id) ?? line.group_id;
    if (!groupId) {
      groupId = await rt.create('procurement.group', {
        name: line.order_name,
        move_type: line.picking_policy,
        sale_id: line.order_id,
        partner_id: line.partner_shipping_id,
      });
      await rt.query('UPDATE sale_order SET procurement_group_id = $2 WHERE id = $1', [
        line.order_id,
        groupId,
      ]);
    }
    groups.set(line.order_id, groupId);
    moves.push({
      name: line.name.split('\n')[0],
      product_id: line.product_id,
      product_uom_qty: line.missing,
      product_uom: line.product_uom,
      location_id: line.lot_stock_id,
      location_dest_id: line.dest,
      partner_id: line.partner_shipping_id,
      picking_type_id: line.out_type_id,
      group_id: groupId,
      sale_line_id: line.id,
      origin: procurementOrigin(rt, line.order_name, line.client_order_ref),
      warehouse_id: WAREHOUSE_ID,
      company_id: line.company_id,
      procure_method: 'make_to_stock',
    });
  }
  await confirmMoves(rt, await rt.createMany('stock.move', moves, { internal: true }));
}

/** Why action_confirm refuses these orders, in each series' words, or undefined. */
function confirmationRefusal(
  rt: Runtime,
  orders: { name: string; state: string }[],
): string | undefined {
  // 16 refuses only done and cancelled orders (confirming a confirmed one again is a no-op).
  if (rt.serie === '16.0')
    return orders.some((o) => o.state === 'done' || o.state === 'cancel')
      ? 'It is not allowed to confirm an order in the following states: done, cancel'
      : undefined;
  if (orders.every((o) => o.state === 'draft' || o.state === 'sent')) return undefined;
  return since(rt.serie, 18)
    ? 'Some orders are not in a state requiring confirmation.'
    : `The following orders are not in a state requiring confirmation: ${orders.map((o) => o.name).join(', ')}`;
}

async function actionConfirm(rt: Runtime, ids: number[]): Promise<true> {
  const orders = await loadOrders(rt, ids);
  const refusal = confirmationRefusal(rt, orders);
  if (refusal) throw new UserError(refusal);
  await rt.query(
    `UPDATE sale_order SET state = 'sale', date_order = ${NOW}, write_date = ${NOW}, write_uid = $2 WHERE id = ANY($1)`,
    [ids, rt.uid],
  );
  await rt.query("UPDATE sale_order_line SET state = 'sale' WHERE order_id = ANY($1)", [ids]);
  await actionConfirmInternal(rt, ids);
  return true;
}

/** _action_confirm: the stock rules, then the statuses that depend on them. */
async function actionConfirmInternal(rt: Runtime, ids: number[]): Promise<void> {
  const lines = await rt.query<{ id: number }>(
    'SELECT id FROM sale_order_line WHERE order_id = ANY($1) ORDER BY order_id, sequence, id',
    [ids],
  );
  await launchStockRule(
    rt,
    lines.map((l) => l.id),
  );
  await recomputeLineQuantities(rt, ids);
  await recomputeDeliveryStatus(rt, ids);
}

async function actionCancel(rt: Runtime, ids: number[]): Promise<unknown> {
  const orders = await loadOrders(rt, ids);
  if (orders.some((o) => o.locked))
    throw new UserError('You cannot cancel a locked order. Please unlock it first.');
  if (!rt.context.disable_cancel_warning && orders.some((o) => o.state !== 'draft')) {
    return {
      name: 'Cancel Sales Order',
      type: 'ir.actions.act_window',
      view_mode: 'form',
      res_model: 'sale.order.cancel',
      target: 'new',
      context: { default_order_id: ids[0] },
    };
  }
  const moves = await rt.query<{ id: number; picking_id: number | null }>(
    `SELECT m.id, m.picking_id FROM stock_move m JOIN sale_order_line l ON l.id = m.sale_line_id
      WHERE l.order_id = ANY($1) AND m.state NOT IN ('done', 'cancel')`,
    [ids],
  );
  await unreserveMoves(
    rt,
    moves.map((m) => m.id),
  );
  await rt.query(`UPDATE stock_move SET state = 'cancel', write_date = ${NOW} WHERE id = ANY($1)`, [
    moves.map((m) => m.id),
  ]);
  await recomputePickingStates(
    rt,
    moves.map((m) => m.picking_id).filter((p): p is number => p !== null),
  );
  await rt.query(
    `UPDATE account_move SET state = 'cancel' WHERE state = 'draft' AND id IN (
       SELECT aml.move_id FROM sale_order_line l
         JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = l.id
         JOIN account_move_line aml ON aml.id = rel.invoice_line_id
        WHERE l.order_id = ANY($1))`,
    [ids],
  );
  await rt.query(`UPDATE sale_order SET state = 'cancel', write_date = ${NOW} WHERE id = ANY($1)`, [
    ids,
  ]);
  await rt.query("UPDATE sale_order_line SET state = 'cancel' WHERE order_id = ANY($1)", [ids]);
  await recomputeLineQuantities(rt, ids);
  await recomputeDeliveryStatus(rt, ids);
  return true;
}

const records = (params: string[], run: MethodDef['run']): MethodDef => ({
  api: 'records',
  params,
  run,
});

export const orderMethods: Record<string, MethodDef> = {
  action_confirm: records([], (rt, ids) => actionConfirm(rt, ids)),
  action_cancel: records([], (rt, ids) => actionCancel(rt, ids)),
  action_draft: records([], async (rt, ids) => {
    await loadOrders(rt, ids);
    await rt.query(
      "UPDATE sale_order SET state = 'draft' WHERE id = ANY($1) AND state IN ('cancel', 'sent')",
      [ids],
    );
    await rt.query(
      'UPDATE sale_order_line l SET state = o.state FROM sale_order o WHERE o.id = l.order_id AND o.id = ANY($1)',
      [ids],
    );
    return true;
  }),
  _action_confirm: records([], async (rt, ids) => {
    await actionConfirmInternal(rt, ids);
    return true;
  }),
  _action_launch_stock_rule: records([], async (rt, ids) => {
    await launchStockRule(rt, ids);
    return true;
  }),
  _create_invoices: records(['grouped', 'final', 'date'], async (rt, ids, args) =>
    createInvoicesForOrders(rt, ids, { grouped: Boolean(args.grouped) }),
  ),
};
