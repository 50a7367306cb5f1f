// Contention through the whole lab: concurrent confirmations on hot products and postings on one
// journal are retried on 40001, all succeed, numbers stay gap-free, invariants hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/logger.js';
import { Secret } from '../../src/core/secret.js';
import { startLab, type LabHandle } from '../../src/lab/server/index.js';
import { OdooClient } from '../../src/odoo/client.js';
import { seed } from '../../src/odoo/seed.js';

const DB = 'hot';
const CLIENTS = 8;
const ORDERS_PER_CLIENT = 3;

let lab: LabHandle;

function newClient(): OdooClient {
  return new OdooClient({
    url: lab.url,
    db: DB,
    user: 'admin',
    secret: new Secret('admin'),
    secretKind: 'password',
  });
}

beforeAll(async () => {
  // A fraction of Odoo's cost keeps the test short while transactions still hold their row
  // locks long enough to overlap.
  lab = await startLab({
    port: 0,
    workers: 4,
    databases: [DB],
    costScale: 0.3,
    log: new Logger('error'),
  });
  await seed(newClient(), {
    products: 2,
    customers: 4,
    readyOrders: 0,
    deliveredOrders: 12,
    stock: 500,
    linesPerOrder: 2,
  });
});

afterAll(async () => {
  await lab?.stop();
});

type Row = Record<string, unknown>;

describe('many clients on hot rows', () => {
  it('confirm orders on two hot products and post on one journal at once; retries show, invariants hold', async () => {
    const setup = newClient();
    const products = await setup.call<number[]>('product.product', 'search', [
      [['default_code', '=like', 'OC-P-%']],
    ]);
    const customers = await setup.call<number[]>('res.partner', 'search', [
      [['ref', '=like', 'OC-C-%']],
    ]);
    const delivered = await setup.call<number[]>('sale.order', 'search', [
      [['client_order_ref', '=like', 'OC-SEED-DELIVERED-%']],
    ]);
    const invoices: number[] = [];
    for (const order of delivered) {
      const wizard = await setup.call<number>('sale.advance.payment.inv', 'create', [
        { advance_payment_method: 'delivered', sale_order_ids: [[6, 0, [order]]] },
      ]);
      const outcome = await setup.executeKw('sale.advance.payment.inv', 'create_invoices', [
        [wizard],
      ]);
      expect(outcome.status).toBe('committed-unmarshallable');
      const [row] = await setup.call<Row[]>('sale.order', 'read', [[order], ['invoice_ids']]);
      invoices.push(...(row!.invoice_ids as number[]));
    }
    const retriesBefore = lab.status().retries.total;

    const confirmers = Array.from({ length: CLIENTS }, async (_, c) => {
      const client = newClient();
      for (let i = 0; i < ORDERS_PER_CLIENT; i++) {
        const order = await client.call<number>('sale.order', 'create', [
          {
            partner_id: customers[c % customers.length],
            client_order_ref: `OC-LOAD-contention-${c}-${i}`,
            order_line: products.map((p) => [0, 0, { product_id: p, product_uom_qty: 1 }]),
          },
        ]);
        expect(await client.call('sale.order', 'action_confirm', [[order]])).toBe(true);
      }
    });
    const posters = Array.from({ length: 4 }, async (_, c) => {
      const client = newClient();
      for (const invoice of invoices.filter((_, i) => i % 4 === c))
        expect(await client.call('account.move', 'action_post', [[invoice]])).toBe(false);
    });
    await Promise.all([...confirmers, ...posters]);

    const status = lab.status();
    expect(status.retries.total - retriesBefore).toBeGreaterThan(0);
    expect(Object.keys(status.retries.by_code)).toContain('40001');

    const names = await setup.call<Row[]>(
      'account.move',
      'search_read',
      [[['state', '=', 'posted']]],
      {
        kwargs: { fields: ['name'], order: 'name' },
      },
    );
    const numbers = names.map((n) => Number(String(n.name).split('/').pop())).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: invoices.length }, (_, i) => i + 1));
    const reserved = await setup.call<Row[]>(
      'stock.quant',
      'search_read',
      [
        [
          ['product_id', 'in', products],
          ['location_id.usage', '=', 'internal'],
        ],
      ],
      { kwargs: { fields: ['reserved_quantity'] } },
    );
    expect(reserved.reduce((sum, q) => sum + Number(q.reserved_quantity), 0)).toBe(
      CLIENTS * ORDERS_PER_CLIENT * products.length,
    );

    const check = (await (await fetch(`${lab.url}/lab/check`)).json()) as { ok: boolean };
    expect(check).toMatchObject({ ok: true });
  });
});
