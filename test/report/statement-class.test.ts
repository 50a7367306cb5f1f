// Statement classes: Odoo's quoted SQL reduced to verb and table, locks told apart from reads.
import { describe, expect, it } from 'vitest';
import { statementClass } from '../../src/report/statement-class.js';

describe('statementClass', () => {
  it.each([
    [
      'SELECT "sale_order"."id" FROM "sale_order" WHERE ("sale_order"."state" = $1)',
      'SELECT sale_order',
    ],
    [
      'SELECT "stock_quant"."id" FROM "stock_quant" WHERE "stock_quant"."id" IN ($1) FOR NO KEY UPDATE',
      'SELECT … FOR UPDATE stock_quant',
    ],
    [
      'SELECT id FROM ir_sequence WHERE id = $1 FOR UPDATE NOWAIT',
      'SELECT … FOR UPDATE ir_sequence',
    ],
    ['UPDATE "stock_quant" SET "quantity" = $1 WHERE id IN ($2)', 'UPDATE stock_quant'],
    [
      'INSERT INTO "sale_order_line" ("order_id") VALUES ($1) RETURNING id',
      'INSERT sale_order_line',
    ],
    ['DELETE FROM "bus_bus" WHERE create_date < $1', 'DELETE bus_bus'],
    ['  select * from public.res_partner where id = $1', 'SELECT res_partner'],
    ['WITH x AS (SELECT 1) SELECT * FROM "account_move" JOIN x ON true', 'SELECT account_move'],
    ['SELECT nextval($1)', 'SELECT'],
    ['SAVEPOINT "a1b2"', 'transaction control'],
    ['COMMIT', 'transaction control'],
    ['SET LOCAL statement_timeout = $1', 'SET'],
    ['', 'other'],
  ])('%s → %s', (query, expected) => {
    expect(statementClass(query)).toBe(expected);
  });
});
