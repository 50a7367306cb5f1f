// Invoicing sales orders as Odoo 17 does it (sale.order._create_invoices and the
// sale.advance.payment.inv wizard): one draft customer invoice per partner, currency and company
// when billing is consolidated (17's default), lines for what is to invoice by each product's
// policy, linked to the order lines through sale_order_line_invoice_rel.
import { UserError } from '../../exceptions.js';
import { ensureExist } from '../generic.js';
import type { MethodDef, Vals } from '../model.js';
import type { Runtime } from '../runtime.js';
import { recomputeLineQuantities } from './status.js';

export const NOTHING_TO_INVOICE =
  'Cannot create an invoice. No items are available to invoice.\n\n' +
  'To resolve this issue, please ensure that:\n' +
  '   \u2022 The products have been delivered before attempting to invoice them.\n' +
  '   \u2022 The invoicing policy of the product is configured correctly.\n\n' +
  'If you want to invoice based on ordered quantities instead:\n' +
  "   \u2022 For consumable or storable products, open the product, go to the 'General Information' tab and change the 'Invoicing Policy' from 'Delivered Quantities' to 'Ordered Quantities'.\n" +
  "   \u2022 For services (and other products), change the 'Invoicing Policy' to 'Prepaid/Fixed Price'.\n";

interface InvoiceableLine {
  id: number;
  order_id: number;
  order_name: string;
  client_order_ref: string | null;
  partner_invoice_id: number;
  currency_id: number;
  company_id: number;
  user_id: number | null;
  name: string;
  product_id: number;
  product_uom: number;
  qty: number;
  price_unit: number;
  discount: number;
  sequence: number;
  taxes: number[] | null;
}

