// Invoicing sales orders as Odoo 17 does it (sale.order._create_invoices and the
// sale.advance.payment.inv wizard): one draft customer invoice per partner, currency and company
// when billing is consolidated (17's default), lines for what is to invoice by each product's
// policy, linked to the order lines through sale_order_line_invoice_rel.
import { UserError } from '../../exceptions.js';
import { ensureExist } from '../generic.js';
import type { MethodDef, Runtime, Vals } from '../model.js';
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
  const valsList: Vals[] = [];
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
    valsList.push(vals);
  }
  // One create for all of them, as Odoo's _create_account_invoices: the first draft of a period
  // is numbered in _compute_name's order (date, reference, id), the others get '/'.
  const invoiceIds = await rt.createMany('account.move', valsList);
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

/** The fields _for_xml_id reads of account.action_move_out_invoice_type, on a fresh Odoo 17. */
const INVOICES_ACTION = {
  id: 254,
  name: 'Invoices',
  type: 'ir.actions.act_window',
  xml_id: 'account.action_move_out_invoice_type',
  help:
    '<p class="o_view_nocontent_smiling_face">\n                Create a customer invoice\n              </p><p>\n' +
    '                Create invoices, register payments and keep track of the discussions with your customers.\n' +
    '              </p>\n            ',
  binding_model_id: false,
  binding_type: 'action',
  binding_view_types: 'list,form',
  display_name: 'Invoices',
  view_id: [674, 'account.out.invoice.tree'],
  domain: "[('move_type', '=', 'out_invoice')]",
  context: "{'default_move_type': 'out_invoice'}",
  res_id: 0,
  res_model: 'account.move',
  target: 'current',
  view_mode: 'tree,kanban,form,activity',
  mobile_view_mode: 'kanban',
  views: [
    [674, 'tree'],
    [false, 'kanban'],
    [false, 'form'],
    [false, 'activity'],
  ] as [number | false, string][],
  limit: 80,
  groups_id: [],
  search_view_id: [684, 'account.invoice.select'],
  filter: false,
};
const INVOICE_FORM_VIEW = 681;

/** The readable fields of an act_window differ by series (ir_actions.py _get_readable_fields). */
function invoicesAction(serie: string): Record<string, unknown> {
  const { mobile_view_mode, ...common } = INVOICES_ACTION;
  // 16 has no mobile_view_mode nor activity view, but the search view's text.
  if (serie === '16.0')
    return {
      ...common,
      id: 243,
      view_id: [613, 'account.out.invoice.tree'],
      view_mode: 'tree,kanban,form',
      views: common.views.filter(([, type]) => type !== 'activity'),
      search_view_id: [622, 'account.invoice.select'],
      search_view: `{'arch': '<search string="Search Invoice">'}`,
    };
  if (serie === '17.0') return { ...common, mobile_view_mode };
  // 19 renames groups_id group_ids and adds the data-caching flag (True by default).
  const { groups_id, ...since18 } = common;
  const access = serie === '19.0' ? { group_ids: groups_id, cache: true } : { groups_id };
  // 18 calls tree views list, lists credit notes too, and adds path and embedded actions.
  return {
    ...since18,
    ...access,
    mobile_view_mode,
    view_id: [708, 'account.out.invoice.list'],
    view_mode: 'list,kanban,form,activity',
    views: [
      [708, 'list'],
      [false, 'kanban'],
      [false, 'form'],
      [false, 'activity'],
    ],
    domain: "[('move_type', 'in', ['out_invoice', 'out_refund'])]",
    path: 'invoicing',
    embedded_action_ids: [],
  };
}

/**
 * sale.order.action_view_invoice(invoices) as Odoo builds it (what 17 and 18's create_invoices
 * answer): the invoices action, on the form of a single invoice or filtered on several. For one order its context carries the order's
 * defaults, among them default_invoice_payment_term_id, None without a payment term: the
 * marshaller refuses it after the commit, so the caller sees fault 1 while the invoices exist
 * (fixtures/odoo-17.0-wire/README.md). For several orders the action marshals.
 */
async function viewInvoicesAction(rt: Runtime, orderIds: number[], invoiceIds: number[]) {
  const action = invoicesAction(rt.serie);
  if (invoiceIds.length > 1) {
    action.domain = [['id', 'in', invoiceIds]];
  } else {
    const views = action.views as [number | false, string][];
    action.views = [[INVOICE_FORM_VIEW, 'form'], ...views.filter(([, type]) => type !== 'form')];
    action.res_id = invoiceIds[0];
  }
  const context: Record<string, unknown> = { default_move_type: 'out_invoice' };
  const orders = [...new Set(orderIds)];
  if (orders.length === 1) {
    const [order] = await rt.query<{
      partner_id: number;
      partner_shipping_id: number;
      name: string;
    }>('SELECT partner_id, partner_shipping_id, name FROM sale_order WHERE id = $1', [orders[0]]);
    Object.assign(context, {
      default_partner_id: order!.partner_id,
      default_partner_shipping_id: order!.partner_shipping_id,
      // No payment terms in the lab: default_get has none to give.
      default_invoice_payment_term_id: null,
      // 19 no longer passes the origin.
      ...(rt.serie !== '19.0' && { default_invoice_origin: order!.name }),
    });
  }
  action.context = context;
  return action;
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
      if (rt.serie !== '16.0') return viewInvoicesAction(rt, orderIds, invoiceIds);
      // 16 opens the orders' invoices only when asked, else closes the wizard.
      if (!rt.context.open_invoices) return { type: 'ir.actions.act_window_close' };
      const orders = await rt.read('sale.order', orderIds, ['invoice_ids']);
      return viewInvoicesAction(rt, orderIds, [
        ...new Set(orders.flatMap((o) => o.invoice_ids as number[])),
      ]);
    },
  },
};
