// Small builders for lab ORM tests: products with stock, customers, confirmed orders, invoices.
import { expect } from 'vitest';
import { since } from '../../../src/lab/contract.js';
import type { LabDb, Tx } from './harness.js';

export const STOCK_LOCATION = 8;

type Caller = Pick<LabDb, 'call' | 'serie'> | Pick<Tx, 'call' | 'serie'>;

/** A storable product: detailed_type='product' in 16/17, is_storable in 18 and 19. */
export async function createProduct(db: Caller, code: string, price = 10): Promise<number> {
  const storable = since(db.serie, 18) ? { is_storable: true } : { detailed_type: 'product' };
  return db.call<number>('product.product', 'create', [
    {
      name: `Product ${code}`,
      default_code: code,
      ...storable,
      list_price: price,
      invoice_policy: 'delivery',
    },
  ]);
}

export async function putInStock(db: Caller, productId: number, quantity: number): Promise<void> {
  const quant = await db.call<number>(
    'stock.quant',
    'create',
    [{ product_id: productId, location_id: STOCK_LOCATION, inventory_quantity: quantity }],
    { context: { inventory_mode: true } },
  );
  expect(await db.call('stock.quant', 'action_apply_inventory', [[quant]])).toBeUndefined();
}

export async function createOrder(
  db: Caller,
  partnerId: number,
  lines: [productId: number, quantity: number][],
): Promise<number> {
  return db.call<number>('sale.order', 'create', [
    {
      partner_id: partnerId,
      order_line: lines.map(([product_id, product_uom_qty]) => [
        0,
        0,
        { product_id, product_uom_qty },
      ]),
    },
  ]);
}

export async function pickingOf(db: Caller, orderId: number): Promise<number> {
  const [order] = await db.call<{ picking_ids: number[] }[]>('sale.order', 'read', [
    [orderId],
    ['picking_ids'],
  ]);
  return order!.picking_ids[0]!;
}

/** Confirms an order and validates its delivery. */
export async function deliverOrder(db: Caller, orderId: number): Promise<void> {
  await db.call('sale.order', 'action_confirm', [[orderId]]);
  // 16 asks for the immediate-transfer wizard unless told to skip it.
  const context = db.serie === '16.0' ? { skip_immediate: true } : {};
  await db.call('stock.picking', 'button_validate', [[await pickingOf(db, orderId)]], { context });
}

/** Invoices delivered orders through the wizard, as one call; returns their invoice ids. */
export async function invoiceOrders(db: Caller, orderIds: number[]): Promise<number[]> {
  const wizard = await db.call<number>('sale.advance.payment.inv', 'create', [
    { advance_payment_method: 'delivered', sale_order_ids: [[6, 0, orderIds]] },
  ]);
  await db.call('sale.advance.payment.inv', 'create_invoices', [[wizard]]);
  const orders = await db.call<{ invoice_ids: number[] }[]>('sale.order', 'read', [
    orderIds,
    ['invoice_ids'],
  ]);
  return [...new Set(orders.flatMap((o) => o.invoice_ids))].sort((a, b) => a - b);
}

/** Confirms, delivers and invoices an order; returns the draft invoice id. */
export async function deliveredInvoice(db: Caller, orderId: number): Promise<number> {
  await deliverOrder(db, orderId);
  return (await invoiceOrders(db, [orderId])).at(-1)!;
}
