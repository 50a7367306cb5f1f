// The 16/17/18/19 differences the lab emulates (docs/odoo-api.md, "Differences between
// series").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OdooSerie } from '../../../src/lab/contract.js';
import type { ApplicationError } from '../../../src/lab/exceptions.js';
import { LabDbs, type LabDb } from './harness.js';
import { createOrder, createProduct, deliverOrder, pickingOf, putInStock } from './scenario.js';

const labs = new LabDbs();
beforeAll(() => labs.start());
afterAll(() => labs.stop());

type Row = Record<string, unknown>;

async function confirmedDelivery(serie: OdooSerie, quantity = 3) {
  const db = await labs.create(serie);
  const product = await createProduct(db, 'SER');
  await putInStock(db, product, 10);
  const customer = await db.call<number>('res.partner', 'create', [{ name: 'Series' }]);
  const order = await createOrder(db, customer, [[product, quantity]]);
  await db.call('sale.order', 'action_confirm', [[order]]);
  return { db, product, picking: await pickingOf(db, order) };
}

async function moveOf(db: LabDb, picking: number): Promise<Row> {
  const [move] = await db.call<Row[]>(
    'stock.move',
    'search_read',
    [[['picking_id', '=', picking]]],
    {
      fields:
        db.serie === '16.0'
          ? ['quantity_done', 'reserved_availability', 'state']
          : ['quantity', 'picked', 'state'],
    },
  );
  return move!;
}

describe('16.0', () => {
  it('create_invoices closes the wizard, or opens the invoices when the context asks', async () => {
    const db = await labs.create('16.0');
    const product = await createProduct(db, 'INV16');
    await putInStock(db, product, 10);
    const customer = await db.call<number>('res.partner', 'create', [{ name: 'Billed 16' }]);
    const orders: number[] = [];
    for (let i = 0; i < 2; i++) {
      orders.push(await createOrder(db, customer, [[product, 1]]));
      await deliverOrder(db, orders[i]!);
    }
    const invoice = async (order: number, context: Row) => {
      const wizard = await db.call<number>('sale.advance.payment.inv', 'create', [
        { advance_payment_method: 'delivered', sale_order_ids: [[6, 0, [order]]] },
      ]);
      return db.call<Row>('sale.advance.payment.inv', 'create_invoices', [[wizard]], { context });
    };
    expect(await invoice(orders[0]!, {})).toEqual({ type: 'ir.actions.act_window_close' });
    const action = await invoice(orders[1]!, { open_invoices: true });
    // One order: its defaults in the context, a None among them (fault 1 after the commit).
    expect(action).toMatchObject({ type: 'ir.actions.act_window', res_model: 'account.move' });
    expect((action.context as Row).default_invoice_payment_term_id).toBeNull();
    expect(Object.keys(action)).toContain('search_view');
    expect(Object.keys(action)).not.toContain('mobile_view_mode');
  });

  it('search takes count=True and search_count takes no limit', async () => {
    const { db } = await confirmedDelivery('16.0');
    expect(await db.call('res.partner', 'search', [[]], { count: true })).toBeGreaterThan(0);
    const error = await db
      .call('res.partner', 'search_count', [[]], { limit: 1 })
      .catch((e: unknown) => e);
    expect((error as ApplicationError).pythonType).toBe('TypeError');
  });

  it('button_validate with nothing done returns the immediate-transfer wizard; processing it validates', async () => {
    const { db, picking } = await confirmedDelivery('16.0');
    const action = await db.call<Row>('stock.picking', 'button_validate', [[picking]]);
    expect(action).toMatchObject({
      res_model: 'stock.immediate.transfer',
      type: 'ir.actions.act_window',
    });
    const context = action.context as Row;
    const wizard = await db.call<number>(
      'stock.immediate.transfer',
      'create',
      [{ pick_ids: context.default_pick_ids }],
      {
        context,
      },
    );
    expect(await db.call('stock.immediate.transfer', 'process', [[wizard]], { context })).toBe(
      true,
    );
    expect((await moveOf(db, picking)).state).toBe('done');
  });

  it('writing quantity_done picks the move, so button_validate needs no wizard', async () => {
    const { db, picking } = await confirmedDelivery('16.0');
    const move = await moveOf(db, picking);
    expect(move).toMatchObject({ quantity_done: 0, reserved_availability: 3 });
    await db.call('stock.move', 'write', [[move.id], { quantity_done: 3 }]);
    expect((await moveOf(db, picking)).quantity_done).toBe(3);
    expect(await db.call('stock.picking', 'button_validate', [[picking]])).toBe(true);
  });
});

