// Stock models (Odoo's stock, stock_delivery): warehouses, locations, operation types, transfers,
// moves, move lines, quants, lots, packages, procurement groups and carriers, with Odoo 17's
// columns and the indexes Odoo puts on the hot paths. Their business methods live in ../stock/.
import type { FieldDef, ModelDef, Runtime } from '../model.js';
import { COMPANY_ID, companyField, f, nowUtc } from './fields.js';
import { quantHooks, quantMethods } from '../stock/inventory.js';
import {
  backorderWizardMethods,
  immediateWizardMethods,
  moveHooks,
  moveLineHooks,
  moveMethods,
  pickingHooks,
  pickingMethods,
} from '../stock/picking.js';

const nowDefault = { defaultFn: nowUtc };

/**
 * 16's names on moves and move lines (quantity_done / qty_done, reserved_availability /
 * reserved_uom_qty): the done quantity is what is picked, the reserved one what is not done yet.
 */
const DONE_16: FieldDef = {
  type: 'float',
  string: 'Quantity Done',
  series: ['16.0'],
  sql: (t) => `(CASE WHEN ${t}.picked THEN ${t}.quantity ELSE 0 END)`,
};
const RESERVED_16: FieldDef = {
  type: 'float',
  string: 'Quantity Reserved',
  series: ['16.0'],
  sql: (t) => `(CASE WHEN ${t}.state = 'done' THEN 0 ELSE ${t}.quantity END)`,
};

export const MOVE_STATES = [
  ['draft', 'New'],
  ['waiting', 'Waiting Another Move'],
  ['confirmed', 'Waiting Availability'],
  ['partially_available', 'Partially Available'],
  ['assigned', 'Available'],
  ['done', 'Done'],
  ['cancel', 'Cancelled'],
] as const;

export const PICKING_STATES = [
  ['draft', 'Draft'],
  ['waiting', 'Waiting Another Operation'],
  ['confirmed', 'Waiting'],
  ['assigned', 'Ready'],
  ['done', 'Done'],
  ['cancel', 'Cancelled'],
] as const;

const LOCATION_USAGES = [
  ['supplier', 'Vendor Location'],
  ['view', 'View'],
  ['internal', 'Internal Location'],
  ['customer', 'Customer Location'],
  ['inventory', 'Inventory Loss'],
  ['production', 'Production'],
  ['transit', 'Transit Location'],
] as const;

/** complete_name ("WH/Stock") and parent_path ("1/7/8/") are stored, as Odoo's _parent_store. */
async function computeLocationPaths(rt: Runtime, ids: number[]): Promise<void> {
  for (const id of ids) {
    await rt.query(
      `UPDATE stock_location l
          SET parent_path = COALESCE((SELECT p.parent_path FROM stock_location p WHERE p.id = l.location_id), '') || l.id || '/',
              complete_name = CASE WHEN l.location_id IS NOT NULL AND l.usage != 'view'
                                   THEN (SELECT p.complete_name FROM stock_location p WHERE p.id = l.location_id) || '/' || l.name
                                   ELSE l.name END,
              warehouse_id = (SELECT w.id FROM stock_warehouse w JOIN stock_location v ON v.id = w.view_location_id
                               WHERE (COALESCE((SELECT p.parent_path FROM stock_location p WHERE p.id = l.location_id), '') || l.id || '/') LIKE v.parent_path || '%' LIMIT 1)
        WHERE l.id = $1`,
      [id],
    );
  }
}

export const stockLocation: ModelDef = {
  name: 'stock.location',
  table: 'stock_location',
  description: 'Inventory Locations',
  order: 'complete_name, id',
  recName: 'complete_name',
  parentStore: true,
  fields: {
    name: f.char('Location Name', { required: true }),
    complete_name: f.char('Full Location Name', { index: true }),
    active: f.bool('Active', { default: true }),
    usage: f.selection('Location Type', LOCATION_USAGES, {
      required: true,
      default: 'internal',
      index: true,
    }),
    location_id: f.many2one('Parent Location', 'stock.location', {
      index: true,
      ondelete: 'cascade',
    }),
    child_ids: f.one2many('Contains', 'stock.location', 'location_id'),
    parent_path: f.char('Parent Path', { index: true }),
    company_id: f.many2one('Company', 'res.company', { index: true }),
    scrap_location: f.bool('Is a Scrap Location?', { default: false }),
    return_location: f.bool('Is a Return Location?', { default: false }),
    replenish_location: f.bool('Replenish Location', { default: false }),
    barcode: f.char('Barcode'),
    warehouse_id: f.many2one('Warehouse', 'stock.warehouse', { readonly: true }),
    last_inventory_date: f.date('Last Effective Inventory', { readonly: true }),
  },
  hooks: {
    afterCreate: (rt, ids) => computeLocationPaths(rt, ids),
    async afterWrite(rt, ids, vals) {
      if ('name' in vals || 'location_id' in vals) await computeLocationPaths(rt, ids);
    },
  },
};

