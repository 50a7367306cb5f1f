// `seed` against the lab: pools of docs/contracts.md, top-ups without duplicates, `--cleanup`
// of exactly the marked records and of Storage Locations only if seed switched it on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/logger.js';
import { Secret } from '../../src/core/secret.js';
import { startLab, type LabHandle } from '../../src/lab/server/index.js';
import { OdooClient } from '../../src/odoo/client.js';
import { cleanupSeed } from '../../src/odoo/seed-cleanup.js';
import { seed, type SeedPlan, type SeedProgress } from '../../src/odoo/seed.js';
import { cleanEnv, hasStackTrace, runCli } from '../helpers/cli.js';
import { labClient } from '../scenarios/seeded-lab.js';

const DB = 'seedlab';
/** Fresh databases for the settings tests: one seed switches on, one had the setting on before. */
const SETTINGS_DB = 'seedsettings';
const PRESET_DB = 'seedpreset';
const PLAN: SeedPlan = {
  products: 4,
  customers: 3,
  readyOrders: 5,
  deliveredOrders: 3,
  stock: 20,
  linesPerOrder: 2,
};

let lab: LabHandle;
let client: OdooClient;

beforeAll(async () => {
  lab = await startLab({
    port: 0,
    workers: 2,
    databases: [DB, SETTINGS_DB, PRESET_DB],
    costScale: 0,
    log: new Logger('warn'),
  });
  client = clientOf(DB);
});

const clientOf = (db: string): OdooClient => labClient(lab, db);

afterAll(async () => {
  await lab?.stop();
});

type Row = Record<string, unknown>;

async function labCheck(): Promise<unknown[]> {
  const response = await fetch(`${lab.url}/lab/check`);
  const body = (await response.json()) as { databases: { violations: unknown[] }[] };
  return body.databases.flatMap((d) => d.violations);
}

async function orders(like: string): Promise<Row[]> {
  return client.call<Row[]>('sale.order', 'search_read', [[['client_order_ref', '=like', like]]], {
    kwargs: { fields: ['state', 'picking_ids', 'invoice_status', 'client_order_ref'] },
  });
}

async function pickingStates(rows: Row[]): Promise<string[]> {
  const ids = rows.flatMap((r) => r.picking_ids as number[]);
  const pickings = await client.call<Row[]>('stock.picking', 'read', [ids, ['state']]);
  return pickings.map((p) => p.state as string);
}

describe('seed', () => {
  it('creates marked products with stock, customers and both order pools, with progress', async () => {
    const progress: SeedProgress[] = [];
    const summary = await seed(client, PLAN, (p) => progress.push(p));
    expect(summary).toMatchObject({
      serie: '17.0',
      // Not asked to change settings: a fresh database keeps Internal Transfers archived.
      settings: { storageLocations: 'skipped', internalTransfers: false, enabledBySeed: false },
      products: { wanted: 4, existing: 0, created: 4 },
      customers: { wanted: 3, existing: 0, created: 3 },
      readyOrders: { wanted: 5, existing: 0, created: 5, notReserved: 0 },
      deliveredOrders: { wanted: 3, existing: 0, created: 3 },
    });
    expect(new Set(progress.map((p) => p.phase))).toEqual(
      new Set(['settings', 'products', 'customers', 'stock', 'ready-orders', 'delivered-orders']),
    );
    const products = await client.call<Row[]>(
      'product.product',
      'search_read',
      [[['default_code', '=like', 'OC-P-%']]],
      { kwargs: { fields: ['default_code', 'detailed_type', 'invoice_policy', 'free_qty'] } },
    );
    expect(products.map((p) => p.default_code).sort()).toEqual([
      'OC-P-0001',
      'OC-P-0002',
      'OC-P-0003',
      'OC-P-0004',
    ]);
    for (const p of products) {
      expect(p).toMatchObject({ detailed_type: 'product', invoice_policy: 'delivery' });
      expect(p.free_qty).toBeGreaterThanOrEqual(PLAN.stock);
    }
    const ready = await orders('OC-SEED-READY-%');
    expect(ready.map((o) => o.client_order_ref).sort()).toEqual([
      'OC-SEED-READY-00001',
      'OC-SEED-READY-00002',
      'OC-SEED-READY-00003',
      'OC-SEED-READY-00004',
      'OC-SEED-READY-00005',
    ]);
    expect(new Set(await pickingStates(ready))).toEqual(new Set(['assigned']));
    const delivered = await orders('OC-SEED-DELIVERED-%');
    expect(delivered).toHaveLength(3);
    expect(new Set(delivered.map((o) => o.invoice_status))).toEqual(new Set(['to invoice']));
    expect(new Set(await pickingStates(delivered))).toEqual(new Set(['done']));
    expect(await labCheck()).toEqual([]);
  });

  it('is idempotent: a second run creates nothing', async () => {
    const summary = await seed(client, PLAN);
    expect(summary).toMatchObject({
      products: { existing: 4, created: 0 },
      customers: { existing: 3, created: 0 },
      stockAdjusted: 0,
      readyOrders: { existing: 5, created: 0 },
      deliveredOrders: { existing: 3, created: 0 },
    });
    expect(await orders('OC-SEED-%')).toHaveLength(8);
  });

  it('tops up only what the load consumed from the pools', async () => {
    const [first, second] = await orders('OC-SEED-READY-%');
    const pickings = [first!, second!].flatMap((o) => o.picking_ids as number[]);
    expect(await client.call('stock.picking', 'button_validate', [pickings])).toBe(true);
    const [billed] = await orders('OC-SEED-DELIVERED-%');
    const wizard = await client.call<number>('sale.advance.payment.inv', 'create', [
      { advance_payment_method: 'delivered', sale_order_ids: [[6, 0, [billed!.id]]] },
    ]);
    const outcome = await client.executeKw('sale.advance.payment.inv', 'create_invoices', [
      [wizard],
    ]);
    expect(outcome.status).toBe('committed-unmarshallable');

    const summary = await seed(client, PLAN);
    expect(summary.readyOrders).toMatchObject({ existing: 3, created: 2 });
    expect(summary.deliveredOrders).toMatchObject({ existing: 2, created: 1 });
    const refs = (await orders('OC-SEED-READY-%')).map((o) => o.client_order_ref);
    expect(refs).toContain('OC-SEED-READY-00007');
    expect(new Set(refs).size).toBe(refs.length);
    expect(await labCheck()).toEqual([]);
  });
});

