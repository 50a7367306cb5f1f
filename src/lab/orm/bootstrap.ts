// Creates a tenant database's schema and base data, as a fresh Odoo 17 database with
// sale_management, stock, account and stock_delivery has them: company, admin user (uid 2),
// warehouse WH with its locations and operation types, journals, a 15% sales tax, sequences.
// Record ids follow Odoo's (admin is uid 2, the first customer is partner 7, the first product
// created is product 2), so the recorded fixtures line up. Run on a connection outside any
// transaction: bootstrap runs in its own. On an existing lab database it only resets admin's
// password.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { OdooSerie } from '../contract.js';
import { hashSecret } from './password-hash.js';
import type { Registry } from './registry.js';
import { schemaStatements } from './schema.js';
import { createSequence } from './sequence.js';
import { ident } from './sql.js';

/** Bumped when the schema changes incompatibly; an older lab database must be recreated. */
export const LAB_SCHEMA_VERSION = '2';
const SCHEMA_KEY = 'odoo_capacity.lab_schema';

export const ADMIN_UID = 2;
export const WAREHOUSE = {
  id: 1,
  viewLocation: 7,
  stockLocation: 8,
  vendorLocation: 4,
  customerLocation: 5,
  packingLocation: 12,
  inventoryLocation: 14,
  receiptType: 1,
  deliveryType: 2,
  pickType: 3,
  packType: 4,
  internalType: 5,
} as const;
export const SALE_JOURNAL = 1;

type Row = Record<string, unknown>;

async function insert(client: pg.ClientBase, table: string, rows: Row[]): Promise<void> {
  for (const row of rows) {
    const entries = Object.entries(row);
    const columns = [
      ...entries.map(([k]) => ident(k)),
      'create_uid',
      'write_uid',
      'create_date',
      'write_date',
    ];
    const values = [
      ...entries.map((_, i) => `$${i + 1}`),
      '1',
      '1',
      "now() AT TIME ZONE 'UTC'",
      "now() AT TIME ZONE 'UTC'",
    ];
    await client.query(
      `INSERT INTO ${ident(table)} (${columns.join(', ')}) VALUES (${values.join(', ')})`,
      entries.map(([, v]) =>
        v !== null && typeof v === 'object' && !Array.isArray(v) ? JSON.stringify(v) : v,
      ),
    );
  }
}

const en = (text: string) => ({ en_US: text });

