// Base models (Odoo's base and uom modules): company, currency, partners, users and their API
// keys, sequences, configuration parameters, units of measure, product categories.
import type { ModelDef, Runtime } from '../model.js';
import { hashSecret } from '../password-hash.js';
import { COMPANY_ID, f } from './fields.js';

/** complete_name and commercial_partner_id are stored computed fields in Odoo. */
async function computePartnerNames(rt: Runtime, ids: number[]): Promise<void> {
  await rt.query(
    `UPDATE res_partner p
        SET complete_name = CASE WHEN p.parent_id IS NOT NULL AND p.is_company IS NOT TRUE
                                 THEN (SELECT pp.name FROM res_partner pp WHERE pp.id = p.parent_id) || ', ' || p.name
                                 ELSE p.name END,
            commercial_partner_id = CASE WHEN p.is_company OR p.parent_id IS NULL THEN p.id
                                 ELSE (SELECT COALESCE(pp.commercial_partner_id, pp.id) FROM res_partner pp WHERE pp.id = p.parent_id) END
      WHERE p.id = ANY($1)`,
    [ids],
  );
}

export const resPartner: ModelDef = {
  name: 'res.partner',
  table: 'res_partner',
  description: 'Contact',
  order: 'complete_name ASC, id DESC',
  displayName: (t) => `COALESCE(${t}.complete_name, ${t}.name)`,
  fields: {
    name: f.char('Name', { index: true }),
    complete_name: f.char('Complete Name', { index: true, readonly: true }),
    ref: f.char('Reference', { index: true }),
    email: f.char('Email'),
    phone: f.char('Phone'),
    mobile: f.char('Mobile'),
    street: f.char('Street'),
    street2: f.char('Street2'),
    zip: f.char('Zip'),
    city: f.char('City'),
    vat: f.char('Tax ID', { index: true }),
    website: f.char('Website Link'),
    comment: f.text('Notes'),
    lang: f.char('Language', { default: 'en_US' }),
    tz: f.char('Timezone'),
    is_company: f.bool('Is a Company', { default: false }),
    company_type: {
      type: 'selection',
      string: 'Company Type',
      selection: [
        ['person', 'Individual'],
        ['company', 'Company'],
      ],
      sql: (t) => `(CASE WHEN ${t}.is_company THEN 'company' ELSE 'person' END)`,
    },
    parent_id: f.many2one('Related Company', 'res.partner', { index: true }),
    child_ids: f.one2many('Contact', 'res.partner', 'parent_id'),
    commercial_partner_id: f.many2one('Commercial Entity', 'res.partner', {
      index: true,
      readonly: true,
    }),
    type: f.selection(
      'Address Type',
      [
        ['contact', 'Contact'],
        ['invoice', 'Invoice Address'],
        ['delivery', 'Delivery Address'],
        ['other', 'Other Address'],
      ],
      { default: 'contact' },
    ),
    active: f.bool('Active', { default: true }),
    company_id: f.many2one('Company', 'res.company', { index: true }),
    user_id: f.many2one('Salesperson', 'res.users'),
    customer_rank: f.int('Customer Rank', { default: 0 }),
    supplier_rank: f.int('Supplier Rank', { default: 0 }),
    color: f.int('Color Index', { default: 0 }),
  },
  hooks: {
    afterCreate: (rt, ids) => computePartnerNames(rt, ids),
    async afterWrite(rt, ids, vals) {
      if ('name' in vals || 'parent_id' in vals || 'is_company' in vals) {
        await computePartnerNames(rt, ids);
        const children = await rt.query<{ id: number }>(
          'SELECT id FROM res_partner WHERE parent_id = ANY($1)',
          [ids],
        );
        if (children.length > 0)
          await computePartnerNames(
            rt,
            children.map((c) => c.id),
          );
      }
    },
  },
};

