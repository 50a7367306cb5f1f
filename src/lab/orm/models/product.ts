// product.template and product.product (Odoo's _inherits: a product's template fields read and
// write through product_tmpl_id). Storable is detailed_type='product' in 16/17 and is_storable
// in 18; the lab keeps both columns consistent so stock code asks one question.
import { since } from '../../contract.js';
import type { FieldDef, ModelDef, Runtime, Vals } from '../model.js';
import { f } from './fields.js';

const DETAILED_TYPES = [
  ['consu', 'Consumable'],
  ['service', 'Service'],
  ['product', 'Storable Product'],
] as const;

const PRODUCT_TYPES = [
  ['consu', 'Goods'],
  ['service', 'Service'],
  ['product', 'Storable Product'],
  ['combo', 'Combo'],
] as const;

/** Storable flags from what the caller gave, per series; `creating` fills 16/17's column in 18. */
function storableVals(rt: Runtime, vals: Vals, creating: boolean): Vals {
  const result = { ...vals };
  if (since(rt.serie, 18)) {
    if (vals.is_storable) result.type = 'consu';
    if (creating || 'is_storable' in vals || 'type' in vals)
      result.detailed_type = vals.is_storable ? 'product' : (result.type ?? 'consu');
    return result;
  }
  if ('detailed_type' in vals) {
    const detailed = vals.detailed_type;
    result.type = detailed === 'product' ? 'product' : detailed;
    result.is_storable = detailed === 'product';
  } else if ('type' in vals) {
    result.detailed_type = vals.type;
    result.is_storable = vals.type === 'product';
  }
  return result;
}

/** On-hand and free quantity in internal locations, per product (Odoo's qty_available, free_qty). */
function stockQuantity(kind: 'quantity' | 'free'): FieldDef['compute'] {
  return async (rt, ids) => {
    const expr = kind === 'quantity' ? 'q.quantity' : 'q.quantity - q.reserved_quantity';
    const rows = await rt.query<{ id: number; qty: number }>(
      `SELECT q.product_id AS id, sum(${expr})::float8 AS qty
         FROM stock_quant q JOIN stock_location l ON l.id = q.location_id
        WHERE l.usage = 'internal' AND q.product_id = ANY($1)
        GROUP BY q.product_id`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.qty]));
  };
}

export const productTemplate: ModelDef = {
  name: 'product.template',
  table: 'product_template',
  description: 'Product',
  order: 'priority desc, name',
  fields: {
    name: f.char('Name', { required: true, translate: true, index: true }),
    sequence: f.int('Sequence', { default: 1 }),
    description: f.text('Description', { translate: true }),
    description_sale: f.text('Sales Description', { translate: true }),
    description_picking: f.text('Description on Picking', { translate: true }),
    detailed_type: f.selection('Product Type', DETAILED_TYPES, {
      required: true,
      default: 'consu',
      series: ['16.0', '17.0'],
    }),
    type: f.selection('Type', PRODUCT_TYPES, { required: true, default: 'consu' }),
    is_storable: f.bool('Track Inventory', { default: false, series: ['18.0', '19.0'] }),
    list_price: f.float('Sales Price', { numeric: true, default: 1.0 }),
    uom_id: f.many2one('Unit of Measure', 'uom.uom', { required: true, default: 1 }),
    uom_po_id: f.many2one('Purchase Unit of Measure', 'uom.uom', { required: true, default: 1 }),
    categ_id: f.many2one('Product Category', 'product.category', {
      required: true,
      default: 1,
      index: true,
    }),
    invoice_policy: f.selection(
      'Invoicing Policy',
      [
        ['order', 'Ordered quantities'],
        ['delivery', 'Delivered quantities'],
      ],
      { default: 'order' },
    ),
    tracking: f.selection(
      'Tracking',
      [
        ['serial', 'By Unique Serial Number'],
        ['lot', 'By Lots'],
        ['none', 'No Tracking'],
      ],
      { required: true, default: 'none' },
    ),
    sale_ok: f.bool('Can be Sold', { default: true }),
    purchase_ok: f.bool('Can be Purchased', { default: true }),
    active: f.bool('Active', { default: true }),
    priority: f.selection(
      'Favorite',
      [
        ['0', 'Normal'],
        ['1', 'Favorite'],
      ],
      { default: '0' },
    ),
    default_code: f.char('Internal Reference'),
    weight: f.float('Weight', { numeric: true }),
    volume: f.float('Volume', { numeric: true }),
    company_id: f.many2one('Company', 'res.company', { index: true }),
    taxes_id: f.many2many(
      'Customer Taxes',
      'account.tax',
      'product_taxes_rel',
      'prod_id',
      'tax_id',
      {
        defaultFn: () => [[6, 0, [1]]],
      },
    ),
    supplier_taxes_id: f.many2many(
      'Vendor Taxes',
      'account.tax',
      'product_supplier_taxes_rel',
      'prod_id',
      'tax_id',
      { defaultFn: () => [[6, 0, [2]]] },
    ),
    product_variant_ids: f.one2many('Products', 'product.product', 'product_tmpl_id'),
    qty_available: {
      type: 'float',
      string: 'Quantity On Hand',
      compute: async (rt, ids) => {
        const variants = await rt.query<{ id: number; tmpl: number }>(
          'SELECT id, product_tmpl_id AS tmpl FROM product_product WHERE product_tmpl_id = ANY($1)',
          [ids],
        );
        const byVariant = await stockQuantity('quantity')!(
          rt,
          variants.map((v) => v.id),
        );
        const result = new Map<number, number>();
        for (const v of variants)
          result.set(v.tmpl, (result.get(v.tmpl) ?? 0) + ((byVariant.get(v.id) as number) ?? 0));
        return result;
      },
    },
  },
  hooks: {
    prepareCreate: async (rt, vals) => storableVals(rt, vals, true),
    prepareWrite: async (rt, _ids, vals) => storableVals(rt, vals, false),
    async afterCreate(rt, ids) {
      // A template created on its own gets its variant, as in Odoo.
      if (rt.context.create_product_product) return;
      for (const id of ids) await rt.create('product.product', { product_tmpl_id: id });
    },
  },
};