describe('seed --cleanup', () => {
  it('removes exactly the marked records, as Odoo allows, and leaves the rest alone', async () => {
    const bystander = await client.call<number>('res.partner', 'create', [{ name: 'Bystander' }]);
    const product = await client.call<number>('product.product', 'create', [
      { name: 'Not seeded', default_code: 'MINE-1', detailed_type: 'product' },
    ]);
    const order = await client.call<number>('sale.order', 'create', [
      {
        partner_id: bystander,
        client_order_ref: 'MY-OWN-ORDER',
        order_line: [[0, 0, { product_id: product, product_uom_qty: 1 }]],
      },
    ]);
    const loadOrder = await client.call<number>('sale.order', 'create', [
      {
        partner_id: bystander,
        client_order_ref: 'OC-LOAD-adhoc-1',
        order_line: [[0, 0, { product_id: product, product_uom_qty: 1 }]],
      },
    ]);

    const summary = await cleanupSeed(client);
    expect(summary.orders).toMatchObject({ found: 12, deleted: 12 });
    expect(summary.invoices.found).toBe(1);
    expect(summary.remains.length).toBeGreaterThan(0);
    expect(await orders('OC-SEED-%')).toEqual([]);
    expect(await client.call('sale.order', 'search', [[['id', '=', loadOrder]]])).toEqual([]);
    expect(
      await client.call('product.product', 'search', [[['default_code', '=like', 'OC-P-%']]]),
    ).toEqual([]);
    expect(await client.call('res.partner', 'search', [[['ref', '=like', 'OC-C-%']]])).toEqual([]);
    expect(await client.call('sale.order', 'search', [[['id', '=', order]]])).toEqual([order]);
    expect(await client.call('res.partner', 'search', [[['id', '=', bystander]]])).toEqual([
      bystander,
    ]);
    expect(await client.call('product.product', 'search', [[['id', '=', product]]])).toEqual([
      product,
    ]);
    expect(await labCheck()).toEqual([]);

    const again = await cleanupSeed(client);
    expect(again).toMatchObject({
      orders: { found: 0 },
      products: { found: 0 },
      customers: { found: 0 },
    });
  });
});

const SMALL: SeedPlan = {
  products: 2,
  customers: 1,
  readyOrders: 1,
  deliveredOrders: 0,
  stock: 10,
  linesPerOrder: 1,
};
const SEED_PARAM = 'odoo_capacity.seed.storage_locations';

