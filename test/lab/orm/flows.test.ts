// The logistics flow at the ORM level on a real PostgreSQL, one REPEATABLE READ transaction per
// call, with Odoo 17's return values and errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresHandle } from '../../../src/pg-local/postgres-provider.js';
import { UserError } from '../../../src/lab/exceptions.js';
import { createLabDb, startPostgres, type LabDb } from './harness.js';

let pgHandle: PostgresHandle;
let db: LabDb;
const year = new Date().getUTCFullYear();
const STOCK = 8;

beforeAll(async () => {
  pgHandle = await startPostgres();
  db = await createLabDb(pgHandle);
});

afterAll(async () => {
  await db?.close();
  await pgHandle?.stop();
});

type Row = Record<string, unknown>;

async function product(code: string, price = 10, policy = 'delivery'): Promise<number> {
  return db.call<number>('product.product', 'create', [
    {
      name: `Product ${code}`,
      default_code: code,
      detailed_type: 'product',
      list_price: price,
      invoice_policy: policy,
    },
  ]);
}

async function stock(productId: number, quantity: number): Promise<void> {
  const quant = await db.call<number>(
    'stock.quant',
    'create',
    [{ product_id: productId, location_id: STOCK, inventory_quantity: quantity }],
    { context: { inventory_mode: true } },
  );
  expect(await db.call('stock.quant', 'action_apply_inventory', [[quant]])).toBeUndefined();
}

async function onHand(
  productId: number,
  locationId = STOCK,
): Promise<{ quantity: number; reserved: number }> {
  const [row] = await db.query<{ quantity: number; reserved: number }>(
    `SELECT COALESCE(sum(quantity), 0)::float8 AS quantity, COALESCE(sum(reserved_quantity), 0)::float8 AS reserved
       FROM stock_quant WHERE product_id = $1 AND location_id = $2`,
    [productId, locationId],
  );
  return row!;
}

async function order(
  partner: number,
  lines: [number, number, number?][],
  ref?: string,
): Promise<number> {
  return db.call<number>('sale.order', 'create', [
    {
      partner_id: partner,
      client_order_ref: ref ?? false,
      order_line: lines.map(([p, qty, price]) => [
        0,
        0,
        price === undefined
          ? { product_id: p, product_uom_qty: qty }
          : { product_id: p, product_uom_qty: qty, price_unit: price },
      ]),
    },
  ]);
}

async function read(model: string, id: number, fields: string[]): Promise<Row> {
  const [row] = await db.call<Row[]>(model, 'read', [[id], fields]);
  return row!;
}

