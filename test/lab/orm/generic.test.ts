// Generic ORM methods on a bootstrapped lab database: create/read/write/unlink/search on
// res.partner and friends, with Odoo's return shapes and Odoo's errors for bad calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresHandle } from '../../../src/pg-local/postgres-provider.js';
import {
  ApplicationError,
  MissingError,
  UserError,
  AccessError,
} from '../../../src/lab/exceptions.js';
import { OdooFloat } from '../../../src/lab/contract.js';
import { orm } from '../../../src/lab/orm/index.js';
import { verifySecret } from '../../../src/lab/orm/password-hash.js';
import { createLabDb, startPostgres, type LabDb } from './harness.js';

let pgHandle: PostgresHandle;
let db: LabDb;

beforeAll(async () => {
  pgHandle = await startPostgres();
  db = await createLabDb(pgHandle, '17.0', 'secret-admin-pw');
});

afterAll(async () => {
  await db?.close();
  await pgHandle?.stop();
});

describe('bootstrap', () => {
  it('creates admin as uid 2 with a passlib pbkdf2-sha512 hash of the given password', async () => {
    const [admin] = await db.query<{ id: number; login: string; password: string }>(
      "SELECT id, login, password FROM res_users WHERE login = 'admin'",
    );
    expect(admin!.id).toBe(2);
    expect(admin!.password).toMatch(/^\$pbkdf2-sha512\$600000\$[./A-Za-z0-9]+\$[./A-Za-z0-9]+$/);
    expect(await verifySecret('secret-admin-pw', admin!.password)).toBe(true);
    expect(await verifySecret('admin', admin!.password)).toBe(false);
  });

  it('creates the warehouse with its stock location, operation types and journals', async () => {
    const [wh] = await db.call<Record<string, unknown>[]>('stock.warehouse', 'search_read', [[]], {
      fields: ['name', 'code', 'lot_stock_id', 'out_type_id'],
    });
    expect(wh!.code).toBe('WH');
    expect(wh!.lot_stock_id).toEqual([8, 'WH/Stock']);
    expect(wh!.out_type_id).toEqual([2, 'My Company: Delivery Orders']);
    const journals = await db.call<Record<string, unknown>[]>(
      'account.journal',
      'search_read',
      [[['type', '=', 'sale']]],
      { fields: ['code'] },
    );
    expect(journals.map((j) => j.code)).toEqual(['INV']);
  });

  it('creates the tables and indexes Odoo has on the hot paths', async () => {
    const indexes = await db.query<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    );
    const names = new Set(indexes.map((i) => i.indexname));
    for (const name of [
      'account_move_unique_name',
      'account_move_sequence_index3',
      'stock_move__picking_id_index',
      'stock_move__sale_line_id_index',
      'sale_order_line__order_id_index',
      'stock_quant_product_location_index',
      'stock_move_line_free_reservation_index',
    ])
      expect(names).toContain(name);
    const unique = indexes.find((i) => i.indexname === 'account_move_unique_name')!;
    expect(unique.indexdef).toMatch(/UNIQUE.*\(name, journal_id\) WHERE.*posted/);
  });

  it('keeps an existing lab database and only resets the admin password when run again', async () => {
    await db.call('res.partner', 'create', [{ name: 'Survivor' }]);
    const client = await db.pool.connect();
    try {
      await orm.bootstrap(client, { adminPassword: 'changed', serie: '17.0' });
    } finally {
      client.release();
    }
    expect(await db.call('res.partner', 'search_count', [[['name', '=', 'Survivor']]])).toBe(1);
    const [admin] = await db.query<{ password: string }>(
      'SELECT password FROM res_users WHERE id = 2',
    );
    expect(await verifySecret('changed', admin!.password)).toBe(true);
  });
});