/** What the database says about Storage Locations and its Internal Transfers type. */
async function storageLocations(target: OdooClient): Promise<{
  setting: boolean;
  internalTransfers: boolean;
  remembered: boolean;
  settingsRecords: number;
}> {
  const defaults = await target.call<Row>('res.config.settings', 'default_get', [
    ['group_stock_multi_locations'],
  ]);
  const [warehouse] = await target.call<Row[]>('stock.warehouse', 'search_read', [[]], {
    kwargs: { fields: ['int_type_id'] },
  });
  const [type] = await target.call<Row[]>('stock.picking.type', 'read', [
    [(warehouse!.int_type_id as [number, string])[0]],
    ['active'],
  ]);
  const params = await target.call<number[]>('ir.config_parameter', 'search', [
    [['key', '=', SEED_PARAM]],
  ]);
  const records = await target.call<number[]>('res.config.settings', 'search', [[]]);
  return {
    setting: defaults.group_stock_multi_locations as boolean,
    internalTransfers: type!.active as boolean,
    remembered: params.length > 0,
    settingsRecords: records.length,
  };
}

describe('seed and Inventory settings', () => {
  let target: OdooClient;
  beforeAll(() => {
    target = clientOf(SETTINGS_DB);
  });

  it('left alone unless asked: a fresh database keeps Storage Locations off', async () => {
    const summary = await seed(target, { ...SMALL, settings: false });
    expect(summary.settings).toEqual({
      internalTransfers: false,
      storageLocations: 'skipped',
      enabledBySeed: false,
    });
    expect(await storageLocations(target)).toEqual({
      setting: false,
      internalTransfers: false,
      remembered: false,
      settingsRecords: 0,
    });
  });

  it('switches Storage Locations on as an administrator would, and remembers it', async () => {
    const summary = await seed(target, { ...SMALL, settings: true });
    expect(summary.settings).toEqual({
      internalTransfers: true,
      storageLocations: 'enabled',
      enabledBySeed: true,
    });
    expect(await storageLocations(target)).toEqual({
      setting: true,
      internalTransfers: true,
      remembered: true,
      settingsRecords: 1,
    });
  });

  it('is idempotent: a second seed changes no setting and says so', async () => {
    const summary = await seed(target, { ...SMALL, settings: true });
    expect(summary.settings).toEqual({
      internalTransfers: true,
      storageLocations: 'unchanged',
      enabledBySeed: true,
    });
    // No new settings record: nothing was saved again.
    expect(await storageLocations(target)).toMatchObject({ setting: true, settingsRecords: 1 });
  });

  it('cleanup deletes the load receipts and transfers Odoo lets go, and switches the setting off', async () => {
    const [product] = await target.call<number[]>('product.product', 'search', [
      [['default_code', '=', 'OC-P-0001']],
    ]);
    const [warehouse] = await target.call<Row[]>('stock.warehouse', 'search_read', [[]], {
      kwargs: { fields: ['in_type_id', 'int_type_id', 'lot_stock_id'] },
    });
    const stockId = (warehouse!.lot_stock_id as [number, string])[0];
    const picking = (type: unknown, from: number, origin: string) =>
      target.call<number>('stock.picking', 'create', [
        {
          picking_type_id: (type as [number, string])[0],
          location_id: from,
          location_dest_id: stockId,
          origin,
          move_ids: [
            [
              0,
              0,
              {
                name: 'OC-P-0001',
                product_id: product,
                product_uom_qty: 1,
                location_id: from,
                location_dest_id: stockId,
              },
            ],
          ],
        },
      ]);
    const vendors = (
      await target.call<number[]>('stock.location', 'search', [[['usage', '=', 'supplier']]])
    )[0]!;
    const done = await picking(warehouse!.in_type_id, vendors, 'OC-LOAD-itest-t-IN-0');
    await target.call('stock.picking', 'action_confirm', [[done]]);
    expect(await target.call('stock.picking', 'button_validate', [[done]])).toBe(true);
    const ready = await picking(warehouse!.in_type_id, vendors, 'OC-LOAD-itest-t-IN-1');
    await target.call('stock.picking', 'action_confirm', [[ready]]);
    const draft = await picking(warehouse!.int_type_id, stockId, 'OC-LOAD-itest-t-INT-2');
    const mine = await picking(warehouse!.in_type_id, vendors, 'MY-OWN-RECEIPT');

    const summary = await cleanupSeed(target);
    expect(summary.loadPickings).toEqual({ found: 3, deleted: 2, doneKept: 1, refusedKept: 0 });
    expect(summary.remains).toContain(
      '1 done receipts and internal transfers of the load (origin OC-LOAD-…) are kept: Odoo never deletes moved stock.',
    );
    const left = await target.call<number[]>('stock.picking', 'search', [
      [['id', 'in', [done, ready, draft, mine]]],
    ]);
    expect(left.sort((a, b) => a - b)).toEqual([done, mine]);
    expect(summary.settings).toEqual({ storageLocations: 'disabled' });
    expect(await storageLocations(target)).toMatchObject({
      setting: false,
      internalTransfers: false,
      remembered: false,
    });
    // Nothing left to undo: a second cleanup leaves the setting as it is.
    expect((await cleanupSeed(target)).settings).toEqual({ storageLocations: 'untouched' });
    expect(await labCheck()).toEqual([]);
  });

  it('never switches off a setting the database had before seed', async () => {
    const preset = clientOf(PRESET_DB);
    const record = await preset.call<number>('res.config.settings', 'create', [
      { group_stock_multi_locations: true },
    ]);
    await preset.call('res.config.settings', 'execute', [[record]]);
    const summary = await seed(preset, { ...SMALL, settings: true });
    expect(summary.settings).toEqual({
      internalTransfers: true,
      storageLocations: 'unchanged',
      enabledBySeed: false,
    });
    expect((await cleanupSeed(preset)).settings).toEqual({ storageLocations: 'untouched' });
    expect(await storageLocations(preset)).toEqual({
      setting: true,
      internalTransfers: true,
      remembered: false,
      settingsRecords: 1,
    });
  });
});

