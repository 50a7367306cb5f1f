// Accounting models (Odoo's account): chart of accounts (minimal), taxes, journals, journal
// entries and their lines, with the indexes Odoo creates on account_move, including the partial
// unique index on (name, journal_id) for posted moves that sequence numbering relies on.
import type { ModelDef } from '../model.js';
import { accountMoveHooks, accountMoveLineHooks } from '../account/invoice.js';
import { accountMoveMethods } from '../account/posting.js';
import { COMPANY_ID, f } from './fields.js';

export const MOVE_TYPES = [
  ['entry', 'Journal Entry'],
  ['out_invoice', 'Customer Invoice'],
  ['out_refund', 'Customer Credit Note'],
  ['in_invoice', 'Vendor Bill'],
  ['in_refund', 'Vendor Credit Note'],
  ['out_receipt', 'Sales Receipt'],
  ['in_receipt', 'Purchase Receipt'],
] as const;

export const accountAccount: ModelDef = {
  name: 'account.account',
  table: 'account_account',
  description: 'Account',
  order: 'code, company_id',
  displayName: (t) => `(${t}.code || ' ' || (${t}.name->>'en_US'))`,
  fields: {
    name: f.char('Account Name', { required: true, translate: true, index: true }),
    code: f.char('Code', { required: true, index: true }),
    account_type: f.selection(
      'Type',
      [
        ['asset_receivable', 'Receivable'],
        ['asset_cash', 'Bank and Cash'],
        ['asset_current', 'Current Assets'],
        ['liability_payable', 'Payable'],
        ['liability_current', 'Current Liabilities'],
        ['equity', 'Equity'],
        ['income', 'Income'],
        ['expense', 'Expenses'],
      ],
      { required: true },
    ),
    reconcile: f.bool('Allow Reconciliation', { default: false }),
    deprecated: f.bool('Deprecated', { default: false }),
    currency_id: f.many2one('Account Currency', 'res.currency'),
    company_id: f.many2one('Company', 'res.company', { required: true, default: COMPANY_ID }),
  },
  sql: [
    'CREATE UNIQUE INDEX IF NOT EXISTS account_account_code_company_uniq ON account_account (code, company_id)',
  ],
};

export const accountTax: ModelDef = {
  name: 'account.tax',
  table: 'account_tax',
  description: 'Tax',
  order: 'sequence,id',
  fields: {
    name: f.char('Tax Name', { required: true, translate: true }),
    type_tax_use: f.selection(
      'Tax Type',
      [
        ['sale', 'Sales'],
        ['purchase', 'Purchases'],
        ['none', 'None'],
      ],
      { required: true, default: 'sale' },
    ),
    amount_type: f.selection(
      'Tax Computation',
      [
        ['group', 'Group of Taxes'],
        ['fixed', 'Fixed'],
        ['percent', 'Percentage of Price'],
        ['division', 'Percentage of Price Tax Included'],
      ],
      { required: true, default: 'percent' },
    ),
    amount: f.float('Amount', { numeric: true, required: true, default: 0 }),
    active: f.bool('Active', { default: true }),
    price_include: f.bool('Included in Price', { default: false }),
    sequence: f.int('Sequence', { required: true, default: 1 }),
    description: f.char('Label on Invoices'),
    company_id: f.many2one('Company', 'res.company', { required: true, default: COMPANY_ID }),
  },
};

export const accountJournal: ModelDef = {
  name: 'account.journal',
  table: 'account_journal',
  description: 'Journal',
  order: 'sequence, type, code',
  fields: {
    name: f.char('Journal Name', { required: true, translate: true }),
    code: f.char('Short Code', { required: true }),
    type: f.selection(
      'Type',
      [
        ['sale', 'Sales'],
        ['purchase', 'Purchase'],
        ['cash', 'Cash'],
        ['bank', 'Bank'],
        ['general', 'Miscellaneous'],
      ],
      { required: true },
    ),
    active: f.bool('Active', { default: true }),
    sequence: f.int('Sequence', { default: 10 }),
    default_account_id: f.many2one('Default Account', 'account.account', { ondelete: 'restrict' }),
    currency_id: f.many2one('Currency', 'res.currency'),
    company_id: f.many2one('Company', 'res.company', {
      required: true,
      index: true,
      default: COMPANY_ID,
    }),
    refund_sequence: f.bool('Dedicated Credit Note Sequence', { default: false }),
    show_on_dashboard: f.bool('Show journal on dashboard', { default: true }),
  },
  sql: [
    'CREATE UNIQUE INDEX IF NOT EXISTS account_journal_code_company_uniq ON account_journal (company_id, code)',
  ],
};