/** Template fields given to product.product.create go to a template created first. */
async function createTemplateFirst(rt: Runtime, vals: Vals): Promise<Vals> {
  if (typeof vals.product_tmpl_id === 'number') return vals;
  const own: Vals = {};
  const template: Vals = {};
  for (const [name, value] of Object.entries(vals)) {
    if (rt.field('product.product', name)?.via) template[name] = value;
    else own[name] = value;
  }
  if (typeof own.default_code === 'string') template.default_code = own.default_code;
  own.product_tmpl_id = await rt
    .withContext({ create_product_product: true })
    .create('product.template', template);
  return own;
}

export const productProduct: ModelDef = {
  name: 'product.product',
  table: 'product_product',
  description: 'Product Variant',
  order: 'priority desc, default_code, name, id',
  inherits: { model: 'product.template', field: 'product_tmpl_id' },
  displayName: (t) =>
    `(SELECT CASE WHEN ${t}.default_code IS NOT NULL THEN '[' || ${t}.default_code || '] ' ELSE '' END || (pt.name->>'en_US') FROM product_template pt WHERE pt.id = ${t}.product_tmpl_id)`,
  fields: {
    product_tmpl_id: f.many2one('Product Template', 'product.template', {
      required: true,
      ondelete: 'cascade',
      index: true,
    }),
    default_code: f.char('Internal Reference', { index: true }),
    barcode: f.char('Barcode'),
    active: f.bool('Active', { default: true }),
    combination_indices: f.char('Combination Indices', { index: true }),
    lst_price: {
      type: 'float',
      string: 'Sales Price',
      sql: (t) =>
        `(SELECT pt.list_price FROM product_template pt WHERE pt.id = ${t}.product_tmpl_id)`,
    },
    qty_available: {
      type: 'float',
      string: 'Quantity On Hand',
      compute: stockQuantity('quantity'),
    },
    free_qty: { type: 'float', string: 'Free To Use Quantity', compute: stockQuantity('free') },
  },
  sql: [
    `CREATE UNIQUE INDEX IF NOT EXISTS product_product_combination_unique ON product_product (product_tmpl_id, combination_indices) WHERE active IS TRUE`,
  ],
  hooks: {
    prepareCreate: createTemplateFirst,
    async beforeUnlink(rt, ids) {
      const rows = await rt.query<{ tmpl: number }>(
        'SELECT DISTINCT product_tmpl_id AS tmpl FROM product_product WHERE id = ANY($1)',
        [ids],
      );
      return rows.map((r) => r.tmpl);
    },
    // Odoo deletes a template with its last variant.
    async afterUnlink(rt, _ids, templates) {
      await rt.query(
        'DELETE FROM product_template t WHERE t.id = ANY($1) AND NOT EXISTS (SELECT 1 FROM product_product p WHERE p.product_tmpl_id = t.id)',
        [templates],
      );
    },
    async afterWrite(rt, ids, vals) {
      if ('default_code' in vals)
        await rt.query(
          'UPDATE product_template t SET default_code = p.default_code FROM product_product p WHERE p.product_tmpl_id = t.id AND p.id = ANY($1)',
          [ids],
        );
    },
  },
};

export const PRODUCT_MODELS: readonly ModelDef[] = [productTemplate, productProduct];