async function baseData(client: pg.ClientBase, serie: OdooSerie, adminHash: string): Promise<void> {
  await insert(client, 'res_currency', [
    {
      id: 1,
      name: 'USD',
      full_name: 'United States dollar',
      symbol: '$',
      rounding: 0.01,
      position: 'before',
      active: true,
    },
  ]);
  const partner = (id: number, name: string, active = true, is_company = false) => ({
    id,
    name,
    complete_name: name,
    commercial_partner_id: null,
    active,
    is_company,
    type: 'contact',
    lang: 'en_US',
    customer_rank: 0,
    supplier_rank: 0,
    color: 0,
  });
  await insert(client, 'res_partner', [
    partner(1, 'My Company', true, true),
    partner(2, 'OdooBot', false),
    partner(3, 'Administrator'),
    partner(4, 'Public user', false),
    partner(5, 'Default User Template', false),
    partner(6, 'Portal User Template', false),
  ]);
  await client.query('UPDATE res_partner SET commercial_partner_id = id');
  await insert(client, 'account_account', [
    {
      id: 1,
      code: '121000',
      name: en('Account Receivable'),
      account_type: 'asset_receivable',
      reconcile: true,
      company_id: 1,
    },
    {
      id: 2,
      code: '211000',
      name: en('Account Payable'),
      account_type: 'liability_payable',
      reconcile: true,
      company_id: 1,
    },
    {
      id: 3,
      code: '251000',
      name: en('Tax Received'),
      account_type: 'liability_current',
      company_id: 1,
    },
    { id: 4, code: '131000', name: en('Tax Paid'), account_type: 'asset_current', company_id: 1 },
    { id: 5, code: '400000', name: en('Product Sales'), account_type: 'income', company_id: 1 },
    { id: 6, code: '600000', name: en('Expenses'), account_type: 'expense', company_id: 1 },
    { id: 7, code: '101401', name: en('Bank'), account_type: 'asset_cash', company_id: 1 },
    { id: 8, code: '101501', name: en('Cash'), account_type: 'asset_cash', company_id: 1 },
  ]);
  await insert(client, 'res_company', [
    {
      id: 1,
      name: 'My Company',
      partner_id: 1,
      currency_id: 1,
      sequence: 10,
      active: true,
      annual_inventory_day: 31,
      annual_inventory_month: '12',
      fiscalyear_last_day: 31,
      fiscalyear_last_month: '12',
    },
  ]);
  await client.query('UPDATE res_partner SET company_id = 1 WHERE id = 1');
  const tax = (id: number, use: 'sale' | 'purchase') => ({
    id,
    name: en('15%'),
    type_tax_use: use,
    amount_type: 'percent',
    amount: 15,
    sequence: 1,
    active: true,
    price_include: false,
    description: '15%',
    company_id: 1,
  });
  await insert(client, 'account_tax', [tax(1, 'sale'), tax(2, 'purchase')]);
  await client.query(
    'UPDATE res_company SET account_sale_tax_id = 1, account_purchase_tax_id = 2 WHERE id = 1',
  );
  await insert(client, 'account_journal', [
    {
      id: 1,
      name: en('Customer Invoices'),
      code: 'INV',
      type: 'sale',
      sequence: 5,
      default_account_id: 5,
      company_id: 1,
      active: true,
    },
    {
      id: 2,
      name: en('Vendor Bills'),
      code: 'BILL',
      type: 'purchase',
      sequence: 6,
      default_account_id: 6,
      company_id: 1,
      active: true,
    },
    {
      id: 3,
      name: en('Miscellaneous Operations'),
      code: 'MISC',
      type: 'general',
      sequence: 9,
      company_id: 1,
      active: true,
    },
    {
      id: 4,
      name: en('Bank'),
      code: 'BNK1',
      type: 'bank',
      sequence: 10,
      default_account_id: 7,
      company_id: 1,
      active: true,
    },
    {
      id: 5,
      name: en('Cash'),
      code: 'CSH1',
      type: 'cash',
      sequence: 10,
      default_account_id: 8,
      company_id: 1,
      active: true,
    },
  ]);
  await insert(client, 'res_users', [
    { id: 1, login: '__system__', partner_id: 2, company_id: 1, active: false, share: false },
    {
      id: ADMIN_UID,
      login: 'admin',
      partner_id: 3,
      company_id: 1,
      active: true,
      share: false,
      password: adminHash,
    },
    { id: 3, login: 'public', partner_id: 4, company_id: 1, active: false, share: true },
    { id: 4, login: 'default', partner_id: 5, company_id: 1, active: false, share: true },
  ]);
  await insert(client, 'uom_category', [{ id: 1, name: en('Unit') }]);
  await insert(client, 'uom_uom', [
    {
      id: 1,
      name: en('Units'),
      category_id: 1,
      factor: 1,
      rounding: 0.01,
      active: true,
      uom_type: 'reference',
    },
  ]);
  await insert(client, 'product_category', [
    { id: 1, name: 'All', complete_name: 'All', parent_path: '1/' },
  ]);
  await insert(client, 'product_pricelist', [
    { id: 1, name: en('Default'), currency_id: 1, active: true, sequence: 16, company_id: null },
  ]);

  // Odoo 17's locations, ids included: a fresh database keeps the multi-step ones (Input, Quality
  // Control, Output, Packing Zone) and the transit ones archived.
  const location = (
    id: number,
    name: string,
    usage: string,
    parent: number | null,
    options: { active?: boolean; barcode?: string; scrap?: boolean } = {},
  ) => ({
    id,
    name,
    usage,
    location_id: parent,
    active: options.active ?? true,
    // The shared locations (partners, the views, inter-company transit) have no company.
    company_id: id >= WAREHOUSE.viewLocation ? 1 : null,
    scrap_location: options.scrap ?? false,
    return_location: false,
    replenish_location: id === WAREHOUSE.stockLocation,
    barcode: options.barcode ?? null,
  });
  const archived = { active: false };
  await insert(client, 'stock_location', [
    location(1, 'Physical Locations', 'view', null),
    location(2, 'Partners', 'view', null),
    location(3, 'Virtual Locations', 'view', null),
    location(WAREHOUSE.vendorLocation, 'Vendors', 'supplier', 2),
    location(WAREHOUSE.customerLocation, 'Customers', 'customer', 2),
    location(6, 'Inter-company transit', 'transit', 3, archived),
    location(WAREHOUSE.viewLocation, 'WH', 'view', 1),
    location(WAREHOUSE.stockLocation, 'Stock', 'internal', WAREHOUSE.viewLocation, {
      barcode: 'WH-STOCK',
    }),
    location(9, 'Input', 'internal', WAREHOUSE.viewLocation, { ...archived, barcode: 'WH-INPUT' }),
    location(10, 'Quality Control', 'internal', WAREHOUSE.viewLocation, {
      ...archived,
      barcode: 'WH-QUALITY',
    }),
    location(11, 'Output', 'internal', WAREHOUSE.viewLocation, {
      ...archived,
      barcode: 'WH-OUTPUT',
    }),
    location(WAREHOUSE.packingLocation, 'Packing Zone', 'internal', WAREHOUSE.viewLocation, {
      ...archived,
      barcode: 'WH-PACKING',
    }),
    location(13, 'Inter-warehouse transit', 'transit', 1, archived),
    location(WAREHOUSE.inventoryLocation, 'Inventory adjustment', 'inventory', 3),
    location(15, 'Production', 'production', 3),
    location(16, 'Scrap', 'inventory', 3, { scrap: true }),
  ]);
  await client.query(
    `WITH RECURSIVE tree AS (
       SELECT id, name::text AS complete_name, id || '/' AS parent_path FROM stock_location WHERE location_id IS NULL
       UNION ALL
       SELECT l.id, CASE WHEN l.usage = 'view' THEN l.name ELSE t.complete_name || '/' || l.name END,
              t.parent_path || l.id || '/'
         FROM stock_location l JOIN tree t ON t.id = l.location_id)
     UPDATE stock_location l SET complete_name = tree.complete_name, parent_path = tree.parent_path
       FROM tree WHERE tree.id = l.id`,
  );
  const sequence = (kind: string, prefix: string) =>
    createSequence(client, { name: `My Company Sequence ${kind}`, prefix, padding: 5 });
  const seqIn = await sequence('in', 'WH/IN/');
  const seqOut = await sequence('out', 'WH/OUT/');
  const seqPick = await sequence('picking', 'WH/PICK/');
  const seqPack = await sequence('packing', 'WH/PACK/');
  const seqInt = await sequence('internal', 'WH/INT/');
  await createSequence(client, {
    name: 'Sales Order',
    code: 'sale.order',
    prefix: 'S',
    padding: 5,
  });
  await createSequence(client, {
    name: 'Procurement Group',
    code: 'procurement.group',
    prefix: 'PG/',
    padding: 6,
  });
  // Odoo 17's operation types, ids and sequences included. Internal Transfers, Pick and Pack stay
  // archived until Inventory's settings enable Storage Locations (res.config.settings) or
  // multi-step routes, as in a fresh Odoo database.
  const pickingType = (
    id: number,
    name: string,
    code: string,
    sequenceId: number,
    sequenceCode: string,
    src: number | null,
    dest: number | null,
    sequence: number,
    active: boolean,
  ) => ({
    id,
    name: en(name),
    code,
    sequence,
    sequence_id: sequenceId,
    sequence_code: sequenceCode,
    default_location_src_id: src,
    default_location_dest_id: dest,
    warehouse_id: null,
    company_id: 1,
    active,
    reservation_method: 'at_confirm',
    create_backorder: 'ask',
    show_operations: false,
    use_create_lots: code === 'incoming',
    use_existing_lots: code !== 'incoming',
  });
  const { stockLocation, packingLocation } = WAREHOUSE;
  await insert(client, 'stock_picking_type', [
    pickingType(
      WAREHOUSE.receiptType,
      'Receipts',
      'incoming',
      seqIn,
      'IN',
      null,
      stockLocation,
      1,
      true,
    ),
    pickingType(
      WAREHOUSE.deliveryType,
      'Delivery Orders',
      'outgoing',
      seqOut,
      'OUT',
      stockLocation,
      null,
      5,
      true,
    ),
    pickingType(
      WAREHOUSE.pickType,
      'Pick',
      'internal',
      seqPick,
      'PICK',
      stockLocation,
      packingLocation,
      3,
      false,
    ),
    pickingType(
      WAREHOUSE.packType,
      'Pack',
      'internal',
      seqPack,
      'PACK',
      packingLocation,
      stockLocation,
      4,
      false,
    ),
    pickingType(
      WAREHOUSE.internalType,
      'Internal Transfers',
      'internal',
      seqInt,
      'INT',
      stockLocation,
      stockLocation,
      2,
      false,
    ),
  ]);
  // Beyond 17.0's types, a fresh 16.0 has an active Returns type (incoming, into Output) and a
  // fresh 18.0 archived Quality Control, Storage and Cross Dock (for three-step routes; Storage
  // Locations leaves them archived).
  const [input, qualityControl, output] = [9, 10, 11];
  type ExtraType = [
    name: string,
    kind: string,
    code: string,
    typeCode: string,
    src: number | null,
    dest: number,
    active: boolean,
  ];
  // 18 and 19 make three more (archived; Storage Locations leaves them so).
  const multiStep: ExtraType[] = [
    ['Quality Control', 'quality control', 'QC', 'internal', input, qualityControl, false],
    ['Storage', 'storage', 'STOR', 'internal', qualityControl, stockLocation, false],
    ['Cross Dock', 'cross dock', 'XD', 'internal', input, output, false],
  ];
  const extraTypes: Partial<Record<OdooSerie, ExtraType[]>> = {
    '16.0': [['Returns', 'return', 'RET', 'incoming', null, output, true]],
    '18.0': multiStep,
    '19.0': multiStep,
  };
  let nextType: number = WAREHOUSE.internalType;
  for (const [name, kind, code, typeCode, src, dest, active] of extraTypes[serie] ?? []) {
    nextType += 1;
    const seq = await sequence(kind, `WH/${code}/`);
    await insert(client, 'stock_picking_type', [
      pickingType(nextType, name, typeCode, seq, code, src, dest, nextType, active),
    ]);
  }
  await insert(client, 'stock_warehouse', [
    {
      id: WAREHOUSE.id,
      name: 'My Company',
      code: 'WH',
      active: true,
      company_id: 1,
      partner_id: 1,
      sequence: 10,
      view_location_id: WAREHOUSE.viewLocation,
      lot_stock_id: WAREHOUSE.stockLocation,
      in_type_id: WAREHOUSE.receiptType,
      out_type_id: WAREHOUSE.deliveryType,
      int_type_id: WAREHOUSE.internalType,
      pick_type_id: WAREHOUSE.pickType,
      pack_type_id: WAREHOUSE.packType,
      reception_steps: 'one_step',
      delivery_steps: 'ship_only',
    },
  ]);
  await client.query('UPDATE stock_picking_type SET warehouse_id = 1');
  await client.query("UPDATE stock_location SET warehouse_id = 1 WHERE parent_path LIKE '1/7/%'");

  // The delivery module's "Standard delivery" service product and carrier: product 1.
  await insert(client, 'product_template', [
    {
      id: 1,
      name: en('Standard delivery'),
      sequence: 1,
      detailed_type: 'service',
      type: 'service',
      is_storable: false,
      list_price: 0,
      uom_id: 1,
      uom_po_id: 1,
      categ_id: 1,
      invoice_policy: 'order',
      tracking: 'none',
      sale_ok: false,
      purchase_ok: false,
      active: true,
      priority: '0',
      default_code: 'Delivery_007',
    },
  ]);
  await insert(client, 'product_product', [
    { id: 1, product_tmpl_id: 1, default_code: 'Delivery_007', active: true },
  ]);
  await client.query('INSERT INTO product_taxes_rel (prod_id, tax_id) VALUES (1, 1)');
  await insert(client, 'delivery_carrier', [
    {
      id: 1,
      name: en('Standard delivery'),
      sequence: 10,
      active: true,
      delivery_type: 'fixed',
      product_id: 1,
      fixed_price: 0,
    },
  ]);

  const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
  await insert(client, 'ir_config_parameter', [
    { key: 'database.uuid', value: randomUUID() },
    { key: 'database.create_date', value: now },
    { key: 'base.login_cooldown_after', value: '10' },
    { key: 'base.login_cooldown_duration', value: '60' },
    { key: 'odoo_capacity.lab_serie', value: serie },
    { key: SCHEMA_KEY, value: LAB_SCHEMA_VERSION },
  ]);
}

