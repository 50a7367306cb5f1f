// Sales models (Odoo's sale, sale_stock): quotations and orders, their lines, pricelists, and
// the invoicing wizard. Business methods are attached in ../sale/.
import type { ModelDef } from '../model.js';
import { advancePaymentMethods } from '../sale/invoicing.js';
import { lineHooks, orderHooks, orderMethods } from '../sale/order.js';
import { COMPANY_ID, f, nowUtc } from './fields.js';

export const INVOICE_STATUSES = [
  ['upselling', 'Upselling Opportunity'],
  ['invoiced', 'Fully Invoiced'],
  ['to invoice', 'To Invoice'],
  ['no', 'Nothing to Invoice'],
] as const;

export const productPricelist: ModelDef = {
  name: 'product.pricelist',
  table: 'product_pricelist',
  description: 'Pricelist',
  order: 'sequence asc, id asc',
  fields: {
    name: f.char('Pricelist Name', { required: true, translate: true }),
    active: f.bool('Active', { default: true }),
    sequence: f.int('Sequence', { default: 16 }),
    currency_id: f.many2one('Currency', 'res.currency', { required: true, default: 1 }),
    company_id: f.many2one('Company', 'res.company'),
  },
};

export const saleOrder: ModelDef = {
  name: 'sale.order',
  table: 'sale_order',
  description: 'Sales Order',
  order: 'date_order desc, id desc',
  fields: {
    name: f.char('Order Reference', { required: true, index: true, default: 'New' }),
    origin: f.char('Source Document'),
    client_order_ref: f.char('Customer Reference'),
    reference: f.char('Payment Ref.'),
    state: f.selection(
      'Status',
      [
        ['draft', 'Quotation'],
        ['sent', 'Quotation Sent'],
        ['sale', 'Sales Order'],
        ['done', 'Locked'],
        ['cancel', 'Cancelled'],
      ],
      { readonly: true, index: true, default: 'draft' },
    ),
    locked: f.bool('Locked', { default: false, series: ['17.0', '18.0', '19.0'] }),
    date_order: f.datetime('Order Date', { required: true, index: true, defaultFn: nowUtc }),
    validity_date: f.date('Expiration'),
    commitment_date: f.datetime('Delivery Date'),
    effective_date: f.datetime('Effective Date', { readonly: true }),
    user_id: f.many2one('Salesperson', 'res.users', { index: true, defaultFn: (rt) => rt.uid }),
    partner_id: f.many2one('Customer', 'res.partner', {
      required: true,
      index: true,
      ondelete: 'restrict',
    }),
    partner_invoice_id: f.many2one('Invoice Address', 'res.partner', {
      required: true,
      index: true,
    }),
    partner_shipping_id: f.many2one('Delivery Address', 'res.partner', {
      required: true,
      index: true,
    }),
    pricelist_id: f.many2one('Pricelist', 'product.pricelist', { index: true }),
    currency_id: f.many2one('Currency', 'res.currency', { default: 1 }),
    company_id: f.many2one('Company', 'res.company', {
      required: true,
      index: true,
      default: COMPANY_ID,
    }),
    warehouse_id: f.many2one('Warehouse', 'stock.warehouse'),
    picking_policy: f.selection(
      'Shipping Policy',
      [
        ['direct', 'As soon as possible'],
        ['one', 'When all products are ready'],
      ],
      { required: true, default: 'direct' },
    ),
    procurement_group_id: f.many2one('Procurement Group', 'procurement.group'),
    order_line: f.one2many('Order Lines', 'sale.order.line', 'order_id'),
    amount_untaxed: f.monetary('Untaxed Amount', { readonly: true }),
    amount_tax: f.monetary('Taxes', { readonly: true }),
    amount_total: f.monetary('Total', { readonly: true }),
    invoice_status: f.selection('Invoice Status', INVOICE_STATUSES, {
      readonly: true,
      default: 'no',
    }),
    delivery_status: f.selection(
      'Delivery Status',
      [
        ['pending', 'Not Delivered'],
        ['started', 'Started'],
        ['partial', 'Partially Delivered'],
        ['full', 'Fully Delivered'],
      ],
      { readonly: true, series: ['17.0', '18.0', '19.0'] },
    ),
    carrier_id: f.many2one('Delivery Method', 'delivery.carrier'),
    note: f.text('Terms and conditions'),
    picking_ids: f.one2many('Transfers', 'stock.picking', 'sale_id'),
    delivery_count: {
      type: 'integer',
      string: 'Delivery Orders',
      sql: (t) => `(SELECT count(*)::int FROM stock_picking sp WHERE sp.sale_id = ${t}.id)`,
    },
    invoice_ids: {
      type: 'many2many',
      string: 'Invoices',
      relation: 'account.move',
      compute: async (rt, ids) => {
        const rows = await rt.query<{ order_id: number; ids: number[] }>(
          `SELECT sol.order_id, array_agg(DISTINCT aml.move_id ORDER BY aml.move_id) AS ids
             FROM sale_order_line sol
             JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
             JOIN account_move_line aml ON aml.id = rel.invoice_line_id
             JOIN account_move am ON am.id = aml.move_id
            WHERE sol.order_id = ANY($1) AND am.move_type IN ('out_invoice', 'out_refund')
            GROUP BY sol.order_id`,
          [ids],
        );
        return new Map(rows.map((r) => [r.order_id, r.ids]));
      },
    },
    invoice_count: {
      type: 'integer',
      string: 'Invoice Count',
      sql: (t) =>
        `(SELECT count(DISTINCT aml.move_id)::int FROM sale_order_line sol
            JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
            JOIN account_move_line aml ON aml.id = rel.invoice_line_id
            JOIN account_move am ON am.id = aml.move_id
           WHERE sol.order_id = ${t}.id AND am.move_type IN ('out_invoice', 'out_refund'))`,
    },
  },
  sql: [
    'CREATE INDEX IF NOT EXISTS sale_order_date_order_id_idx ON sale_order (date_order desc, id desc)',
  ],
  methods: orderMethods,
  hooks: orderHooks,
};