describe('the logistics flow', () => {
  let productId: number;
  let customer: number;
  let orderId: number;
  let pickingId: number;
  let invoiceId: number;

  it('creates a storable product: the first product of a fresh database is id 2', async () => {
    productId = await product('OC-P-0001', 10);
    expect(productId).toBe(2);
    const row = await read('product.product', productId, [
      'display_name',
      'detailed_type',
      'list_price',
      'invoice_policy',
      'qty_available',
    ]);
    expect(row).toMatchObject({
      display_name: '[OC-P-0001] Product OC-P-0001',
      detailed_type: 'product',
      list_price: 10,
      invoice_policy: 'delivery',
      qty_available: 0,
    });
  });

  it('an inventory adjustment in inventory mode puts stock on hand and returns None', async () => {
    await stock(productId, 100);
    expect(await onHand(productId)).toEqual({ quantity: 100, reserved: 0 });
    const [move] = await db.query<{ is_inventory: boolean; state: string; location_id: number }>(
      'SELECT is_inventory, state, location_id FROM stock_move WHERE product_id = $1',
      [productId],
    );
    expect(move).toEqual({ is_inventory: true, state: 'done', location_id: 14 });
    expect((await read('product.product', productId, ['qty_available'])).qty_available).toBe(100);
  });

  it('refuses a quant created outside inventory mode', async () => {
    await expect(
      db.call('stock.quant', 'create', [
        { product_id: productId, location_id: STOCK, inventory_quantity: 5 },
      ]),
    ).rejects.toBeInstanceOf(UserError);
  });

  it('creates an order named from its sequence, with 15% tax computed', async () => {
    customer = await db.call<number>('res.partner', 'create', [
      { name: 'Cust A', is_company: true },
    ]);
    orderId = await order(customer, [[productId, 3, 10]]);
    expect(
      await read('sale.order', orderId, [
        'name',
        'state',
        'amount_untaxed',
        'amount_total',
        'invoice_status',
      ]),
    ).toEqual({
      id: orderId,
      name: 'S00001',
      state: 'draft',
      amount_untaxed: 30,
      amount_total: 34.5,
      invoice_status: 'no',
    });
  });

  it('confirming an order reserves its quants and creates the picking and moves', async () => {
    expect(await db.call('sale.order', 'action_confirm', [[orderId]])).toBe(true);
    const so = await read('sale.order', orderId, [
      'state',
      'picking_ids',
      'procurement_group_id',
      'delivery_status',
    ]);
    expect(so.state).toBe('sale');
    expect(so.delivery_status).toBe('pending');
    expect(so.picking_ids).toHaveLength(1);
    pickingId = (so.picking_ids as number[])[0]!;
    const picking = await read('stock.picking', pickingId, [
      'name',
      'origin',
      'state',
      'sale_id',
      'move_ids',
      'location_id',
      'location_dest_id',
      'picking_type_id',
    ]);
    expect(picking).toMatchObject({
      name: 'WH/OUT/00001',
      origin: 'S00001',
      state: 'assigned',
      sale_id: [orderId, 'S00001'],
      location_id: [8, 'WH/Stock'],
      location_dest_id: [5, 'Partners/Customers'],
    });
    const [move] = await db.call<Row[]>('stock.move', 'read', [
      picking.move_ids,
      ['sale_line_id', 'group_id', 'state', 'quantity', 'product_uom_qty'],
    ]);
    expect(move!.state).toBe('assigned');
    expect(move!.quantity).toBe(3);
    expect((move!.group_id as unknown[])[1]).toBe('S00001');
    expect(move!.sale_line_id).not.toBe(false);
    expect(await onHand(productId)).toEqual({ quantity: 100, reserved: 3 });
    const lines = await db.query<{ quantity: number; location_id: number }>(
      'SELECT quantity::float8 AS quantity, location_id FROM stock_move_line WHERE picking_id = $1',
      [pickingId],
    );
    expect(lines).toEqual([{ quantity: 3, location_id: STOCK }]);
  });

  it("confirming twice is Odoo's UserError naming the order", async () => {
    const error = await db
      .call('sale.order', 'action_confirm', [[orderId]])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      'The following orders are not in a state requiring confirmation: S00001',
    );
  });

  it('validating the delivery moves stock and marks the order delivered, to invoice', async () => {
    expect(await db.call('stock.picking', 'button_validate', [[pickingId]])).toBe(true);
    expect((await read('stock.picking', pickingId, ['state'])).state).toBe('done');
    expect(await onHand(productId)).toEqual({ quantity: 97, reserved: 0 });
    expect((await onHand(productId, 5)).quantity).toBe(3);
    const so = await read('sale.order', orderId, [
      'invoice_status',
      'delivery_status',
      'order_line',
    ]);
    expect(so.invoice_status).toBe('to invoice');
    expect(so.delivery_status).toBe('full');
    const [line] = await db.call<Row[]>('sale.order.line', 'read', [
      so.order_line,
      ['qty_delivered', 'qty_to_invoice'],
    ]);
    expect(line).toMatchObject({ qty_delivered: 3, qty_to_invoice: 3 });
  });

  it('writes the tracking reference and finds the delivery by origin', async () => {
    expect(
      await db.call('stock.picking', 'write', [[pickingId], { carrier_tracking_ref: 'TRK-42' }]),
    ).toBe(true);
    const rows = await db.call<Row[]>(
      'stock.picking',
      'search_read',
      [[['origin', '=', 'S00001']]],
      {
        fields: ['carrier_tracking_ref', 'state'],
      },
    );
    expect(rows).toEqual([{ id: pickingId, carrier_tracking_ref: 'TRK-42', state: 'done' }]);
  });

  it('invoices the delivered order through the wizard, returning an action holding None; the first draft of the year is numbered', async () => {
    const wizard = await db.call<number>('sale.advance.payment.inv', 'create', [
      { advance_payment_method: 'delivered', sale_order_ids: [[6, 0, [orderId]]] },
    ]);
    const action = await db.call<Row>('sale.advance.payment.inv', 'create_invoices', [[wizard]]);
    expect(action).toMatchObject({ type: 'ir.actions.act_window', res_model: 'account.move' });
    // None inside the action: the server commits, then answers fault 1, as Odoo does.
    expect((action.context as Row).default_invoice_payment_term_id).toBeNull();
    const so = await read('sale.order', orderId, ['invoice_ids', 'invoice_status']);
    expect(so.invoice_status).toBe('invoiced');
    expect(so.invoice_ids).toHaveLength(1);
    invoiceId = (so.invoice_ids as number[])[0]!;
    expect(
      await read('account.move', invoiceId, [
        'name',
        'state',
        'move_type',
        'amount_total',
        'invoice_origin',
        'partner_id',
      ]),
    ).toEqual({
      id: invoiceId,
      // The journal has no numbered move this year: Odoo 17 numbers the draft at its creation.
      name: `INV/${year}/00001`,
      state: 'draft',
      move_type: 'out_invoice',
      amount_total: 34.5,
      invoice_origin: 'S00001',
      partner_id: [customer, 'Cust A'],
    });
    const [balance] = await db.query<{ total: number; lines: number }>(
      'SELECT sum(balance)::float8 AS total, count(*)::int AS lines FROM account_move_line WHERE move_id = $1',
      [invoiceId],
    );
    expect(balance).toEqual({ total: 0, lines: 3 });
  });

  it('invoicing again with nothing to invoice is a UserError', async () => {
    const wizard = await db.call<number>('sale.advance.payment.inv', 'create', [{}], {
      context: { active_ids: [orderId], active_model: 'sale.order' },
    });
    await expect(
      db.call('sale.advance.payment.inv', 'create_invoices', [[wizard]]),
    ).rejects.toBeInstanceOf(UserError);
  });

  it("posting returns False and keeps the draft's number INV/<year>/00001; posting twice fails", async () => {
    expect(await db.call('account.move', 'action_post', [[invoiceId]])).toBe(false);
    const posted = await read('account.move', invoiceId, ['name', 'state', 'invoice_date']);
    expect(posted.name).toBe(`INV/${year}/00001`);
    expect(posted.state).toBe('posted');
    expect(posted.invoice_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const error = await db
      .call('account.move', 'action_post', [[invoiceId]])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      `The entry INV/${year}/00001 (id ${invoiceId}) must be in draft.`,
    );
  });
});