describe('res.partner generic methods', () => {
  it('creates one record from a dict (int) and several from a list (list of ints)', async () => {
    const one = await db.call('res.partner', 'create', [{ name: 'Cust A', is_company: true }]);
    expect(typeof one).toBe('number');
    const many = await db.call<number[]>('res.partner', 'create', [
      [{ name: 'Cust B' }, { name: 'Cust C', ref: 'C-1' }],
    ]);
    expect(many).toHaveLength(2);
    expect(many[1]).toBe(many[0]! + 1);
  });

  it('gives the first customer of a fresh database id 7, as in the recorded fixtures', async () => {
    const fresh = await createLabDb(pgHandle);
    try {
      expect(await fresh.call('res.partner', 'create', [{ name: 'First' }])).toBe(7);
    } finally {
      await fresh.close();
    }
  });

  it('reads many2one as [id, name], empty values as False, x2many as id lists', async () => {
    const parent = await db.call<number>('res.partner', 'create', [
      { name: 'Parent Co', is_company: true },
    ]);
    const child = await db.call<number>('res.partner', 'create', [
      { name: 'Jane', parent_id: parent },
    ]);
    const [record] = await db.call<Record<string, unknown>[]>('res.partner', 'read', [[child]], {
      fields: ['name', 'parent_id', 'email', 'child_ids', 'customer_rank', 'display_name'],
    });
    expect(record).toEqual({
      id: child,
      name: 'Jane',
      parent_id: [parent, 'Parent Co'],
      email: false,
      child_ids: [],
      customer_rank: 0,
      display_name: 'Parent Co, Jane',
    });
    const [p] = await db.call<Record<string, unknown>[]>('res.partner', 'read', [
      parent,
      ['child_ids'],
    ]);
    expect(p!.child_ids).toEqual([child]);
  });

  it('marks float fields for the wire as doubles, integral values too', async () => {
    const product = await db.call<number>('product.product', 'create', [
      { name: 'Float', list_price: 10 },
    ]);
    const tx = await db.begin();
    try {
      const [row] = (await tx.rawCall('product.product', 'read', [
        [product],
        ['list_price', 'sequence'],
      ])) as Record<string, unknown>[];
      expect(row!.list_price).toEqual(new OdooFloat(10));
      expect(row!.sequence).toBe(1);
    } finally {
      await tx.rollback();
    }
  });

  it('writes and returns True, and search finds by the new value', async () => {
    const id = await db.call<number>('res.partner', 'create', [{ name: 'Before' }]);
    expect(
      await db.call('res.partner', 'write', [[id], { name: 'After', email: 'a@x.test' }]),
    ).toBe(true);
    expect(await db.call('res.partner', 'search', [[['email', '=', 'a@x.test']]])).toEqual([id]);
  });

  it('unlinks records and then reading them is a MissingError', async () => {
    const id = await db.call<number>('res.partner', 'create', [{ name: 'Doomed' }]);
    expect(await db.call('res.partner', 'unlink', [[id]])).toBe(true);
    await expect(db.call('res.partner', 'read', [[id]])).rejects.toBeInstanceOf(MissingError);
  });

  it('search_read honours fields, order, limit and offset', async () => {
    await db.call('res.partner', 'create', [
      [
        { name: 'Zeta', ref: 'ORD-1' },
        { name: 'Alpha', ref: 'ORD-2' },
        { name: 'Mu', ref: 'ORD-3' },
      ],
    ]);
    const rows = await db.call<Record<string, unknown>[]>(
      'res.partner',
      'search_read',
      [[['ref', 'like', 'ORD-']]],
      { fields: ['name'], order: 'name desc', limit: 2, offset: 1 },
    );
    expect(rows.map((r) => r.name)).toEqual(['Mu', 'Alpha']);
    expect(Object.keys(rows[0]!).sort()).toEqual(['id', 'name']);
  });

  it('search_count takes a limit in 17', async () => {
    expect(await db.call('res.partner', 'search_count', [[['ref', 'like', 'ORD-']]])).toBe(3);
    expect(
      await db.call('res.partner', 'search_count', [[['ref', 'like', 'ORD-']]], { limit: 2 }),
    ).toBe(2);
  });

  it('hides archived records unless the domain asks about active', async () => {
    const id = await db.call<number>('res.partner', 'create', [
      { name: 'Archived One', active: false },
    ]);
    expect(await db.call('res.partner', 'search', [[['name', '=', 'Archived One']]])).toEqual([]);
    expect(
      await db.call('res.partner', 'search', [
        [
          ['name', '=', 'Archived One'],
          ['active', '=', false],
        ],
      ]),
    ).toEqual([id]);
    expect(
      await db.call('res.partner', 'search', [[['name', '=', 'Archived One']]], {
        context: { active_test: false },
      }),
    ).toEqual([id]);
  });
});

