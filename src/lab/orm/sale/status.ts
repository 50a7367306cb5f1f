// The stored computed fields of sales orders and lines, recomputed in SQL when what they depend
// on changes: line amounts (15% tax per line, rounded to the cent as Odoo's round_per_line),
// order totals, delivered and invoiced quantities, invoice status and 17's delivery status.
import type { Runtime } from '../model.js';

export async function recomputeLineAmounts(rt: Runtime, lineIds: number[]): Promise<void> {
  if (lineIds.length === 0) return;
  await rt.query(
    `UPDATE sale_order_line l
        SET price_subtotal = x.subtotal, price_tax = x.tax, price_total = x.subtotal + x.tax
       FROM (
         SELECT l2.id,
                round((l2.product_uom_qty * l2.price_unit * (1 - COALESCE(l2.discount, 0) / 100))::numeric, 2) AS subtotal,
                round((l2.product_uom_qty * l2.price_unit * (1 - COALESCE(l2.discount, 0) / 100)
                       * COALESCE((SELECT sum(t.amount) FROM account_tax_sale_order_line_rel r
                                     JOIN account_tax t ON t.id = r.account_tax_id
                                    WHERE r.sale_order_line_id = l2.id AND t.amount_type = 'percent'), 0) / 100)::numeric, 2) AS tax
           FROM sale_order_line l2 WHERE l2.id = ANY($1)
       ) x
      WHERE l.id = x.id`,
    [lineIds],
  );
}

export async function recomputeOrderAmounts(rt: Runtime, orderIds: number[]): Promise<void> {
  if (orderIds.length === 0) return;
  await rt.query(
    `UPDATE sale_order o
        SET amount_untaxed = COALESCE((SELECT sum(price_subtotal) FROM sale_order_line l WHERE l.order_id = o.id), 0),
            amount_tax = COALESCE((SELECT sum(price_tax) FROM sale_order_line l WHERE l.order_id = o.id), 0),
            amount_total = COALESCE((SELECT sum(price_total) FROM sale_order_line l WHERE l.order_id = o.id), 0)
      WHERE o.id = ANY($1)`,
    [orderIds],
  );
}

/**
 * Delivered and invoiced quantities of lines, then their invoice status and their orders':
 * qty_delivered from done moves to customers (minus returns), qty_invoiced from invoice lines of
 * non-cancelled invoices (drafts count, as in Odoo), qty_to_invoice by the invoicing policy.
 */
export async function recomputeLineQuantities(rt: Runtime, orderIds: number[]): Promise<void> {
  if (orderIds.length === 0) return;
  await rt.query(
    `UPDATE sale_order_line l
        SET qty_delivered = CASE WHEN l.qty_delivered_method = 'stock_move' THEN COALESCE((
              SELECT sum(CASE WHEN dest.usage = 'customer' THEN m.quantity ELSE -m.quantity END)
                FROM stock_move m
                JOIN stock_location dest ON dest.id = m.location_dest_id
                JOIN stock_location src ON src.id = m.location_id
               WHERE m.sale_line_id = l.id AND m.state = 'done'
                 AND (dest.usage = 'customer') != (src.usage = 'customer')), 0) ELSE l.qty_delivered END,
            qty_invoiced = COALESCE((
              SELECT sum(CASE WHEN am.move_type = 'out_refund' THEN -aml.quantity ELSE aml.quantity END)
                FROM sale_order_line_invoice_rel rel
                JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                JOIN account_move am ON am.id = aml.move_id
               WHERE rel.order_line_id = l.id AND am.state != 'cancel'), 0)
      WHERE l.order_id = ANY($1)`,
    [orderIds],
  );
  await rt.query(
    `UPDATE sale_order_line l
        SET qty_to_invoice = CASE WHEN l.state IN ('sale', 'done') AND l.display_type IS NULL
                                  THEN (CASE WHEN pt.invoice_policy = 'delivery' THEN l.qty_delivered ELSE l.product_uom_qty END) - l.qty_invoiced
                                  ELSE 0 END
       FROM product_product p JOIN product_template pt ON pt.id = p.product_tmpl_id
      WHERE p.id = l.product_id AND l.order_id = ANY($1)`,
    [orderIds],
  );
  await rt.query(
    `UPDATE sale_order_line l
        SET invoice_status = CASE
              WHEN l.state NOT IN ('sale', 'done') THEN 'no'
              WHEN round(l.qty_to_invoice::numeric, 4) != 0 THEN 'to invoice'
              WHEN l.state = 'sale' AND pt.invoice_policy = 'order' AND l.product_uom_qty >= 0
                   AND l.qty_delivered > l.product_uom_qty THEN 'upselling'
              WHEN l.qty_invoiced >= l.product_uom_qty THEN 'invoiced'
              ELSE 'no' END
       FROM product_product p JOIN product_template pt ON pt.id = p.product_tmpl_id
      WHERE p.id = l.product_id AND l.order_id = ANY($1)`,
    [orderIds],
  );
  await rt.query(
    `UPDATE sale_order o
        SET invoice_status = s.status
       FROM (
         SELECT o2.id, CASE
              WHEN o2.state NOT IN ('sale', 'done') THEN 'no'
              WHEN bool_or(l.invoice_status = 'to invoice') THEN 'to invoice'
              WHEN count(l.id) > 0 AND bool_and(l.invoice_status = 'invoiced') THEN 'invoiced'
              WHEN count(l.id) > 0 AND bool_and(l.invoice_status IN ('invoiced', 'upselling')) THEN 'upselling'
              ELSE 'no' END AS status
           FROM sale_order o2
           LEFT JOIN sale_order_line l ON l.order_id = o2.id AND l.display_type IS NULL AND l.is_downpayment IS NOT TRUE
          WHERE o2.id = ANY($1)
          GROUP BY o2.id, o2.state
       ) s
      WHERE o.id = s.id`,
    [orderIds],
  );
}

/** 17's delivery_status from the order's pickings. */
export async function recomputeDeliveryStatus(rt: Runtime, orderIds: number[]): Promise<void> {
  if (orderIds.length === 0) return;
  await rt.query(
    `UPDATE sale_order o
        SET delivery_status = s.status,
            effective_date = COALESCE(o.effective_date, s.first_done)
       FROM (
         SELECT o2.id,
                CASE WHEN count(p.id) = 0 OR bool_and(p.state = 'cancel') THEN NULL
                     WHEN bool_and(p.state IN ('done', 'cancel')) THEN 'full'
                     WHEN bool_or(p.state = 'done') THEN 'partial'
                     ELSE 'pending' END AS status,
                min(p.date_done) AS first_done
           FROM sale_order o2 LEFT JOIN stock_picking p ON p.sale_id = o2.id
          WHERE o2.id = ANY($1)
          GROUP BY o2.id
       ) s
      WHERE o.id = s.id`,
    [orderIds],
  );
}

/** After moves change state: the sales lines they serve get their quantities and statuses. */
export async function refreshSaleLinesFromMoves(rt: Runtime, moveIds: number[]): Promise<void> {
  if (moveIds.length === 0) return;
  const rows = await rt.query<{ order_id: number }>(
    `SELECT DISTINCT l.order_id FROM stock_move m JOIN sale_order_line l ON l.id = m.sale_line_id WHERE m.id = ANY($1)`,
    [moveIds],
  );
  const orders = rows.map((r) => r.order_id);
  await recomputeLineQuantities(rt, orders);
  await recomputeDeliveryStatus(rt, orders);
}