export const stockWarehouse: ModelDef = {
  name: 'stock.warehouse',
  table: 'stock_warehouse',
  description: 'Warehouse',
  order: 'sequence,id',
  fields: {
    name: f.char('Warehouse', { required: true }),
    code: f.char('Short Name', { required: true }),
    active: f.bool('Active', { default: true }),
    company_id: f.many2one('Company', 'res.company', { required: true, default: COMPANY_ID }),
    partner_id: f.many2one('Address', 'res.partner'),
    sequence: f.int('Sequence', { default: 10 }),
    view_location_id: f.many2one('View Location', 'stock.location', { required: true }),
    lot_stock_id: f.many2one('Location Stock', 'stock.location', { required: true }),
    in_type_id: f.many2one('In Type', 'stock.picking.type'),
    out_type_id: f.many2one('Out Type', 'stock.picking.type'),
    int_type_id: f.many2one('Internal Type', 'stock.picking.type'),
    pick_type_id: f.many2one('Pick Type', 'stock.picking.type'),
    pack_type_id: f.many2one('Pack Type', 'stock.picking.type'),
    reception_steps: f.selection(
      'Incoming Shipments',
      [
        ['one_step', 'Receive goods directly (1 step)'],
        ['two_steps', 'Receive goods in input and then stock (2 steps)'],
        ['three_steps', 'Receive goods in input, then quality and then stock (3 steps)'],
      ],
      { required: true, default: 'one_step' },
    ),
    delivery_steps: f.selection(
      'Outgoing Shipments',
      [
        ['ship_only', 'Deliver goods directly (1 step)'],
        ['pick_ship', 'Send goods in output and then deliver (2 steps)'],
        ['pick_pack_ship', 'Pack goods, send goods in output and then deliver (3 steps)'],
      ],
      { required: true, default: 'ship_only' },
    ),
  },
  sql: [
    'CREATE UNIQUE INDEX IF NOT EXISTS stock_warehouse_warehouse_name_uniq ON stock_warehouse (name, company_id)',
    'CREATE UNIQUE INDEX IF NOT EXISTS stock_warehouse_warehouse_code_uniq ON stock_warehouse (code, company_id)',
  ],
};

export const stockPickingType: ModelDef = {
  name: 'stock.picking.type',
  table: 'stock_picking_type',
  description: 'Picking Type',
  order: 'sequence, id',
  displayName: (t) =>
    `(COALESCE((SELECT w.name || ': ' FROM stock_warehouse w WHERE w.id = ${t}.warehouse_id), '') || (${t}.name->>'en_US'))`,
  fields: {
    name: f.char('Operation Type', { required: true, translate: true }),
    code: f.selection(
      'Type of Operation',
      [
        ['incoming', 'Receipt'],
        ['outgoing', 'Delivery'],
        ['internal', 'Internal Transfer'],
      ],
      { required: true },
    ),
    sequence: f.int('Sequence', { default: 1 }),
    sequence_id: f.many2one('Reference Sequence', 'ir.sequence'),
    sequence_code: f.char('Sequence Prefix', { required: true }),
    default_location_src_id: f.many2one('Default Source Location', 'stock.location'),
    default_location_dest_id: f.many2one('Default Destination Location', 'stock.location'),
    warehouse_id: f.many2one('Warehouse', 'stock.warehouse', { ondelete: 'cascade' }),
    company_id: f.many2one('Company', 'res.company', { required: true, default: COMPANY_ID }),
    active: f.bool('Active', { default: true }),
    reservation_method: f.selection(
      'Reservation Method',
      [
        ['at_confirm', 'At Confirmation'],
        ['manual', 'Manually'],
        ['by_date', 'Before scheduled date'],
      ],
      { required: true, default: 'at_confirm' },
    ),
    create_backorder: f.selection(
      'Create Backorder',
      [
        ['ask', 'Ask'],
        ['always', 'Always'],
        ['never', 'Never'],
      ],
      { required: true, default: 'ask' },
    ),
    show_operations: f.bool('Show Detailed Operations', { default: false }),
    use_create_lots: f.bool('Create New Lots/Serial Numbers', { default: true }),
    use_existing_lots: f.bool('Use Existing Lots/Serial Numbers', { default: true }),
  },
};