/** Moves each id sequence past the rows inserted with explicit ids. */
async function syncIdSequences(client: pg.ClientBase, registry: Registry): Promise<void> {
  for (const model of registry.all()) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence('${model.table}', 'id'), GREATEST((SELECT max(id) FROM ${ident(model.table)}), 1), (SELECT max(id) FROM ${ident(model.table)}) IS NOT NULL)`,
    );
  }
  // Partners 1-6 are Odoo's own; the first customer is 7, as in the recorded fixtures.
  await client.query(`SELECT setval(pg_get_serial_sequence('res_partner', 'id'), 6, true)`);
}

export async function bootstrapDatabase(
  client: pg.ClientBase,
  registry: Registry,
  options: { adminPassword: string; serie: OdooSerie },
): Promise<void> {
  const adminHash = await hashSecret(options.adminPassword);
  await client.query('BEGIN');
  try {
    const existing = await client.query<{ t: string | null }>(
      "SELECT to_regclass('public.res_users')::text AS t",
    );
    if (existing.rows[0]?.t) {
      const version = await client.query<{ value: string }>(
        'SELECT value FROM ir_config_parameter WHERE key = $1',
        [SCHEMA_KEY],
      );
      if (version.rows[0]?.value !== LAB_SCHEMA_VERSION)
        throw new Error(
          `this database was not created by this lab version (schema ${version.rows[0]?.value ?? 'unknown'}, expected ${LAB_SCHEMA_VERSION}); drop it and start again`,
        );
      await client.query('UPDATE res_users SET password = $1 WHERE id = $2', [
        adminHash,
        ADMIN_UID,
      ]);
    } else {
      const schema = schemaStatements(registry);
      for (const statement of schema.tables) await client.query(statement);
      await baseData(client, options.serie, adminHash);
      for (const statement of schema.constraints) await client.query(statement);
      await syncIdSequences(client, registry);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