describe('backorders and receipts', () => {
  let productId: number;
  let customer: number;

  beforeAll(async () => {
    productId = await product('OC-P-BO', 5);
    await stock(productId, 4);
    customer = await db.call<number>('res.partner', 'create', [{ name: 'Backorder Customer' }]);
  });

  async function shortDelivery(): Promise<number> {
    const so = await order(customer, [[productId, 3]]);
    await db.call('sale.order', 'action_confirm', [[so]]);
    return ((await read('sale.order', so, ['picking_ids'])).picking_ids as number[])[0]!;
  }

  it('a partly reserved delivery asks for the backorder wizard', async () => {
    await stock(productId, 0);
    await stock(productId, 2);
    const picking = await shortDelivery();
    expect((await read('stock.picking', picking, ['state'])).state).toBe('assigned');
    const action = await db.call<Row>('stock.picking', 'button_validate', [[picking]]);
    expect(action).toMatchObject({
      type: 'ir.actions.act_window',
      res_model: 'stock.backorder.confirmation',
    });
    expect((action.context as Row).button_validate_picking_ids).toEqual([picking]);
    expect((await read('stock.picking', picking, ['state'])).state).toBe('assigned');
  });

  it('skip_backorder validates what is reserved and creates the backorder', async () => {
    const picking = (
      await db.query<{ id: number }>(
        "SELECT id FROM stock_picking WHERE state = 'assigned' ORDER BY id DESC LIMIT 1",
      )
    )[0]!.id;
    expect(
      await db.call('stock.picking', 'button_validate', [[picking]], {
        context: { skip_backorder: true },
      }),
    ).toBe(true);
    expect(
      (await read('stock.picking', picking, ['state', 'backorder_ids'])).backorder_ids,
    ).toHaveLength(1);
    const [backorder] = await db.call<Row[]>(
      'stock.picking',
      'search_read',
      [[['backorder_id', '=', picking]]],
      {
        fields: ['state', 'origin'],
      },
    );
    expect(backorder!.state).toBe('confirmed');
  });

  it('picking_ids_not_to_backorder validates and cancels the remainder', async () => {
    await stock(productId, 1);
    const picking = await shortDelivery();
    const result = await db.call('stock.picking', 'button_validate', [[picking]], {
      context: { skip_backorder: true, picking_ids_not_to_backorder: [picking] },
    });
    expect(result).toBe(true);
    const moves = await db.query<{ state: string; quantity: number }>(
      'SELECT state, quantity::float8 AS quantity FROM stock_move WHERE picking_id = $1 ORDER BY id',
      [picking],
    );
    expect(moves).toEqual([
      { state: 'done', quantity: 1 },
      { state: 'cancel', quantity: 0 },
    ]);
    expect(await db.call('stock.picking', 'search_count', [[['backorder_id', '=', picking]]])).toBe(
      0,
    );
  });

  it('action_assign with nothing to reserve is a UserError', async () => {
    const picking = (
      await db.query<{ id: number }>("SELECT id FROM stock_picking WHERE state = 'done' LIMIT 1")
    )[0]!.id;
    const error = await db
      .call('stock.picking', 'action_assign', [[picking]])
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('Nothing to check the availability for.');
  });

  it('a receipt created with its moves and validated adds stock', async () => {
    const before = (await onHand(productId)).quantity;
    const receipt = await db.call<number>('stock.picking', 'create', [
      { picking_type_id: 1, move_ids: [[0, 0, { product_id: productId, product_uom_qty: 7 }]] },
    ]);
    expect((await read('stock.picking', receipt, ['name', 'location_id', 'state'])).name).toBe(
      'WH/IN/00001',
    );
    expect(await db.call('stock.picking', 'button_validate', [[receipt]])).toBe(true);
    expect((await onHand(productId)).quantity).toBe(before + 7);
    expect((await onHand(productId, 4)).quantity).toBeLessThanOrEqual(-7);
  });
});