export const accountMove: ModelDef = {
  name: 'account.move',
  table: 'account_move',
  description: 'Journal Entry',
  order: 'date desc, name desc, invoice_date desc, id desc',
  // Odoo's _get_move_display_name: "Draft Invoice INV/2026/00001" for a numbered draft, "Draft
  // Invoice (* 12)" for one without a number, the bare name once posted.
  displayName: (t) =>
    `((CASE WHEN ${t}.state != 'draft' THEN ''
            WHEN ${t}.move_type = 'out_invoice' THEN 'Draft Invoice '
            WHEN ${t}.move_type = 'out_refund' THEN 'Draft Credit Note '
            WHEN ${t}.move_type = 'in_invoice' THEN 'Draft Bill '
            WHEN ${t}.move_type = 'in_refund' THEN 'Draft Vendor Credit Note '
            WHEN ${t}.move_type = 'out_receipt' THEN 'Draft Sales Receipt '
            WHEN ${t}.move_type = 'in_receipt' THEN 'Draft Purchase Receipt '
            ELSE 'Draft Entry ' END)
       || (CASE WHEN ${t}.name IS NULL OR ${t}.name = '/' THEN '(* ' || ${t}.id || ')' ELSE ${t}.name END))`,
  fields: {
    // Computed at creation and on posting (account/move-name.ts); no default.
    name: f.char('Number', { index: true }),
    ref: f.char('Reference', { index: true }),
    move_type: f.selection('Type', MOVE_TYPES, { required: true, index: true, default: 'entry' }),
    state: f.selection(
      'Status',
      [
        ['draft', 'Draft'],
        ['posted', 'Posted'],
        ['cancel', 'Cancelled'],
      ],
      { required: true, readonly: true, default: 'draft' },
    ),
    journal_id: f.many2one('Journal', 'account.journal', { required: true }),
    company_id: f.many2one('Company', 'res.company', {
      required: true,
      index: true,
      default: COMPANY_ID,
    }),
    currency_id: f.many2one('Currency', 'res.currency', { required: true, default: 1 }),
    date: f.date('Date', { required: true, index: true }),
    invoice_date: f.date('Invoice/Bill Date', { index: true }),
    invoice_date_due: f.date('Due Date', { index: true }),
    partner_id: f.many2one('Partner', 'res.partner', { index: true, ondelete: 'restrict' }),
    commercial_partner_id: f.many2one('Commercial Entity', 'res.partner'),
    invoice_origin: f.char('Origin'),
    invoice_user_id: f.many2one('Salesperson', 'res.users', { defaultFn: (rt) => rt.uid }),
    payment_reference: f.char('Payment Reference', { index: true }),
    amount_untaxed: f.monetary('Untaxed Amount', { readonly: true }),
    amount_tax: f.monetary('Tax', { readonly: true }),
    amount_total: f.monetary('Total', { readonly: true }),
    amount_residual: f.monetary('Amount Due', { readonly: true }),
    amount_untaxed_signed: f.monetary('Untaxed Amount Signed', { readonly: true }),
    amount_total_signed: f.monetary('Total Signed', { readonly: true }),
    payment_state: f.selection(
      'Payment Status',
      [
        ['not_paid', 'Not Paid'],
        ['in_payment', 'In Payment'],
        ['paid', 'Paid'],
        ['partial', 'Partially Paid'],
        ['reversed', 'Reversed'],
        ['invoicing_legacy', 'Invoicing App Legacy'],
      ],
      { readonly: true, default: 'not_paid' },
    ),
    sequence_prefix: f.char('Sequence Prefix', { readonly: true }),
    sequence_number: f.int('Sequence Number', { readonly: true }),
    posted_before: f.bool('Posted Before', { readonly: true, default: false }),
    auto_post: f.selection(
      'Auto-post',
      [
        ['no', 'No'],
        ['at_date', 'At Date'],
        ['monthly', 'Monthly'],
        ['quarterly', 'Quarterly'],
        ['yearly', 'Yearly'],
      ],
      { required: true, default: 'no' },
    ),
    narration: f.text('Terms and Conditions'),
    line_ids: f.one2many('Journal Items', 'account.move.line', 'move_id'),
    invoice_line_ids: f.one2many('Invoice lines', 'account.move.line', 'move_id', {
      domain: [['display_type', 'in', ['product', 'line_section', 'line_note']]],
    }),
  },
  sql: [
    'CREATE INDEX IF NOT EXISTS account_move_payment_idx ON account_move (journal_id, state, payment_state, move_type, date)',
    `CREATE UNIQUE INDEX IF NOT EXISTS account_move_unique_name ON account_move (name, journal_id) WHERE (state = 'posted' AND name != '/')`,
    'CREATE INDEX IF NOT EXISTS account_move_sequence_index3 ON account_move (journal_id, sequence_prefix desc, (sequence_number+1) desc)',
    'CREATE INDEX IF NOT EXISTS account_move_journal_id_company_id_idx ON account_move (journal_id, company_id, date)',
  ],
  // 16.0 declares it in its auto-installed account_sequence module.
  sqlConstraints: [
    { name: 'unique_name', message: 'Another entry with the same name already exists.' },
  ],
  methods: accountMoveMethods,
  hooks: accountMoveHooks,
};