export const procurementGroup: ModelDef = {
  name: 'procurement.group',
  table: 'procurement_group',
  description: 'Procurement Group',
  order: 'id desc',
  fields: {
    name: f.char('Reference', { required: true }),
    move_type: f.selection(
      'Delivery Type',
      [
        ['direct', 'Partial'],
        ['one', 'All at once'],
      ],
      { required: true, default: 'direct' },
    ),
    partner_id: f.many2one('Partner', 'res.partner'),
    sale_id: f.many2one('Sale Order', 'sale.order', { index: true }),
    stock_move_ids: f.one2many('Related Stock Moves', 'stock.move', 'group_id'),
  },
};

export const deliveryCarrier: ModelDef = {
  name: 'delivery.carrier',
  table: 'delivery_carrier',
  description: 'Shipping Methods',
  order: 'sequence, id',
  fields: {
    name: f.char('Delivery Method', { required: true, translate: true }),
    sequence: f.int('Sequence', { default: 10 }),
    active: f.bool('Active', { default: true }),
    delivery_type: f.selection(
      'Provider',
      [
        ['base_on_rule', 'Based on Rules'],
        ['fixed', 'Fixed Price'],
      ],
      { required: true, default: 'fixed' },
    ),
    product_id: f.many2one('Delivery Product', 'product.product', {
      required: true,
      ondelete: 'restrict',
    }),
    fixed_price: f.float('Fixed Price', { numeric: true }),
    company_id: f.many2one('Company', 'res.company'),
  },
};

export const stockLot: ModelDef = {
  name: 'stock.lot',
  table: 'stock_lot',
  description: 'Lot/Serial',
  order: 'name, id',
  fields: {
    name: f.char('Lot/Serial Number', { required: true, index: true }),
    product_id: f.many2one('Product', 'product.product', { required: true, index: true }),
    company_id: companyField(),
  },
};

export const stockQuantPackage: ModelDef = {
  name: 'stock.quant.package',
  table: 'stock_quant_package',
  description: 'Packages',
  order: 'name',
  fields: {
    name: f.char('Package Reference', { required: true, index: true }),
    location_id: f.many2one('Location', 'stock.location', { index: true }),
    company_id: f.many2one('Company', 'res.company'),
  },
};

