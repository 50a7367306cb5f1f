// Two REPEATABLE READ transactions on the same hot rows conflict as in each Odoo series: quant
// reservations, journal postings, first invoices of a period, tracking-ref writes.
import type { DatabaseError } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDatabase } from '../../../src/lab/check.js';
import { orm, registry } from '../../../src/lab/orm/index.js';
import { OrmRuntime } from '../../../src/lab/orm/runtime.js';
import type { PgError } from '../../../src/lab/server/pg-errors.js';
import { integrityMessage } from '../../../src/lab/server/transaction.js';
import { mergeQuants } from '../../../src/lab/orm/stock/inventory.js';
import type { OdooSerie } from '../../../src/lab/contract.js';
import { inTwoTransactions, isWaitingOnLock, LabDbs, waitFor, type LabDb } from './harness.js';
import {
  createOrder,
  createProduct,
  deliveredInvoice,
  deliverOrder,
  invoiceOrders,
  pickingOf,
  putInStock,
} from './scenario.js';

const labs = new LabDbs();
beforeAll(() => labs.start());
afterAll(() => labs.stop());

const labDb = (serie: OdooSerie): Promise<LabDb> => labs.create(serie);

async function noViolations(db: LabDb): Promise<void> {
  const client = await db.pool.connect();
  try {
    expect(await checkDatabase(client, db.name)).toEqual([]);
  } finally {
    client.release();
  }
}

interface Setup {
  db: LabDb;
  product: number;
  orders: [number, number];
}

async function twoOrdersOnOneQuant(serie: OdooSerie): Promise<Setup> {
  const db = await labDb(serie);
  const product = await createProduct(db, 'HOT');
  await putInStock(db, product, 100);
  const customer = await db.call<number>('res.partner', 'create', [{ name: 'Hot Customer' }]);
  const a = await createOrder(db, customer, [[product, 2]]);
  const b = await createOrder(db, customer, [[product, 3]]);
  return { db, product, orders: [a, b] };
}

describe('reserving one quant from two transactions', () => {
  for (const serie of ['16.0'] as const) {
    it(`${serie}: the second waits for the first, then fails with 40001 and succeeds on retry`, async () => {
      const { db, product, orders } = await twoOrdersOnOneQuant(serie);
      const first = await db.begin();
      const second = await db.begin();
      try {
        // Both snapshots exist before either reserves, as for two requests in flight.
        await first.call('res.partner', 'search_count', [[]]);
        await second.call('res.partner', 'search_count', [[]]);
        await first.call('sale.order', 'action_confirm', [[orders[0]]]);
        const pending = second.call('sale.order', 'action_confirm', [[orders[1]]]).then(
          () => 'confirmed',
          (error: DatabaseError) => error.code,
        );
        const pid = await second.pid();
        await waitFor('the second confirmation to wait on the quant row', () =>
          isWaitingOnLock(db, pid),
        );
        await first.commit();
        expect(await pending).toBe('40001');
      } finally {
        await second.rollback();
      }
      // The server retries the whole call in a new transaction: it now succeeds.
      expect(await db.call('sale.order', 'action_confirm', [[orders[1]]])).toBe(true);
      const [quant] = await db.query<{ rows: number; reserved: number }>(
        'SELECT count(*)::int AS rows, sum(reserved_quantity)::float8 AS reserved FROM stock_quant WHERE product_id = $1 AND location_id = 8',
        [product],
      );
      expect(quant).toEqual({ rows: 1, reserved: 5 });
      await noViolations(db);
    });
  }

  for (const serie of ['17.0', '18.0'] as const) {
    it(`${serie}: the second skips the locked quant and reserves on a new quant row without waiting`, async () => {
      const { db, product, orders } = await twoOrdersOnOneQuant(serie);
      await inTwoTransactions(db, async (first, second) => {
        await first.call('sale.order', 'action_confirm', [[orders[0]]]);
        expect(await second.call('sale.order', 'action_confirm', [[orders[1]]])).toBe(true);
      });
      const quants = await db.query<{ quantity: number; reserved: number }>(
        'SELECT quantity::float8 AS quantity, reserved_quantity::float8 AS reserved FROM stock_quant WHERE product_id = $1 AND location_id = 8 ORDER BY id',
        [product],
      );
      expect(quants).toEqual([
        { quantity: 100, reserved: 2 },
        { quantity: 0, reserved: 3 },
      ]);
      await noViolations(db);
      // Odoo's scheduled _merge_quants folds the split quant back.
      const tx = await db.begin();
      await mergeQuants(
        new OrmRuntime({ cr: tx.client, uid: 2, db: db.name, context: {}, serie }, registry),
      );
      await tx.commit();
      const merged = await db.query<{ quantity: number; reserved: number }>(
        'SELECT quantity::float8 AS quantity, reserved_quantity::float8 AS reserved FROM stock_quant WHERE product_id = $1 AND location_id = 8',
        [product],
      );
      expect(merged).toEqual([{ quantity: 100, reserved: 5 }]);
      await noViolations(db);
    });

    it(`${serie}: a quant committed after the second's snapshot fails its SKIP LOCKED with 40001; the retry reserves on it`, async () => {
      const { db, product, orders } = await twoOrdersOnOneQuant(serie);
      const first = await db.begin();
      const second = await db.begin();
      try {
        // The second call's snapshot predates the first's commit, as for Odoo's call whose first
        // statement ran before its Python work; it has not touched the quant yet.
        await second.call('res.partner', 'search_count', [[]]);
        await first.call('sale.order', 'action_confirm', [[orders[0]]]);
        await first.commit();
        const outcome = await second.call('sale.order', 'action_confirm', [[orders[1]]]).then(
          () => 'confirmed',
          (error: DatabaseError) => error.code,
        );
        expect(outcome).toBe('40001');
      } finally {
        await second.rollback();
      }
      expect(await db.call('sale.order', 'action_confirm', [[orders[1]]])).toBe(true);
      const quants = await db.query<{ quantity: number; reserved: number }>(
        'SELECT quantity::float8 AS quantity, reserved_quantity::float8 AS reserved FROM stock_quant WHERE product_id = $1 AND location_id = 8 ORDER BY id',
        [product],
      );
      expect(quants).toEqual([{ quantity: 100, reserved: 5 }]);
      await noViolations(db);
    });
  }
});