export const resCurrency: ModelDef = {
  name: 'res.currency',
  table: 'res_currency',
  description: 'Currency',
  order: 'active desc, name',
  fields: {
    name: f.char('Currency', { required: true }),
    full_name: f.char('Name'),
    symbol: f.char('Symbol', { required: true }),
    rounding: f.float('Rounding Factor', { numeric: true, default: 0.01 }),
    decimal_places: {
      type: 'integer',
      string: 'Decimal Places',
      sql: (t) =>
        `(CASE WHEN ${t}.rounding > 0 AND ${t}.rounding < 1 THEN ceil(-log(${t}.rounding))::int ELSE 0 END)`,
    },
    position: f.selection(
      'Symbol Position',
      [
        ['after', 'After Amount'],
        ['before', 'Before Amount'],
      ],
      { default: 'after' },
    ),
    active: f.bool('Active', { default: true }),
  },
  sql: ['CREATE UNIQUE INDEX IF NOT EXISTS res_currency_unique_name ON res_currency (name)'],
};

export const resCompany: ModelDef = {
  name: 'res.company',
  table: 'res_company',
  description: 'Companies',
  order: 'sequence, name',
  fields: {
    name: f.char('Company Name', { required: true }),
    partner_id: f.many2one('Partner', 'res.partner', { required: true, ondelete: 'restrict' }),
    currency_id: f.many2one('Currency', 'res.currency', { required: true, ondelete: 'restrict' }),
    sequence: f.int('Sequence', { default: 10 }),
    active: f.bool('Active', { default: true }),
    email: f.char('Email'),
    phone: f.char('Phone'),
    account_sale_tax_id: f.many2one('Default Sale Tax', 'account.tax'),
    account_purchase_tax_id: f.many2one('Default Purchase Tax', 'account.tax'),
    annual_inventory_day: f.int('Day of the month', { default: 31 }),
    annual_inventory_month: f.char('Annual Inventory Month', { default: '12' }),
    fiscalyear_last_day: f.int('Fiscalyear Last Day', { default: 31 }),
    fiscalyear_last_month: f.char('Fiscalyear Last Month', { default: '12' }),
  },
};

async function storePassword(rt: Runtime, ids: number[], password: unknown): Promise<void> {
  if (typeof password !== 'string' || password === '') return;
  const hash = await hashSecret(password);
  await rt.query('UPDATE res_users SET password = $2 WHERE id = ANY($1)', [ids, hash]);
}

export const resUsers: ModelDef = {
  name: 'res.users',
  table: 'res_users',
  description: 'User',
  order: 'name, login',
  recName: 'name',
  inherits: { model: 'res.partner', field: 'partner_id' },
  fields: {
    login: f.char('Login', { required: true }),
    // Odoo never returns the hash: the field reads as '' and a write hashes the new password.
    password: {
      type: 'char',
      string: 'Password',
      compute: async (_rt, ids) => new Map(ids.map((id) => [id, ''])),
    },
    partner_id: f.many2one('Related Partner', 'res.partner', {
      required: true,
      ondelete: 'restrict',
      index: true,
    }),
    company_id: f.many2one('Company', 'res.company', { required: true, default: COMPANY_ID }),
    active: f.bool('Active', { default: true }),
    share: f.bool('Share User', { default: false }),
  },
  rawColumns: ['password varchar'],
  sql: ['CREATE UNIQUE INDEX IF NOT EXISTS res_users_login_key ON res_users (login)'],
  hooks: {
    async afterCreate(rt, ids, valsList) {
      for (const [i, id] of ids.entries()) await storePassword(rt, [id], valsList[i]!.password);
    },
    afterWrite: (rt, ids, vals) => storePassword(rt, ids, vals.password),
  },
};