describe('internal transfers, counted stock and consolidated invoices', () => {
  let productId: number;
  let customer: number;

  beforeAll(async () => {
    productId = await product('OC-P-MORE', 4);
    await stock(productId, 10);
    customer = await db.call<number>('res.partner', 'create', [{ name: 'Consolidated' }]);
  });

  it('an internal transfer created as a draft is reserved and done on validation, stock unchanged', async () => {
    const transfer = await db.call<number>('stock.picking', 'create', [
      { picking_type_id: 5, move_ids: [[0, 0, { product_id: productId, product_uom_qty: 4 }]] },
    ]);
    expect((await read('stock.picking', transfer, ['name', 'state'])).state).toBe('draft');
    expect(await db.call('stock.picking', 'button_validate', [[transfer]])).toBe(true);
    expect((await read('stock.picking', transfer, ['state'])).state).toBe('done');
    expect(await onHand(productId)).toEqual({ quantity: 10, reserved: 0 });
  });

  it('writing a counted quantity on a quant and applying it corrects the stock', async () => {
    const [quant] = await db.call<number[]>('stock.quant', 'search', [
      [
        ['product_id', '=', productId],
        ['location_id', '=', STOCK],
      ],
    ]);
    expect(
      await db.call('stock.quant', 'write', [[quant], { inventory_quantity: 12 }], {
        context: { inventory_mode: true },
      }),
    ).toBe(true);
    expect(await read('stock.quant', quant!, ['inventory_diff_quantity'])).toMatchObject({
      inventory_diff_quantity: 2,
    });
    expect(await db.call('stock.quant', 'action_apply_inventory', [[quant]])).toBeUndefined();
    expect(await onHand(productId)).toEqual({ quantity: 12, reserved: 0 });
  });

  it('invoices two delivered orders of one customer on one invoice (17 consolidates)', async () => {
    const orders = [
      await order(customer, [[productId, 1]]),
      await order(customer, [[productId, 2]]),
    ];
    for (const id of orders) {
      await db.call('sale.order', 'action_confirm', [[id]]);
      const picking = ((await read('sale.order', id, ['picking_ids'])).picking_ids as number[])[0];
      await db.call('stock.picking', 'button_validate', [[picking]]);
    }
    const wizard = await db.call<number>('sale.advance.payment.inv', 'create', [
      { sale_order_ids: [[6, 0, orders]] },
    ]);
    const action = await db.call<Row>('sale.advance.payment.inv', 'create_invoices', [[wizard]]);
    // Several orders: no order defaults in the context, nothing None, the action marshals.
    expect(action.context).toEqual({ default_move_type: 'out_invoice' });
    expect(JSON.stringify(action)).not.toContain('null');
    const invoices = orders.map(
      async (id) => (await read('sale.order', id, ['invoice_ids'])).invoice_ids,
    );
    const [first, second] = await Promise.all(invoices);
    expect(first).toEqual(second);
    const names = await db.query<{ name: string }>(
      'SELECT name FROM sale_order WHERE id = ANY($1) ORDER BY id',
      [orders],
    );
    expect(
      (await read('account.move', (first as number[])[0]!, ['invoice_origin'])).invoice_origin,
    ).toBe(names.map((n) => n.name).join(', '));
    expect(action).toMatchObject({
      res_id: (first as number[])[0],
      views: [
        [681, 'form'],
        [674, 'tree'],
        [false, 'kanban'],
        [false, 'activity'],
      ],
    });
  });
});