export const saleOrderLine: ModelDef = {
  name: 'sale.order.line',
  table: 'sale_order_line',
  description: 'Sales Order Line',
  order: 'order_id, sequence, id',
  displayName: (t) =>
    `((SELECT so.name FROM sale_order so WHERE so.id = ${t}.order_id) || ' - ' || split_part(${t}.name, E'\\n', 1))`,
  fields: {
    order_id: f.many2one('Order Reference', 'sale.order', {
      required: true,
      index: true,
      ondelete: 'cascade',
    }),
    sequence: f.int('Sequence', { default: 10 }),
    company_id: f.many2one('Company', 'res.company', { index: true, default: COMPANY_ID }),
    currency_id: f.many2one('Currency', 'res.currency', { default: 1 }),
    order_partner_id: f.many2one('Customer', 'res.partner', { index: true }),
    state: f.selection(
      'Order Status',
      [
        ['draft', 'Quotation'],
        ['sent', 'Quotation Sent'],
        ['sale', 'Sales Order'],
        ['done', 'Locked'],
        ['cancel', 'Cancelled'],
      ],
      { readonly: true, default: 'draft' },
    ),
    display_type: f.selection('Display Type', [
      ['line_section', 'Section'],
      ['line_note', 'Note'],
    ]),
    is_downpayment: f.bool('Is a down payment', { default: false }),
    product_id: f.many2one('Product', 'product.product', { index: true, ondelete: 'restrict' }),
    product_template_id: {
      type: 'many2one',
      string: 'Product Template',
      relation: 'product.template',
      sql: (t) => `(SELECT p.product_tmpl_id FROM product_product p WHERE p.id = ${t}.product_id)`,
    },
    name: f.text('Description', { required: true }),
    product_uom_qty: f.float('Quantity', { numeric: true, required: true, default: 1 }),
    product_uom: f.many2one('Unit of Measure', 'uom.uom'),
    price_unit: f.float('Unit Price', { numeric: true, required: true, default: 0 }),
    discount: f.float('Discount (%)', { numeric: true, default: 0 }),
    tax_id: f.many2many(
      'Taxes',
      'account.tax',
      'account_tax_sale_order_line_rel',
      'sale_order_line_id',
      'account_tax_id',
    ),
    price_subtotal: f.monetary('Subtotal', { readonly: true }),
    price_tax: f.float('Total Tax', { numeric: true, readonly: true }),
    price_total: f.monetary('Total', { readonly: true }),
    customer_lead: f.float('Lead Time', { default: 0 }),
    qty_delivered_method: f.selection(
      'Method to update delivered qty',
      [
        ['manual', 'Manual'],
        ['analytic', 'Analytic From Expenses'],
        ['stock_move', 'Stock Moves'],
      ],
      { readonly: true },
    ),
    qty_delivered: f.float('Delivery Quantity', { numeric: true, default: 0 }),
    qty_invoiced: f.float('Invoiced Quantity', { numeric: true, readonly: true, default: 0 }),
    qty_to_invoice: f.float('Quantity To Invoice', { numeric: true, readonly: true, default: 0 }),
    invoice_status: f.selection('Invoice Status', INVOICE_STATUSES, {
      readonly: true,
      default: 'no',
    }),
    move_ids: f.one2many('Stock Moves', 'stock.move', 'sale_line_id'),
    invoice_lines: f.many2many(
      'Invoice Lines',
      'account.move.line',
      'sale_order_line_invoice_rel',
      'order_line_id',
      'invoice_line_id',
    ),
  },
  hooks: lineHooks,
};

export const saleAdvancePaymentInv: ModelDef = {
  name: 'sale.advance.payment.inv',
  table: 'sale_advance_payment_inv',
  description: 'Sales Advance Payment Invoice',
  transient: true,
  fields: {
    advance_payment_method: f.selection(
      'Create Invoice',
      [
        ['delivered', 'Regular invoice'],
        ['percentage', 'Down payment (percentage)'],
        ['fixed', 'Down payment (fixed amount)'],
      ],
      { required: true, default: 'delivered' },
    ),
    sale_order_ids: f.many2many(
      'Sales Orders',
      'sale.order',
      'sale_advance_payment_inv_sale_order_rel',
      'sale_advance_payment_inv_id',
      'sale_order_id',
      {
        defaultFn: (rt) => {
          const ids = rt.context.active_ids;
          const model = rt.context.active_model;
          if ((model === undefined || model === 'sale.order') && Array.isArray(ids))
            return [[6, 0, ids]];
          return undefined;
        },
      },
    ),
    deduct_down_payments: f.bool('Deduct down payments', { default: true }),
    consolidated_billing: f.bool('Consolidated Billing', {
      default: true,
      series: ['17.0', '18.0', '19.0'],
    }),
    amount: f.float('Down Payment', { numeric: true }),
    fixed_amount: f.monetary('Down Payment Amount (Fixed)'),
    company_id: f.many2one('Company', 'res.company', { default: COMPANY_ID }),
    currency_id: f.many2one('Currency', 'res.currency', { default: 1 }),
  },
  methods: advancePaymentMethods,
};

export const SALE_MODELS: readonly ModelDef[] = [
  productPricelist,
  saleOrder,
  saleOrderLine,
  saleAdvancePaymentInv,
];
