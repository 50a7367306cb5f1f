// Odoo domains compile to parameterised SQL: every operator and the prefix '&', '|', '!' select
// the records Odoo would, order/limit/offset apply, and no caller value ever reaches the SQL text.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresHandle } from '../../../src/pg-local/postgres-provider.js';
import { ApplicationError } from '../../../src/lab/exceptions.js';
import { compileOrder, compileSearchDomain } from '../../../src/lab/orm/domain.js';
import { registry } from '../../../src/lab/orm/index.js';
import { newSqlContext } from '../../../src/lab/orm/sql.js';
import { createLabDb, startPostgres, type LabDb } from './harness.js';

let pgHandle: PostgresHandle;
let db: LabDb;
const ids: Record<string, number> = {};

beforeAll(async () => {
  pgHandle = await startPostgres();
  db = await createLabDb(pgHandle);
  const acme = await db.call<number>('res.partner', 'create', [
    { name: 'Acme', is_company: true, ref: 'D-1', customer_rank: 5 },
  ]);
  ids.acme = acme;
  ids.bob = await db.call<number>('res.partner', 'create', [
    { name: 'Bob', parent_id: acme, ref: 'D-2', customer_rank: 1, email: 'bob@acme.test' },
  ]);
  ids.carla = await db.call<number>('res.partner', 'create', [
    { name: 'Carla', ref: 'D-3', customer_rank: 3 },
  ]);
  ids.dan = await db.call<number>('res.partner', 'create', [
    { name: 'dan_x', ref: 'D-4', customer_rank: 0 },
  ]);
});

afterAll(async () => {
  await db?.close();
  await pgHandle?.stop();
});

const search = (domain: unknown[], kwargs: Record<string, unknown> = {}) =>
  db.call<number[]>('res.partner', 'search', [[['ref', '=like', 'D-%'], ...domain]], kwargs);

describe('domain operators', () => {
  it.each([
    ['=', [['name', '=', 'Bob']], ['bob']],
    ['!=', [['name', '!=', 'Bob']], ['acme', 'carla', 'dan']],
    ['<', [['customer_rank', '<', 3]], ['bob', 'dan']],
    ['>', [['customer_rank', '>', 3]], ['acme']],
    ['<=', [['customer_rank', '<=', 3]], ['bob', 'carla', 'dan']],
    ['>=', [['customer_rank', '>=', 3]], ['acme', 'carla']],
    ['in', [['name', 'in', ['Acme', 'Carla']]], ['acme', 'carla']],
    ['not in', [['name', 'not in', ['Acme', 'Carla']]], ['bob', 'dan']],
    ['like', [['name', 'like', 'ar']], ['carla']],
    ['ilike', [['name', 'ilike', 'AC']], ['acme']],
    ['=like', [['name', '=like', 'B%']], ['bob']],
    ['=ilike', [['name', '=ilike', 'b%']], ['bob']],
    ['not ilike', [['name', 'not ilike', 'a']], ['bob']],
    ['= False', [['email', '=', false]], ['acme', 'carla', 'dan']],
    ['!= False', [['email', '!=', false]], ['bob']],
    ['many2one by id', [['parent_id', '=', 'ACME_ID']], ['bob']],
    ['many2one by name', [['parent_id', 'ilike', 'acm']], ['bob']],
    ['dotted path', [['parent_id.name', '=', 'Acme']], ['bob']],
    ['one2many', [['child_ids', '!=', false]], ['acme']],
    ['boolean', [['is_company', '=', true]], ['acme']],
    [
      'implicit and',
      [
        ['customer_rank', '>', 0],
        ['customer_rank', '<', 5],
      ],
      ['bob', 'carla'],
    ],
    ['or', ['|', ['name', '=', 'Bob'], ['name', '=', 'Carla']], ['bob', 'carla']],
    ['not', ['!', ['name', '=', 'Bob']], ['acme', 'carla', 'dan']],
    [
      'nested',
      ['|', '&', ['customer_rank', '>', 0], ['is_company', '=', false], ['name', '=', 'dan_x']],
      ['bob', 'carla', 'dan'],
    ],
    ['true leaf', [[1, '=', 1]], ['acme', 'bob', 'carla', 'dan']],
    ["'_' is a wildcard in =like, as in SQL", [['name', '=like', 'dan_%']], ['dan']],
  ])('%s', async (_name, domain, expected) => {
    const resolved = JSON.parse(JSON.stringify(domain).replace('"ACME_ID"', String(ids.acme)));
    const found = await search(resolved as unknown[]);
    expect(found.sort((a, b) => a - b)).toEqual(expected.map((k) => ids[k]!).sort((a, b) => a - b));
  });
});

describe('child_of', () => {
  it('finds a location and everything under it through parent_path', async () => {
    const found = await db.call<number[]>('stock.location', 'search', [[['id', 'child_of', 7]]]);
    expect(found.sort()).toEqual([7, 8]);
    const quantsUnderWh = await db.call<number>('stock.quant', 'search_count', [
      [['location_id', 'child_of', 7]],
    ]);
    expect(quantsUnderWh).toBe(0);
  });
});

describe('order, limit and offset', () => {
  it('orders by several fields with directions and pages through', async () => {
    expect(await search([], { order: 'customer_rank desc, name' })).toEqual([
      ids.acme,
      ids.carla,
      ids.bob,
      ids.dan,
    ]);
    expect(await search([], { order: 'customer_rank desc', limit: 2, offset: 1 })).toEqual([
      ids.carla,
      ids.bob,
    ]);
  });

  it('refuses an order that is not a list of field names', async () => {
    for (const order of ['name; DROP TABLE res_partner', 'nope desc', 'name sideways']) {
      const error = await search([], { order }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApplicationError);
      expect((error as ApplicationError).pythonType).toBe('ValueError');
    }
  });
});

describe('malformed domains', () => {
  it.each([
    ['a leaf of two items', [['name', '=']]],
    ['an unknown operator', [['name', 'contains', 'x']]],
    ['a dangling operator', ['|', ['name', '=', 'x']]],
    ['not a list', 'name = x'],
  ])('%s is ValueError', async (_name, domain) => {
    const error = await db.call('res.partner', 'search', [domain]).catch((e: unknown) => e);
    expect((error as ApplicationError).pythonType).toBe('ValueError');
  });
});

describe('values never reach the SQL text', () => {
  it('puts every value in a parameter, whatever it contains', () => {
    const model = registry.get('res.partner');
    const operators = ['=', '!=', 'like', 'ilike', '=like', 'not ilike', 'in', 'not in', '<', '>='];
    fc.assert(
      fc.property(
        // '§' never occurs in generated SQL, so any occurrence would be a concatenated value.
        fc.string().map((s) => `§${s}'--`),
        fc.constantFrom(...operators),
        fc.constantFrom('name', 'email', 'ref', 'parent_id.name'),
        (value, operator, field) => {
          const ctx = newSqlContext(registry, '17.0');
          const right = operator.includes('in') && !operator.includes('like') ? [value] : value;
          const sql = compileSearchDomain(
            ctx,
            model,
            ['|', [field, operator, right], ['name', '=', value]],
            'res_partner',
          );
          expect(sql).not.toContain('§');
          expect(JSON.stringify(ctx.params.values)).toContain(JSON.stringify(value).slice(1, -1));
          compileOrder(ctx, model, 'name desc', 'res_partner');
        },
      ),
    );
  });
});