export const accountMoveLine: ModelDef = {
  name: 'account.move.line',
  table: 'account_move_line',
  description: 'Journal Item',
  order: 'date desc, move_name desc, id',
  displayName: (t) =>
    `COALESCE((SELECT am.name FROM account_move am WHERE am.id = ${t}.move_id), '') || CASE WHEN ${t}.name IS NOT NULL THEN ' ' || ${t}.name ELSE '' END`,
  fields: {
    move_id: f.many2one('Journal Entry', 'account.move', {
      required: true,
      index: true,
      ondelete: 'cascade',
    }),
    move_name: f.char('Number', { readonly: true, index: true }),
    date: f.date('Date', { readonly: true, index: true }),
    parent_state: f.selection(
      'Status',
      [
        ['draft', 'Draft'],
        ['posted', 'Posted'],
        ['cancel', 'Cancelled'],
      ],
      { readonly: true },
    ),
    journal_id: f.many2one('Journal', 'account.journal', { readonly: true, index: true }),
    company_id: f.many2one('Company', 'res.company', { readonly: true, default: COMPANY_ID }),
    currency_id: f.many2one('Currency', 'res.currency', { default: 1 }),
    account_id: f.many2one('Account', 'account.account', { index: true, ondelete: 'restrict' }),
    partner_id: f.many2one('Partner', 'res.partner', { index: true, ondelete: 'restrict' }),
    product_id: f.many2one('Product', 'product.product', { index: true, ondelete: 'restrict' }),
    product_uom_id: f.many2one('Unit of Measure', 'uom.uom'),
    name: f.char('Label'),
    quantity: f.float('Quantity', { numeric: true, default: 1 }),
    price_unit: f.float('Unit Price', { numeric: true, default: 0 }),
    discount: f.float('Discount (%)', { numeric: true, default: 0 }),
    debit: f.monetary('Debit', { default: 0 }),
    credit: f.monetary('Credit', { default: 0 }),
    balance: f.monetary('Balance', { default: 0 }),
    amount_currency: f.monetary('Amount in Currency', { default: 0 }),
    amount_residual: f.monetary('Residual Amount', { readonly: true, default: 0 }),
    price_subtotal: f.monetary('Subtotal', { readonly: true }),
    price_total: f.monetary('Total', { readonly: true }),
    tax_ids: f.many2many(
      'Taxes',
      'account.tax',
      'account_move_line_account_tax_rel',
      'account_move_line_id',
      'account_tax_id',
    ),
    tax_line_id: f.many2one('Originator Tax', 'account.tax', { index: true, ondelete: 'restrict' }),
    tax_base_amount: f.monetary('Base Amount', { readonly: true }),
    display_type: f.selection(
      'Display Type',
      [
        ['product', 'Product'],
        ['cogs', 'Cost of Goods Sold'],
        ['tax', 'Tax'],
        ['discount', 'Discount'],
        ['rounding', 'Rounding'],
        ['payment_term', 'Payment Term'],
        ['line_section', 'Section'],
        ['line_note', 'Note'],
        ['epd', 'Early Payment Discount'],
      ],
      { required: true, default: 'product' },
    ),
    sequence: f.int('Sequence', { default: 10 }),
    date_maturity: f.date('Due Date', { index: true }),
    reconciled: f.bool('Reconciled', { default: false }),
    sale_line_ids: f.many2many(
      'Sales Order Lines',
      'sale.order.line',
      'sale_order_line_invoice_rel',
      'invoice_line_id',
      'order_line_id',
    ),
  },
  sql: [
    'CREATE INDEX IF NOT EXISTS account_move_line_account_id_date_idx ON account_move_line (account_id, date)',
  ],
  hooks: accountMoveLineHooks,
};

export const ACCOUNT_MODELS: readonly ModelDef[] = [
  accountAccount,
  accountTax,
  accountJournal,
  accountMove,
  accountMoveLine,
];