export const resUsersApikeys: ModelDef = {
  name: 'res.users.apikeys',
  table: 'res_users_apikeys',
  description: 'Users API Keys',
  fields: {
    name: f.char('Description', { required: true, readonly: true }),
    user_id: f.many2one('User', 'res.users', {
      required: true,
      readonly: true,
      ondelete: 'cascade',
    }),
    scope: f.char('Scope', { readonly: true }),
    expiration_date: f.datetime('Expiration Date', { readonly: true, series: ['18.0', '19.0'] }),
  },
  // Odoo creates the hashed key and its lookup index outside the ORM (res_users.py, APIKeys.init).
  rawColumns: ['"index" varchar(8) NOT NULL', '"key" varchar NOT NULL'],
  sql: [
    'CREATE INDEX IF NOT EXISTS res_users_apikeys_user_id_index_idx ON res_users_apikeys (user_id, "index")',
  ],
};

export const irSequence: ModelDef = {
  name: 'ir.sequence',
  table: 'ir_sequence',
  description: 'Sequence',
  order: 'name',
  fields: {
    name: f.char('Name', { required: true }),
    code: f.char('Sequence Code'),
    implementation: f.selection(
      'Implementation',
      [
        ['standard', 'Standard'],
        ['no_gap', 'No gap'],
      ],
      { required: true, default: 'standard' },
    ),
    active: f.bool('Active', { default: true }),
    prefix: f.char('Prefix'),
    suffix: f.char('Suffix'),
    number_next: f.int('Next Number', { required: true, default: 1 }),
    number_increment: f.int('Step', { required: true, default: 1 }),
    padding: f.int('Sequence Size', { required: true, default: 0 }),
    use_date_range: f.bool('Use subsequences per date_range', { default: false }),
    company_id: f.many2one('Company', 'res.company'),
  },
};

export const irConfigParameter: ModelDef = {
  name: 'ir.config_parameter',
  table: 'ir_config_parameter',
  description: 'System Parameter',
  order: 'key',
  recName: 'key',
  fields: {
    key: f.char('Key', { required: true }),
    value: f.text('Value', { required: true }),
  },
  sql: [
    'CREATE UNIQUE INDEX IF NOT EXISTS ir_config_parameter_key_uniq ON ir_config_parameter (key)',
  ],
};

export const uomCategory: ModelDef = {
  name: 'uom.category',
  table: 'uom_category',
  description: 'Product UoM Categories',
  fields: { name: f.char('Unit of Measure Category', { required: true, translate: true }) },
};

export const uomUom: ModelDef = {
  name: 'uom.uom',
  table: 'uom_uom',
  description: 'Product Unit of Measure',
  order: 'factor DESC, id',
  fields: {
    name: f.char('Unit of Measure', { required: true, translate: true }),
    category_id: f.many2one('Category', 'uom.category', { required: true, ondelete: 'restrict' }),
    factor: f.float('Ratio', { numeric: true, required: true, default: 1 }),
    rounding: f.float('Rounding Precision', { numeric: true, required: true, default: 0.01 }),
    active: f.bool('Active', { default: true }),
    uom_type: f.selection(
      'Type',
      [
        ['bigger', 'Bigger than the reference Unit of Measure'],
        ['reference', 'Reference Unit of Measure for this category'],
        ['smaller', 'Smaller than the reference Unit of Measure'],
      ],
      { required: true, default: 'reference' },
    ),
  },
};

export const productCategory: ModelDef = {
  name: 'product.category',
  table: 'product_category',
  description: 'Product Category',
  order: 'complete_name',
  recName: 'complete_name',
  parentStore: true,
  fields: {
    name: f.char('Name', { required: true, index: true }),
    complete_name: f.char('Complete Name'),
    parent_id: f.many2one('Parent Category', 'product.category', {
      index: true,
      ondelete: 'cascade',
    }),
    parent_path: f.char('Parent Path', { index: true }),
    child_id: f.one2many('Child Categories', 'product.category', 'parent_id'),
  },
};

export const BASE_MODELS: readonly ModelDef[] = [
  resPartner,
  resCurrency,
  resCompany,
  resUsers,
  resUsersApikeys,
  irSequence,
  irConfigParameter,
  uomCategory,
  uomUom,
  productCategory,
];