/** Creates the draft invoices of the orders and returns their ids. */
export async function createInvoicesForOrders(
  rt: Runtime,
  orderIds: number[],
  options: { grouped: boolean },
): Promise<number[]> {
  await ensureExist(rt, 'sale.order', orderIds);
  const lines = await rt.query<InvoiceableLine>(
    `SELECT l.id, l.order_id, o.name AS order_name, o.client_order_ref, o.partner_invoice_id, o.currency_id, o.company_id, o.user_id,
            l.name, l.product_id, l.product_uom, l.qty_to_invoice::float8 AS qty, l.price_unit::float8 AS price_unit,
            COALESCE(l.discount, 0)::float8 AS discount, l.sequence,
            (SELECT array_agg(r.account_tax_id ORDER BY r.account_tax_id) FROM account_tax_sale_order_line_rel r WHERE r.sale_order_line_id = l.id) AS taxes
       FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id
      WHERE l.order_id = ANY($1) AND o.state IN ('sale', 'done') AND l.display_type IS NULL
        AND round(l.qty_to_invoice::numeric, 4) != 0
      ORDER BY o.id, l.sequence, l.id`,
    [orderIds],
  );
  if (lines.length === 0) throw new UserError(NOTHING_TO_INVOICE);
  const [journal] = await rt.query<{ id: number }>(
    "SELECT id FROM account_journal WHERE type = 'sale' AND company_id = 1 AND active ORDER BY sequence, id LIMIT 1",
  );
  const groups = new Map<string, InvoiceableLine[]>();
  for (const line of lines) {
    const key = options.grouped
      ? `order:${line.order_id}`
      : `${line.company_id}/${line.partner_invoice_id}/${line.currency_id}`;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  const invoiceIds: number[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const origins = [...new Set(group.map((l) => l.order_name))];
    const refs = [...new Set(group.map((l) => l.client_order_ref).filter((r): r is string => !!r))];
    const vals: Vals = {
      move_type: 'out_invoice',
      journal_id: journal!.id,
      partner_id: first.partner_invoice_id,
      currency_id: first.currency_id,
      company_id: first.company_id,
      invoice_user_id: first.user_id ?? rt.uid,
      invoice_origin: origins.join(', '),
      ref: refs.length > 0 ? refs.join(', ') : false,
      invoice_line_ids: group.map((line) => [
        0,
        0,
        {
          display_type: 'product',
          sequence: line.sequence,
          name: line.name,
          product_id: line.product_id,
          product_uom_id: line.product_uom,
          quantity: line.qty,
          price_unit: line.price_unit,
          discount: line.discount,
          tax_ids: [[6, 0, line.taxes ?? []]],
          sale_line_ids: [[4, line.id]],
        },
      ]),
    };
    invoiceIds.push(await rt.create('account.move', vals));
  }
  await recomputeLineQuantities(rt, orderIds);
  return invoiceIds;
}

interface WizardRow {
  sale_order_ids: number[];
  advance_payment_method: string;
  consolidated: boolean;
}

async function wizardOrders(rt: Runtime, ids: number[]): Promise<WizardRow[]> {
  const rows = await rt.read('sale.advance.payment.inv', ids, [
    'sale_order_ids',
    'advance_payment_method',
  ]);
  // consolidated_billing is 17+; 16 always groups by partner, which is the same as True.
  const consolidated = await rt.query<{ id: number; consolidated: boolean | null }>(
    'SELECT id, consolidated_billing AS consolidated FROM sale_advance_payment_inv WHERE id = ANY($1)',
    [ids],
  );
  return rows.map((row) => ({
    sale_order_ids: row.sale_order_ids as number[],
    advance_payment_method: row.advance_payment_method as string,
    consolidated: consolidated.find((c) => c.id === row.id)?.consolidated !== false,
  }));
}

/**
 * sale.order.action_view_invoice as Odoo 17 builds it. Its context carries
 * default_invoice_payment_term_id from default_get(), None without a default payment term: the
 * marshaller refuses it after the commit, so the caller sees fault 1 while the invoices exist
 * (fixtures/odoo-17.0-wire/README.md). Odoo sets these context keys for one order only; the lab
 * keeps them always, so the outcome is the same whatever the number of orders.
 */
async function viewInvoicesAction(rt: Runtime, orderIds: number[], invoiceIds: number[]) {
  const [order] = await rt.query<{
    partner_id: number;
    partner_shipping_id: number;
    name: string;
    user_id: number | null;
  }>('SELECT partner_id, partner_shipping_id, name, user_id FROM sale_order WHERE id = $1', [
    orderIds[0],
  ]);
  const single = invoiceIds.length === 1;
  return {
    type: 'ir.actions.act_window',
    name: 'Invoices',
    res_model: 'account.move',
    ...(single
      ? { views: [[false, 'form']], res_id: invoiceIds[0] }
      : {
          views: [
            [false, 'tree'],
            [false, 'form'],
          ],
          domain: [['id', 'in', invoiceIds]],
        }),
    context: {
      default_move_type: 'out_invoice',
      default_partner_id: order?.partner_id ?? false,
      default_partner_shipping_id: order?.partner_shipping_id ?? false,
      default_invoice_payment_term_id: null,
      default_invoice_origin: order?.name ?? false,
      default_user_id: order?.user_id ?? false,
    },
  };
}

export const advancePaymentMethods: Record<string, MethodDef> = {
  create_invoices: {
    api: 'records',
    params: [],
    async run(rt, ids) {
      const orderIds: number[] = [];
      const invoiceIds: number[] = [];
      for (const wizard of await wizardOrders(rt, ids)) {
        if (wizard.advance_payment_method !== 'delivered')
          throw new UserError(
            'The lab creates regular invoices only (advance_payment_method "delivered").',
          );
        orderIds.push(...wizard.sale_order_ids);
        invoiceIds.push(
          ...(await createInvoicesForOrders(rt, wizard.sale_order_ids, {
            grouped: !wizard.consolidated,
          })),
        );
      }
      return viewInvoicesAction(rt, orderIds, invoiceIds);
    },
  },
};