async function twoDraftInvoices(serie: OdooSerie, postFirst: boolean) {
  const db = await labDb(serie);
  const product = await createProduct(db, 'BILL');
  await putInStock(db, product, 100);
  const customer = await db.call<number>('res.partner', 'create', [{ name: 'Billed Customer' }]);
  const invoices: number[] = [];
  for (let i = 0; i < 3; i++)
    invoices.push(await deliveredInvoice(db, await createOrder(db, customer, [[product, 1]])));
  if (postFirst) await db.call('account.move', 'action_post', [[invoices.shift()]]);
  return { db, invoices: invoices as [number, number] };
}

async function names(db: LabDb): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    "SELECT name FROM account_move WHERE state = 'posted' ORDER BY sequence_number",
  );
  return rows.map((r) => r.name.replace(/^INV\/\d{4}\//, ''));
}

describe('posting on one journal from two transactions', () => {
  // 16.0 as made today auto-installs account_sequence, which gives it 17's numbering.
  it.each<OdooSerie>(['16.0', '17.0'])(
    '%s: the second waits on the first number, then takes the next one without an error',
    async (serie) => {
      const { db, invoices } = await twoDraftInvoices(serie, true);
      const first = await db.begin();
      const second = await db.begin();
      try {
        await first.call('res.partner', 'search_count', [[]]);
        await second.call('res.partner', 'search_count', [[]]);
        expect(await first.call('account.move', 'action_post', [[invoices[0]]])).toBe(false);
        const pending = second.call('account.move', 'action_post', [[invoices[1]]]);
        const pid = await second.pid();
        await waitFor('the second posting to wait on the unique index', () =>
          isWaitingOnLock(db, pid),
        );
        await first.commit();
        expect(await pending).toBe(false);
        await second.commit();
      } catch (error) {
        await first.rollback();
        await second.rollback();
        throw error;
      }
      expect(await names(db)).toEqual(['00001', '00002', '00003']);
      await noViolations(db);
    },
  );
});

const YEAR = new Date().getUTCFullYear();
const FIRST = `INV/${YEAR}/00001`;

/** Two batches of two delivered orders each, invoiced by two transactions at once. */
async function invoiceTwoBatchesAtOnce(serie: OdooSerie) {
  const db = await labDb(serie);
  const product = await createProduct(db, 'FIRST');
  await putInStock(db, product, 100);
  const batches: number[][] = [];
  for (let b = 0; b < 2; b++) {
    const orders: number[] = [];
    for (let i = 0; i < 2; i++) {
      const customer = await db.call<number>('res.partner', 'create', [{ name: `C${b}${i}` }]);
      const order = await createOrder(db, customer, [[product, 1]]);
      await deliverOrder(db, order);
      orders.push(order);
    }
    batches.push(orders);
  }
  const invoices = await inTwoTransactions(db, async (first, second) => [
    await invoiceOrders(first, batches[0]!),
    await invoiceOrders(second, batches[1]!),
  ]);
  const moves = async (ids: number[]) =>
    db.query<{ id: number; name: string | null; state: string }>(
      'SELECT id, name, state FROM account_move WHERE id = ANY($1) ORDER BY id',
      [ids],
    );
  return { db, invoices: invoices as [number[], number[]], moves };
}

describe("invoicing a period's first orders from two transactions", () => {
  it.each<OdooSerie>(['16.0', '17.0'])(
    '%s: both number a draft INV/<year>/00001; posting the second batch fails whole, every time, until its name is cleared',
    async (serie) => {
      const { db, invoices, moves } = await invoiceTwoBatchesAtOnce(serie);
      // Each transaction saw no numbered move of the year: its first draft took 00001, the next '/'.
      expect((await moves(invoices[0])).map((m) => m.name)).toEqual([FIRST, '/']);
      expect((await moves(invoices[1])).map((m) => m.name)).toEqual([FIRST, '/']);
      expect(await db.call('account.move', 'action_post', [invoices[1]])).toBe(false);
      expect((await moves(invoices[1])).map((m) => m.name)).toEqual([FIRST, `INV/${YEAR}/00002`]);
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = (await db
          .call('account.move', 'action_post', [invoices[0]])
          .catch((e: unknown) => e)) as PgError;
        // The server turns this IntegrityError into fault 2 with Odoo's constraint message.
        expect(error).toMatchObject({ code: '23505', constraint: 'account_move_unique_name' });
        expect(integrityMessage(error, (c) => orm.sqlConstraintMessage?.(c))).toBe(
          'The operation cannot be completed: Another entry with the same name already exists.',
        );
        expect(
          (await moves(invoices[0])).map((m) => [m.name, m.state]),
          'the whole call rolled back',
        ).toEqual([
          [FIRST, 'draft'],
          ['/', 'draft'],
        ]);
      }
      await db.call('account.move', 'write', [[invoices[0][0]], { name: '/' }]);
      expect(await db.call('account.move', 'action_post', [invoices[0]])).toBe(false);
      expect(await names(db)).toEqual(['00001', '00002', '00003', '00004']);
      await noViolations(db);
    },
  );

  it('18.0: drafts carry no name, so both batches post', async () => {
    const { db, invoices, moves } = await invoiceTwoBatchesAtOnce('18.0');
    expect((await moves([...invoices[0], ...invoices[1]])).map((m) => m.name)).toEqual([
      null,
      null,
      null,
      null,
    ]);
    const [draft] = await db.call<{ name: unknown }[]>('account.move', 'read', [
      [invoices[0][0]],
      ['name'],
    ]);
    expect(draft!.name).toBe(false);
    expect(await db.call('account.move', 'action_post', [invoices[1]])).toBe(false);
    expect(await db.call('account.move', 'action_post', [invoices[0]])).toBe(false);
    expect(await names(db)).toEqual(['00001', '00002', '00003', '00004']);
    await noViolations(db);
  });
});

describe('writing one picking from two transactions', () => {
  it('the second tracking-reference write waits, then fails with 40001', async () => {
    const { db, orders } = await twoOrdersOnOneQuant('17.0');
    await db.call('sale.order', 'action_confirm', [[orders[0]]]);
    const picking = await pickingOf(db, orders[0]);
    const first = await db.begin();
    const second = await db.begin();
    try {
      await second.call('res.partner', 'search_count', [[]]);
      await first.call('stock.picking', 'write', [[picking], { carrier_tracking_ref: 'A' }]);
      const pending = second
        .call('stock.picking', 'write', [[picking], { carrier_tracking_ref: 'B' }])
        .then(
          () => 'written',
          (error: DatabaseError) => error.code,
        );
      const pid = await second.pid();
      await waitFor('the second write to wait on the picking row', () => isWaitingOnLock(db, pid));
      await first.commit();
      expect(await pending).toBe('40001');
    } finally {
      await second.rollback();
    }
  });
});