export const stockPicking: ModelDef = {
  name: 'stock.picking',
  table: 'stock_picking',
  description: 'Transfer',
  order: 'priority desc, scheduled_date asc, id desc',
  fields: {
    name: f.char('Reference', { default: '/', index: true }),
    origin: f.char('Source Document', { index: true }),
    note: f.text('Notes'),
    backorder_id: f.many2one('Back Order of', 'stock.picking', { index: true }),
    backorder_ids: f.one2many('Back Orders', 'stock.picking', 'backorder_id'),
    move_type: f.selection(
      'Shipping Policy',
      [
        ['direct', 'As soon as possible'],
        ['one', 'When all products are ready'],
      ],
      { required: true, default: 'direct' },
    ),
    state: f.selection('Status', PICKING_STATES, { default: 'draft', index: true, readonly: true }),
    group_id: f.many2one('Procurement Group', 'procurement.group'),
    priority: f.selection(
      'Priority',
      [
        ['0', 'Normal'],
        ['1', 'Urgent'],
      ],
      { default: '0', index: true },
    ),
    scheduled_date: f.datetime('Scheduled Date', { required: true, index: true, ...nowDefault }),
    date_deadline: f.datetime('Deadline'),
    date: f.datetime('Creation Date', { index: true, ...nowDefault }),
    date_done: f.datetime('Date of Transfer', { readonly: true }),
    location_id: f.many2one('Source Location', 'stock.location', { required: true, index: true }),
    location_dest_id: f.many2one('Destination Location', 'stock.location', {
      required: true,
      index: true,
    }),
    move_ids: f.one2many('Stock Moves', 'stock.move', 'picking_id'),
    move_ids_without_package: f.one2many('Stock moves not in package', 'stock.move', 'picking_id'),
    move_line_ids: f.one2many('Operations', 'stock.move.line', 'picking_id'),
    picking_type_id: f.many2one('Operation Type', 'stock.picking.type', {
      required: true,
      index: true,
    }),
    picking_type_code: {
      type: 'selection',
      string: 'Type of Operation',
      selection: [
        ['incoming', 'Receipt'],
        ['outgoing', 'Delivery'],
        ['internal', 'Internal Transfer'],
      ],
      sql: (t) => `(SELECT pt.code FROM stock_picking_type pt WHERE pt.id = ${t}.picking_type_id)`,
    },
    partner_id: f.many2one('Contact', 'res.partner', { index: true }),
    company_id: f.many2one('Company', 'res.company', {
      required: true,
      index: true,
      default: COMPANY_ID,
    }),
    user_id: f.many2one('Responsible', 'res.users', { defaultFn: (rt) => rt.uid }),
    sale_id: f.many2one('Sales Order', 'sale.order', { index: true }),
    carrier_id: f.many2one('Carrier', 'delivery.carrier'),
    carrier_tracking_ref: f.char('Tracking Reference'),
    weight: f.float('Weight', { numeric: true }),
    shipping_weight: f.float('Weight for Shipping', { numeric: true }),
    printed: f.bool('Printed', { default: false }),
    is_locked: f.bool('Is Locked', { default: true }),
    immediate_transfer: f.bool('Immediate Transfer', { default: false, series: ['16.0'] }),
  },
  methods: pickingMethods,
  hooks: pickingHooks,
};

export const stockMove: ModelDef = {
  name: 'stock.move',
  table: 'stock_move',
  description: 'Stock Move',
  order: 'sequence, id',
  fields: {
    // 19 has no move name: its description is computed (description_picking). The column stays,
    // filled from the product, so the ORM's SQL is the same on every series.
    name: f.char('Description', { required: true, series: ['16.0', '17.0', '18.0'] }),
    sequence: f.int('Sequence', { default: 10 }),
    priority: f.selection(
      'Priority',
      [
        ['0', 'Normal'],
        ['1', 'Urgent'],
      ],
      { default: '0' },
    ),
    date: f.datetime('Date Scheduled', { required: true, index: true, ...nowDefault }),
    date_deadline: f.datetime('Deadline'),
    company_id: f.many2one('Company', 'res.company', {
      required: true,
      index: true,
      default: COMPANY_ID,
    }),
    product_id: f.many2one('Product', 'product.product', { required: true, index: true }),
    description_picking: f.text('Description of Picking'),
    product_qty: f.float('Real Quantity', { numeric: true, readonly: true }),
    product_uom_qty: f.float('Demand', { numeric: true, required: true, default: 1 }),
    product_uom: f.many2one('UoM', 'uom.uom', { required: true }),
    location_id: f.many2one('Source Location', 'stock.location', { required: true, index: true }),
    location_dest_id: f.many2one('Destination Location', 'stock.location', {
      required: true,
      index: true,
    }),
    partner_id: f.many2one('Destination Address ', 'res.partner', { index: true }),
    picking_id: f.many2one('Transfer', 'stock.picking', { index: true }),
    state: f.selection('Status', MOVE_STATES, { default: 'draft', index: true, readonly: true }),
    price_unit: f.float('Unit Price'),
    origin: f.char('Source Document'),
    procure_method: f.selection(
      'Supply Method',
      [
        ['make_to_stock', 'Default: Take From Stock'],
        ['make_to_order', 'Advanced: Apply Procurement Rules'],
      ],
      { required: true, default: 'make_to_stock' },
    ),
    scrapped: f.bool('Scrapped', { default: false }),
    group_id: f.many2one('Procurement Group', 'procurement.group', { index: true }),
    picking_type_id: f.many2one('Operation Type', 'stock.picking.type', { index: true }),
    is_inventory: f.bool('Inventory', { default: false }),
    move_line_ids: f.one2many('Move Lines', 'stock.move.line', 'move_id'),
    origin_returned_move_id: f.many2one('Origin return move', 'stock.move', { index: true }),
    warehouse_id: f.many2one('Warehouse', 'stock.warehouse'),
    reference: f.char('Reference', { index: true }),
    sale_line_id: f.many2one('Sale Line', 'sale.order.line', { index: true }),
    quantity: f.float('Quantity', { numeric: true, default: 0 }),
    picked: f.bool('Picked', { default: false }),
    quantity_done: DONE_16,
    reserved_availability: RESERVED_16,
    reservation_date: f.date('Date to Reserve'),
    picking_code: {
      type: 'char',
      string: 'Picking Code',
      sql: (t) => `(SELECT pt.code FROM stock_picking_type pt WHERE pt.id = ${t}.picking_type_id)`,
    },
  },
  sql: [
    'CREATE INDEX IF NOT EXISTS stock_move_product_location_index ON stock_move (product_id, location_id, location_dest_id, company_id, state)',
  ],
  methods: moveMethods,
  hooks: moveHooks,
};

