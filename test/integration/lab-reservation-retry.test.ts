// The order wave's knee on the lab, as on Odoo 17.0: a stale snapshot meets 40001 when it reserves
// a hot quant and the call is retried; interleavings forced by locks, never by timing.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/logger.js';
import { startLocalPostgres, type PostgresHandle } from '../../src/pg-local/postgres-provider.js';
import { startLab, type LabHandle } from '../../src/lab/server/index.js';
import type { OdooClient } from '../../src/odoo/client.js';
import { seed } from '../../src/odoo/seed.js';
import { waitFor } from '../lab/orm/harness.js';
import { labClient, labViolations } from '../scenarios/seeded-lab.js';

const DB = 'knee';

let postgres: PostgresHandle;
let lab: LabHandle;
let sql: pg.Client;
/** A second session that holds row locks (pg_stat_activity is frozen inside a transaction). */
let holder: pg.Client;
let product: number;
let customer: number;

const newClient = (): OdooClient => labClient(lab, DB);

beforeAll(async () => {
  postgres = await startLocalPostgres();
  // Five times Odoo's cost: a confirmation burns about half a second of CPU before its first
  // reservation, time enough for another worker's short call to commit.
  lab = await startLab({
    port: 0,
    workers: 2,
    databases: [DB],
    costScale: 5,
    pgUrl: postgres.url,
    log: new Logger('error'),
  });
  const client = newClient();
  await seed(client, {
    products: 1,
    customers: 1,
    readyOrders: 0,
    deliveredOrders: 0,
    stock: 100,
    linesPerOrder: 1,
  });
  const search = async (model: string, field: string, pattern: string) =>
    (await client.call<number[]>(model, 'search', [[[field, '=like', pattern]]]))[0]!;
  product = await search('product.product', 'default_code', 'OC-P-%');
  customer = await search('res.partner', 'ref', 'OC-C-%');
  const url = new URL(postgres.url.reveal());
  url.pathname = `/${DB}`;
  sql = new pg.Client({ connectionString: url.href });
  holder = new pg.Client({ connectionString: url.href });
  await Promise.all([sql.connect(), holder.connect()]);
}, 120_000);

afterAll(async () => {
  await Promise.all([sql?.end(), holder?.end()]);
  await lab?.stop();
  await postgres?.stop();
});

const order = (client: OdooClient, quantity: number) =>
  client.call<number>('sale.order', 'create', [
    {
      partner_id: customer,
      order_line: [[0, 0, { product_id: product, product_uom_qty: quantity }]],
    },
  ]);

const serializationRetries = () => lab.status().retries.by_code['40001'] ?? 0;

async function hotQuants(): Promise<{ quantity: number; reserved: number }[]> {
  const { rows } = await sql.query<{ quantity: number; reserved: number }>(
    `SELECT quantity::float8 AS quantity, reserved_quantity::float8 AS reserved FROM stock_quant
      WHERE product_id = $1 AND location_id IN (SELECT lot_stock_id FROM stock_warehouse) ORDER BY id`,
    [product],
  );
  return rows;
}

/** The lab's backends in a transaction: their state, snapshot and whether they wrote yet. */
async function labTransactions() {
  const { rows } = await sql.query<{
    pid: number;
    state: string;
    wait: string | null;
    snapshot: boolean;
    wrote: boolean;
  }>(
    `SELECT pid, state, wait_event_type AS wait, backend_xmin IS NOT NULL AS snapshot,
            backend_xid IS NOT NULL AS wrote
       FROM pg_stat_activity
      WHERE datname = $1 AND xact_start IS NOT NULL`,
    [DB],
  );
  return rows;
}

describe('two confirmations on one hot quant', () => {
  it('the one whose snapshot predates the other’s commit fails with 40001, is retried, and both are confirmed', async () => {
    const first = newClient();
    const second = newClient();
    const [a, b] = [await order(first, 2), await order(second, 3)];
    const reservedBefore = (await hotQuants()).reduce((sum, q) => sum + q.reserved, 0);
    const retriesBefore = serializationRetries();

    // Hold the second order's row: its confirmation takes its snapshot, then waits there.
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM sale_order WHERE id = $1 FOR UPDATE', [b]);
    const confirmSecond = second.call('sale.order', 'action_confirm', [[b]]);
    await waitFor('the second confirmation to wait on its order row', async () =>
      (await labTransactions()).some((t) => t.wait === 'Lock'),
    );
    // The first reserves on the hot quant and commits in the other worker meanwhile.
    expect(await first.call('sale.order', 'action_confirm', [[a]])).toBe(true);
    await holder.query('COMMIT');

    expect(await confirmSecond).toBe(true);
    expect(serializationRetries() - retriesBefore).toBe(1);
    // The retry reserved on the quant the first had committed: no split, no reservation lost.
    const quants = await hotQuants();
    expect(quants).toHaveLength(1);
    expect(quants[0]!.reserved - reservedBefore).toBe(5);
    expect(await labViolations(lab)).toEqual([]);
  });

  it('a call holds its snapshot from its start, through the work before its first statement of its own', async () => {
    const client = newClient();
    const b = await order(client, 1);
    const retriesBefore = serializationRetries();

    const confirm = client.call('sale.order', 'action_confirm', [[b]]);
    // Odoo's first statement of a call runs before its Python work: the transaction has its
    // snapshot and has written nothing while the call's CPU time is being spent.
    await waitFor('the confirmation to hold a snapshot before writing anything', async () =>
      (await labTransactions()).some(
        (t) => t.state === 'idle in transaction' && t.snapshot && !t.wrote,
      ),
    );
    // Another session counts the hot quant and commits meanwhile. Had the confirmation already
    // locked the quant, this would wait for it, and the confirmation would not be retried.
    await sql.query(
      `UPDATE stock_quant SET inventory_quantity = quantity, inventory_quantity_set = true
        WHERE product_id = $1 AND location_id IN (SELECT lot_stock_id FROM stock_warehouse)`,
      [product],
    );

    expect(await confirm).toBe(true);
    expect(serializationRetries() - retriesBefore).toBe(1);
  });
});