describe('17.0', () => {
  it('writing a lower quantity releases the reservation and asks for a backorder', async () => {
    const { db, product, picking } = await confirmedDelivery('17.0');
    const move = await moveOf(db, picking);
    await db.call('stock.move', 'write', [[move.id], { quantity: 2 }]);
    const [quant] = await db.query<{ reserved: number }>(
      'SELECT sum(reserved_quantity)::float8 AS reserved FROM stock_quant WHERE product_id = $1 AND location_id = 8',
      [product],
    );
    expect(quant!.reserved).toBe(2);
    const action = await db.call<Row>('stock.picking', 'button_validate', [[picking]]);
    expect(action.res_model).toBe('stock.backorder.confirmation');
    const context = action.context as Row;
    const wizard = await db.call<number>(
      'stock.backorder.confirmation',
      'create',
      [{ pick_ids: context.default_pick_ids }],
      {
        context,
      },
    );
    expect(await db.call('stock.backorder.confirmation', 'process', [[wizard]], { context })).toBe(
      true,
    );
    expect(await db.call('stock.picking', 'search_count', [[['backorder_id', '=', picking]]])).toBe(
      1,
    );
  });

  it('has no quantity_done and no count on search', async () => {
    const { db, picking } = await confirmedDelivery('17.0');
    const move = await moveOf(db, picking);
    const error = await db
      .call('stock.move', 'write', [[move.id], { quantity_done: 1 }])
      .catch((e: unknown) => e);
    expect((error as ApplicationError).pythonType).toBe('ValueError');
    const count = await db
      .call('res.partner', 'search', [[]], { count: true })
      .catch((e: unknown) => e);
    expect((count as ApplicationError).pythonType).toBe('TypeError');
  });
});

describe('18.0', () => {
  it('storable products are is_storable goods; detailed_type is gone', async () => {
    const db = await labs.create('18.0');
    const product = await createProduct(db, 'S18');
    const [row] = await db.call<Row[]>('product.product', 'read', [
      [product],
      ['type', 'is_storable'],
    ]);
    expect(row).toMatchObject({ type: 'consu', is_storable: true });
    expect(await db.call('product.product', 'create', [{ name: 'Plain goods' }])).toEqual(
      expect.any(Number),
    );
    const error = await db
      .call('product.product', 'create', [{ name: 'x', detailed_type: 'product' }])
      .catch((e: unknown) => e);
    expect((error as ApplicationError).pythonType).toBe('ValueError');
  });
});

describe('19.0', () => {
  it('a move has no name: neither read nor given; a move created without one', async () => {
    const { db, picking } = await confirmedDelivery('19.0');
    const error = await db
      .call('stock.move', 'search_read', [[['picking_id', '=', picking]]], { fields: ['name'] })
      .catch((e: unknown) => e);
    expect((error as ApplicationError).pythonType).toBe('ValueError');
    const product = await createProduct(db, 'S19');
    const move = { product_id: product, product_uom_qty: 1, location_id: 1, location_dest_id: 8 };
    const refused = await db
      .call('stock.move', 'create', [{ ...move, name: 'x' }])
      .catch((e: unknown) => e);
    expect((refused as ApplicationError).message).toBe(
      "Invalid field 'name' on model 'stock.move'",
    );
    const created = await db.call<number>('stock.move', 'create', [move]);
    const [row] = await db.call<Row[]>('stock.move', 'read', [[created], ['product_uom_qty']]);
    expect(row).toMatchObject({ id: created, product_uom_qty: 1 });
    // A confirmed order's delivery carries storable goods as on 18.
    expect(await moveOf(db, picking)).toMatchObject({ state: 'assigned' });
  });

  it("settings' default_get adds two-factor enforcement (auth_totp_mail), off", async () => {
    const db = await labs.create('19.0');
    expect(
      await db.call('res.config.settings', 'default_get', [['group_stock_multi_locations']]),
    ).toEqual({
      group_stock_multi_locations: false,
      auth_totp_enforce: false,
      portal_allow_api_keys: false,
    });
    const settings = await db.call<number>('res.config.settings', 'create', [
      { group_stock_multi_locations: true },
    ]);
    await db.call('res.config.settings', 'execute', [[settings]]);
    expect(
      await db.call('res.config.settings', 'default_get', [['group_stock_multi_locations']]),
    ).toMatchObject({ group_stock_multi_locations: true, auth_totp_enforce: false });
  });

  it('create_invoices answers the invoices action with group_ids and cache, no origin', async () => {
    const { db, picking } = await confirmedDelivery('19.0');
    await db.call('stock.picking', 'button_validate', [[picking]]);
    const [order] = await db.call<number[]>('sale.order', 'search', [[]], { limit: 1 });
    const wizard = await db.call<number>('sale.advance.payment.inv', 'create', [
      { advance_payment_method: 'delivered', sale_order_ids: [[6, 0, [order]]] },
    ]);
    const action = await db.call<Row>('sale.advance.payment.inv', 'create_invoices', [[wizard]]);
    expect(action).toMatchObject({ group_ids: [], cache: true });
    expect(action).not.toHaveProperty('groups_id');
    expect(action.context).not.toHaveProperty('default_invoice_origin');
  });
});