export const stockMoveLine: ModelDef = {
  name: 'stock.move.line',
  table: 'stock_move_line',
  description: 'Product Moves (Stock Move Line)',
  order: 'result_package_id desc, location_id asc, location_dest_id asc, picking_id asc, id',
  displayName: (t) => `COALESCE(${t}.reference, 'stock.move.line,' || ${t}.id)`,
  fields: {
    picking_id: f.many2one('Transfer', 'stock.picking', { index: true }),
    move_id: f.many2one('Stock Operation', 'stock.move', { index: true, ondelete: 'cascade' }),
    company_id: f.many2one('Company', 'res.company', {
      required: true,
      index: true,
      default: COMPANY_ID,
    }),
    product_id: f.many2one('Product', 'product.product', { index: true, ondelete: 'cascade' }),
    product_uom_id: f.many2one('Unit of Measure', 'uom.uom', { required: true }),
    quantity: f.float('Quantity', { numeric: true, default: 0 }),
    quantity_product_uom: f.float('Quantity in Product UoM', { numeric: true, readonly: true }),
    picked: f.bool('Picked', { default: false }),
    package_id: f.many2one('Source Package', 'stock.quant.package', { index: true }),
    result_package_id: f.many2one('Destination Package', 'stock.quant.package', { index: true }),
    lot_id: f.many2one('Lot/Serial Number', 'stock.lot', { index: true }),
    lot_name: f.char('Lot/Serial Number Name'),
    owner_id: f.many2one('From Owner', 'res.partner'),
    location_id: f.many2one('From', 'stock.location', { required: true, index: true }),
    location_dest_id: f.many2one('To', 'stock.location', { required: true, index: true }),
    date: f.datetime('Date', { required: true, ...nowDefault }),
    state: f.selection('Status', MOVE_STATES, { readonly: true }),
    reference: f.char('Reference', { readonly: true }),
    description_picking: f.text('Description picking'),
    qty_done: DONE_16,
    reserved_uom_qty: RESERVED_16,
  },
  sql: [
    `CREATE INDEX IF NOT EXISTS stock_move_line_free_reservation_index ON stock_move_line (id, company_id, product_id, lot_id, location_id, owner_id, package_id)
       WHERE (state IS NULL OR state NOT IN ('cancel', 'done')) AND quantity_product_uom > 0 AND picked IS NOT TRUE`,
  ],
  hooks: moveLineHooks,
};

