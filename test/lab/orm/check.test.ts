// checkDatabase finds nothing after correct flows, and names each deliberately broken invariant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresHandle } from '../../../src/pg-local/postgres-provider.js';
import { checkDatabase, type Violation } from '../../../src/lab/check.js';
import { createLabDb, startPostgres, type LabDb } from './harness.js';
import { createOrder, createProduct, deliveredInvoice, pickingOf, putInStock } from './scenario.js';

let pgHandle: PostgresHandle;
let db: LabDb;
let productId: number;
let customer: number;

beforeAll(async () => {
  pgHandle = await startPostgres();
  db = await createLabDb(pgHandle);
  productId = await createProduct(db, 'OC-P-CHK');
  await putInStock(db, productId, 50);
  customer = await db.call<number>('res.partner', 'create', [{ name: 'Check Customer' }]);
});

afterAll(async () => {
  await db?.close();
  await pgHandle?.stop();
});

async function check(): Promise<Violation[]> {
  const client = await db.pool.connect();
  try {
    return await checkDatabase(client, db.name);
  } finally {
    client.release();
  }
}

/** Runs a breaking change, checks, and undoes it (the undo statement restores the data). */
async function violationsWhen(breakSql: string, undoSql: string, params: unknown[] = []) {
  await db.query(breakSql, params);
  try {
    return await check();
  } finally {
    await db.query(undoSql, params);
  }
}

describe('checkDatabase', () => {
  it('finds no violation after orders are confirmed, delivered, invoiced and posted', async () => {
    for (let i = 0; i < 3; i++) {
      const invoice = await deliveredInvoice(db, await createOrder(db, customer, [[productId, 2]]));
      await db.call('account.move', 'action_post', [[invoice]]);
    }
    const pending = await createOrder(db, customer, [[productId, 4]]);
    await db.call('sale.order', 'action_confirm', [[pending]]);
    expect(await check()).toEqual([]);
  });

  it('names a confirmed order whose moves are gone', async () => {
    const order = await createOrder(db, customer, [[productId, 1]]);
    await db.call('sale.order', 'action_confirm', [[order]]);
    await db.call('stock.picking', 'action_cancel', [[await pickingOf(db, order)]]);
    const violations = await violationsWhen(
      `UPDATE stock_move SET sale_line_id = NULL WHERE sale_line_id IN (SELECT id FROM sale_order_line WHERE order_id = $1)`,
      `UPDATE stock_move m SET sale_line_id = l.id FROM sale_order_line l WHERE l.order_id = $1 AND m.origin = (SELECT name FROM sale_order WHERE id = $1) AND m.product_id = l.product_id`,
      [order],
    );
    expect(violations).toEqual([
      expect.objectContaining({
        invariant: 'confirmed-order-has-delivery',
        record: `sale.order,${order}`,
      }),
    ]);
  });

  it('names stock that appeared without a move, and a quant gone negative', async () => {
    const violations = await violationsWhen(
      'UPDATE stock_quant SET quantity = quantity - 100 WHERE product_id = $1 AND location_id = 8',
      'UPDATE stock_quant SET quantity = quantity + 100 WHERE product_id = $1 AND location_id = 8',
      [productId],
    );
    const names = violations.map((v) => v.invariant).sort();
    expect(names).toEqual(['no-negative-quant', 'quantities-conserved']);
    expect(violations.every((v) => v.record === `product.product,${productId}`)).toBe(true);
  });

  it('names a reservation no move line holds', async () => {
    const violations = await violationsWhen(
      'UPDATE stock_quant SET reserved_quantity = reserved_quantity + 1 WHERE product_id = $1 AND location_id = 8',
      'UPDATE stock_quant SET reserved_quantity = reserved_quantity - 1 WHERE product_id = $1 AND location_id = 8',
      [productId],
    );
    expect(violations.map((v) => v.invariant)).toEqual(['reservations-match-move-lines']);
  });

  it('names a gap in a journal numbering', async () => {
    const violations = await violationsWhen(
      "UPDATE account_move SET sequence_number = sequence_number + 10, name = name || 'X' WHERE id = (SELECT max(id) FROM account_move WHERE state = 'posted')",
      "UPDATE account_move SET sequence_number = sequence_number - 10, name = left(name, -1) WHERE id = (SELECT max(id) FROM account_move WHERE state = 'posted')",
    );
    expect(violations).toEqual([
      expect.objectContaining({
        invariant: 'invoice-numbers-gap-free',
        record: 'account.journal,1',
      }),
    ]);
  });

  it('names a line invoiced twice and an unbalanced posted entry', async () => {
    const violations = await violationsWhen(
      "UPDATE account_move_line SET quantity = quantity * 2, balance = balance - 1 WHERE display_type = 'product' AND move_id = (SELECT min(id) FROM account_move WHERE state = 'posted')",
      "UPDATE account_move_line SET quantity = quantity / 2, balance = balance + 1 WHERE display_type = 'product' AND move_id = (SELECT min(id) FROM account_move WHERE state = 'posted')",
    );
    expect(violations.map((v) => v.invariant)).toEqual([
      'nothing-posted-twice',
      'nothing-posted-twice',
    ]);
  });
});