describe('odoo-capacity seed (the command)', () => {
  const env = () =>
    cleanEnv({ ODOO_URL: lab.url, ODOO_DB: DB, ODOO_USER: 'admin', ODOO_PASSWORD: 'admin' });

  it('--no-settings changes no setting and says what stock-moves will skip', async () => {
    const result = await runCli(
      ['seed', '--products', '2', '--customers', '1', '--ready-orders', '1', '--no-settings'],
      env(),
    );
    expect(result.code, result.stderr).toBe(0);
    // The summary goes to stdout.
    expect(result.stdout).toContain(
      'settings          Storage Locations left off (--no-settings): Internal Transfers archived, stock-moves skips internal transfers',
    );
    expect((await storageLocations(client)).setting).toBe(false);
  });

  it('prints one JSON summary on stdout and exits 0', async () => {
    const result = await runCli(
      [
        'seed',
        '--products',
        '2',
        '--customers',
        '1',
        '--ready-orders',
        '1',
        '--delivered-orders',
        '1',
        '--stock',
        '5',
        '--json',
      ],
      env(),
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Row;
    expect(summary).toMatchObject({
      settings: { storageLocations: 'enabled', internalTransfers: true, enabledBySeed: true },
      readyOrders: { wanted: 1 },
      deliveredOrders: { wanted: 1 },
    });
    expect(result.stdout).not.toContain('admin"');
  });

  it('--help shows --no-settings with an example', async () => {
    const result = await runCli(['seed', '--help'], env());
    expect(result.stdout).toContain('--no-settings');
    expect(result.stdout).toMatch(/\$ odoo-capacity seed --no-settings/);
  });

  it('rejects a bad count with one line naming the flag and exit 2', async () => {
    const result = await runCli(['seed', '--ready-orders', 'lots'], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--ready-orders');
    expect(hasStackTrace(result.stderr)).toBe(false);
  });

  it('reports an unreachable target with exit 3', async () => {
    const result = await runCli(
      ['seed', '--products', '1'],
      cleanEnv({ ODOO_URL: 'http://127.0.0.1:1', ODOO_DB: DB, ODOO_PASSWORD: 'admin' }),
    );
    expect(result.code).toBe(3);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });
});

describe.each(['16.0', '18.0'] as const)('seed on a lab emulating %s', (serie) => {
  let other: LabHandle;
  beforeAll(async () => {
    other = await startLab({
      port: 0,
      workers: 1,
      databases: ['s'],
      costScale: 0,
      serie,
      log: new Logger('warn'),
    });
  });
  afterAll(async () => {
    await other?.stop();
  });

  it('adapts storable products and delivery validation to the series', async () => {
    const target = new OdooClient({
      url: other.url,
      db: 's',
      user: 'admin',
      secret: new Secret('admin'),
      secretKind: 'password',
    });
    const summary = await seed(target, {
      products: 2,
      customers: 1,
      readyOrders: 2,
      deliveredOrders: 2,
      stock: 5,
    });
    expect(summary).toMatchObject({
      serie,
      readyOrders: { created: 2, notReserved: 0 },
      deliveredOrders: { created: 2 },
    });
    const delivered = await target.call<Row[]>(
      'sale.order',
      'search_read',
      [[['client_order_ref', '=like', 'OC-SEED-DELIVERED-%']]],
      {
        kwargs: { fields: ['invoice_status'] },
      },
    );
    expect(delivered.map((o) => o.invoice_status)).toEqual(['to invoice', 'to invoice']);
    const check = (await (await fetch(`${other.url}/lab/check`)).json()) as { ok: boolean };
    expect(check.ok).toBe(true);
  });
});