describe('other generic methods', () => {
  it('reads a user through _inherits: name and email come from the partner', async () => {
    const [admin] = await db.call<Record<string, unknown>[]>('res.users', 'read', [
      [2],
      ['name', 'login', 'partner_id'],
    ]);
    expect(admin).toEqual({
      id: 2,
      name: 'Administrator',
      login: 'admin',
      partner_id: [3, 'Administrator'],
    });
  });

  it('fields_get describes fields with the attributes asked for', async () => {
    const fields = await db.call<Record<string, Record<string, unknown>>>(
      'sale.order',
      'fields_get',
      [],
      {
        allfields: ['state', 'partner_id'],
        attributes: ['type', 'relation'],
      },
    );
    expect(fields).toEqual({
      state: { type: 'selection' },
      partner_id: { type: 'many2one', relation: 'res.partner' },
    });
  });

  it('name_search matches display names, and default_get gives defaults', async () => {
    await db.call('product.product', 'create', [
      { name: 'Searchable Widget', default_code: 'SW-1' },
    ]);
    const found = await db.call<[number, string][]>('product.product', 'name_search', ['SW-1']);
    expect(found.map(([, name]) => name)).toEqual(['[SW-1] Searchable Widget']);
    expect(await db.call('sale.order', 'default_get', [['state', 'picking_policy']])).toEqual({
      state: 'draft',
      picking_policy: 'direct',
    });
  });
});

describe('bad calls get Odoo exceptions, never a crash', () => {
  it('an unknown field in create is ValueError "Invalid field"', async () => {
    const error = await db.call('res.partner', 'create', [{ nme: 'x' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationError);
    expect((error as ApplicationError).pythonType).toBe('ValueError');
    expect((error as Error).message).toContain("Invalid field 'nme' on model 'res.partner'");
  });

  it('an unknown field in a domain is ValueError', async () => {
    const error = await db
      .call('res.partner', 'search', [[['nope', '=', 1]]])
      .catch((e: unknown) => e);
    expect((error as ApplicationError).pythonType).toBe('ValueError');
    expect((error as Error).message).toContain('Invalid field res.partner.nope');
  });

  it('wrong argument counts and keywords are TypeError', async () => {
    const tooMany = await db
      .call('res.partner', 'search', [[], 0, 1, 'id', 'x'])
      .catch((e: unknown) => e);
    expect((tooMany as ApplicationError).pythonType).toBe('TypeError');
    const unknownKw = await db
      .call('res.partner', 'search_read', [[]], { colour: 'red' })
      .catch((e: unknown) => e);
    expect((unknownKw as ApplicationError).pythonType).toBe('TypeError');
    expect((unknownKw as Error).message).toContain("unexpected keyword argument 'colour'");
    const badIds = await db.call('res.partner', 'read', ['seven']).catch((e: unknown) => e);
    expect((badIds as ApplicationError).pythonType).toBe('TypeError');
  });

  it('a wrongly typed value is ValueError, and a missing record is MissingError', async () => {
    const error = await db
      .call('res.partner', 'create', [{ name: 'X', parent_id: 'abc' }])
      .catch((e: unknown) => e);
    expect((error as ApplicationError).pythonType).toBe('ValueError');
    await expect(db.call('res.partner', 'write', [[999999], { name: 'y' }])).rejects.toBeInstanceOf(
      MissingError,
    );
  });

  it('an unknown model is UserError, an unknown method AttributeError, a private one AccessError', async () => {
    await expect(db.call('no.such.model', 'search', [[]])).rejects.toBeInstanceOf(UserError);
    const unknown = await db.call('sale.order', 'no_such_method', [[1]]).catch((e: unknown) => e);
    expect((unknown as ApplicationError).pythonType).toBe('AttributeError');
    expect((unknown as Error).message).toBe(
      "The method 'sale.order.no_such_method' does not exist",
    );
    await expect(db.call('sale.order', '_create_invoices', [[1]])).rejects.toBeInstanceOf(
      AccessError,
    );
  });

  it('reports which methods exist, public or private, for the server privacy check', () => {
    expect(orm.hasModel('res.partner')).toBe(true);
    expect(orm.hasModel('no.such.model')).toBe(false);
    expect(orm.hasMethod('res.partner', 'search_read')).toBe(true);
    expect(orm.hasMethod('res.partner', 'no_such_method')).toBe(false);
  });
});