export const stockQuant: ModelDef = {
  name: 'stock.quant',
  table: 'stock_quant',
  description: 'Quants',
  displayName: (t) =>
    `(SELECT l.complete_name FROM stock_location l WHERE l.id = ${t}.location_id) || ' - ' || (SELECT CASE WHEN p.default_code IS NOT NULL THEN '[' || p.default_code || '] ' ELSE '' END || (pt.name->>'en_US') FROM product_product p JOIN product_template pt ON pt.id = p.product_tmpl_id WHERE p.id = ${t}.product_id)`,
  fields: {
    product_id: f.many2one('Product', 'product.product', {
      required: true,
      index: true,
      ondelete: 'restrict',
    }),
    product_tmpl_id: {
      type: 'many2one',
      string: 'Product Template',
      relation: 'product.template',
      sql: (t) => `(SELECT p.product_tmpl_id FROM product_product p WHERE p.id = ${t}.product_id)`,
    },
    product_uom_id: {
      type: 'many2one',
      string: 'Unit of Measure',
      relation: 'uom.uom',
      sql: (t) =>
        `(SELECT pt.uom_id FROM product_product p JOIN product_template pt ON pt.id = p.product_tmpl_id WHERE p.id = ${t}.product_id)`,
    },
    company_id: f.many2one('Company', 'res.company', { index: true, default: COMPANY_ID }),
    location_id: f.many2one('Location', 'stock.location', {
      required: true,
      index: true,
      ondelete: 'restrict',
    }),
    lot_id: f.many2one('Lot/Serial Number', 'stock.lot', { index: true, ondelete: 'restrict' }),
    package_id: f.many2one('Package', 'stock.quant.package', { index: true, ondelete: 'restrict' }),
    owner_id: f.many2one('Owner', 'res.partner', { index: true }),
    quantity: f.float('Quantity', { numeric: true, readonly: true, default: 0 }),
    reserved_quantity: f.float('Reserved Quantity', {
      numeric: true,
      required: true,
      readonly: true,
      default: 0,
    }),
    available_quantity: {
      type: 'float',
      string: 'Available Quantity',
      sql: (t) => `(${t}.quantity - ${t}.reserved_quantity)`,
    },
    in_date: f.datetime('Incoming Date', { required: true, readonly: true, ...nowDefault }),
    inventory_quantity: f.float('Counted Quantity', { numeric: true }),
    inventory_diff_quantity: f.float('Difference', { numeric: true, readonly: true }),
    inventory_date: f.date('Scheduled Date'),
    inventory_quantity_set: f.bool('Inventory Quantity Set', { default: false }),
    is_outdated: {
      type: 'boolean',
      string: 'Quantity has been moved since last count',
      sql: (t) =>
        `(${t}.inventory_quantity_set IS TRUE AND round((COALESCE(${t}.inventory_quantity, 0) - COALESCE(${t}.inventory_diff_quantity, 0))::numeric, 6) != round(${t}.quantity::numeric, 6))`,
    },
    user_id: f.many2one('Assigned To', 'res.users'),
  },
  sql: [
    'CREATE INDEX IF NOT EXISTS stock_quant_product_location_index ON stock_quant (product_id, location_id, company_id, lot_id, package_id, owner_id, in_date)',
  ],
  methods: quantMethods,
  hooks: quantHooks,
};

export const stockBackorderConfirmation: ModelDef = {
  name: 'stock.backorder.confirmation',
  table: 'stock_backorder_confirmation',
  description: 'Backorder Confirmation',
  transient: true,
  fields: {
    pick_ids: f.many2many(
      'Pick',
      'stock.picking',
      'stock_picking_backorder_rel',
      'stock_backorder_confirmation_id',
      'stock_picking_id',
    ),
    show_transfers: f.bool('Show Transfers', { default: false }),
  },
  methods: backorderWizardMethods,
};

export const stockImmediateTransfer: ModelDef = {
  name: 'stock.immediate.transfer',
  table: 'stock_immediate_transfer',
  description: 'Immediate Transfer',
  transient: true,
  fields: {
    pick_ids: f.many2many(
      'Pick',
      'stock.picking',
      'stock_picking_transfer_rel',
      'stock_immediate_transfer_id',
      'stock_picking_id',
    ),
    show_transfers: f.bool('Show Transfers', { default: false }),
  },
  methods: immediateWizardMethods,
};

export const STOCK_MODELS: readonly ModelDef[] = [
  stockLocation,
  stockWarehouse,
  stockPickingType,
  procurementGroup,
  deliveryCarrier,
  stockLot,
  stockQuantPackage,
  stockPicking,
  stockMove,
  stockMoveLine,
  stockQuant,
  stockBackorderConfirmation,
  stockImmediateTransfer,
];
