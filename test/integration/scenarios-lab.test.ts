// The k6 scenarios against a seeded lab in real k6: contract metrics and tags, the business
// effects in the database, `lab check` clean; only latency thresholds may fail (exit 99).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSlo } from '../../src/core/models/slo.js';
import { loadWorkload, workloadEnvironment } from '../../src/core/models/workload.js';
import type { LabHandle } from '../../src/lab/server/index.js';
import type { OdooClient } from '../../src/odoo/client.js';
import { seed, type SeedPlan } from '../../src/odoo/seed.js';
import { count, expectCleanRun } from '../scenarios/k6-results.js';
import { REPO, errorMessages, runK6, type K6Result } from '../scenarios/run-k6.js';
import { labViolations as violationsOf, startSeededLab } from '../scenarios/seeded-lab.js';

const DB = 'scenarios';
/** A tenant nobody seeded. */
const EMPTY_DB = 'unseeded';
const RUN_ID = 'itest';
const PLAN: SeedPlan = {
  products: 20,
  customers: 8,
  readyOrders: 30,
  deliveredOrders: 45,
  stock: 400,
  linesPerOrder: 2,
};

type Row = Record<string, unknown> & { id: number };

let lab: LabHandle;
let client: OdooClient;
let workloadJson: string;

beforeAll(async () => {
  ({ lab, client } = await startSeededLab([DB, EMPTY_DB], PLAN));
  // The shipped models, with a burst short enough to happen twice in a 14 s run, and billing in
  // batches of 5 at one batch a second, so a short run (and its share of the mix) bills several.
  const workload = await loadWorkload(join(REPO, 'models', 'workload', 'default.yaml'));
  workload.classes['carrier-burst'].burst = { peakRate: 10, spikeSeconds: 2, periodSeconds: 7 };
  workload.classes['month-end-billing'].payload.batchSize = 5;
  workload.classes['month-end-billing'].rate = 1;
  workloadJson = workloadEnvironment(workload, await loadSlo(join(REPO, 'models', 'slo.yaml')));
});

afterAll(async () => {
  await lab?.stop();
});

function run(profile: string, env: Record<string, string> = {}): Promise<K6Result> {
  return runK6(join(REPO, 'scenarios', `${profile}.ts`), {
    ODOO_URL: lab.url,
    ODOO_DB: DB,
    ODOO_USER: 'admin',
    ODOO_PASSWORD: 'admin',
    OC_WORKLOAD: workloadJson,
    OC_PROFILE: profile,
    OC_RUN_ID: RUN_ID,
    OC_WARMUP: '2s',
    OC_DURATION: '12s',
    ...env,
  });
}

const labViolations = (): Promise<unknown[]> => violationsOf(lab);

async function search(model: string, domain: unknown[], fields: string[]): Promise<Row[]> {
  return client.call<Row[]>(model, 'search_read', [domain], { kwargs: { fields } });
}

describe('each class against the lab', () => {
  it('order-wave creates and confirms orders, timing the confirmation', async () => {
    const result = await run('order-wave', { OC_RATE: '2' });
    const all = await expectCleanRun(result, ['order-wave']);
    const confirmed = count(result, 'oc_transactions');
    expect(confirmed).toBeGreaterThan(10);
    expect(count(result, 'order_confirm_latency')).toBe(confirmed);
    const transactions = all.filter((p) => p.metric === 'oc_transactions');
    expect(new Set(transactions.map((p) => p.tags.group))).toEqual(new Set(['::confirm order']));
    const orders = await search(
      'sale.order',
      [['client_order_ref', '=like', `OC-LOAD-${RUN_ID}-%-SO-%`]],
      ['state', 'order_line', 'picking_ids'],
    );
    expect(orders).toHaveLength(confirmed);
    for (const order of orders) {
      expect(order.state).toBe('sale');
      expect((order.picking_ids as number[]).length).toBe(1);
    }
    expect(await labViolations()).toEqual([]);
  });

  it('stock-moves validates ready deliveries (each once), receipts, transfers and counts', async () => {
    const readyBefore = await search(
      'stock.picking',
      [
        ['state', '=', 'assigned'],
        ['origin', '=like', 'S%'],
      ],
      ['id'],
    );
    const result = await run('stock-moves', { OC_RATE: '2' });
    const all = await expectCleanRun(result, ['stock-moves']);
    const validations = all.filter((p) => p.metric === 'stock_validation_success');
    expect(validations.length).toBeGreaterThan(10);
    expect(validations.every((p) => p.value === 1)).toBe(true);
    const done = all.filter((p) => p.metric === 'oc_transactions');
    const ofGroup = (group: string): number => done.filter((p) => p.tags.group === group).length;
    expect(new Set(done.map((p) => p.tags.group))).toContain('::validate delivery');
    const delivered = ofGroup('::validate delivery');
    const readyAfter = await search(
      'stock.picking',
      [
        ['state', '=', 'assigned'],
        ['origin', '=like', 'S%'],
      ],
      ['id'],
    );
    // Each delivery validation took a different picking from the pool.
    expect(readyBefore.length - readyAfter.length).toBe(delivered);
    const receipts = await search(
      'stock.picking',
      [['origin', '=like', `OC-LOAD-${RUN_ID}-%-IN-%`]],
      ['state'],
    );
    expect(receipts.every((p) => p.state === 'done')).toBe(true);
    expect(receipts.length).toBe(ofGroup('::receive goods'));
    expect(await labViolations()).toEqual([]);
  });

  it('carrier-burst writes tracking references in bursts and finds them by origin', async () => {
    const result = await run('carrier-burst');
    const all = await expectCleanRun(result, ['carrier-burst']);
    const updates = count(result, 'oc_transactions');
    expect(count(result, 'shipment_update_delay')).toBe(updates);
    const tracked = await search(
      'stock.picking',
      [['carrier_tracking_ref', '=like', `OC-LOAD-${RUN_ID}-%-TRK-%`]],
      ['carrier_tracking_ref'],
    );
    expect(tracked.length).toBeGreaterThan(0);
    // The bursts: arrivals bunch up. The base rate is 1/s and spikes run at 10/s, so some
    // second of the run starts at least five updates while others start one.
    const perSecond = new Map<string, number>();
    for (const p of all.filter((q) => q.metric === 'iterations')) {
      const second = p.time.slice(0, 19);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBeGreaterThanOrEqual(5);
    expect(Math.min(...perSecond.values())).toBeLessThanOrEqual(2);
    expect(updates).toBeGreaterThan(20);
    expect(await labViolations()).toEqual([]);
  });

  it('month-end-billing invoices delivered orders in batches and posts the invoices', async () => {
    const result = await run('month-end-billing', { OC_RATE: '0.5' });
    await expectCleanRun(result, ['month-end-billing']);
    const posted = count(result, 'invoice_post_throughput');
    expect(posted).toBeGreaterThan(0);
    const invoices = await search(
      'account.move',
      [
        ['move_type', '=', 'out_invoice'],
        ['state', '=', 'posted'],
      ],
      ['name'],
    );
    expect(invoices).toHaveLength(posted);
    for (const invoice of invoices) expect(invoice.name).toMatch(/^INV\/\d{4}\/\d{5}$/);
    expect(await labViolations()).toEqual([]);
  });
});

describe('peak-mix against the lab', () => {
  it('runs the four classes at once, each with its own executor, cleanly', async () => {
    await seed(client, PLAN);
    const result = await run('peak-mix', { OC_RATE: '6' });
    const classes = ['order-wave', 'stock-moves', 'carrier-burst', 'month-end-billing'];
    const all = await expectCleanRun(result, classes);
    const scenarios = new Set(
      all.filter((p) => p.metric === 'iterations').map((p) => p.tags.scenario),
    );
    expect(scenarios).toEqual(new Set(classes));
    expect(await labViolations()).toEqual([]);
  });
});

describe('running the scenarios directly, and what stops them', () => {
  it('a direct k6 run with only the ODOO_* variables reads the workload from models/', async () => {
    const result = await runK6(join(REPO, 'scenarios', 'order-wave.ts'), {
      ODOO_URL: lab.url,
      ODOO_DB: DB,
      ODOO_PASSWORD: 'admin',
      OC_DURATION: '4s',
    });
    expect([0, 99], result.stderr.slice(-2000)).toContain(result.exitCode);
    // default.yaml's order wave: 2 orders/s.
    expect(count(result, 'oc_transactions')).toBeGreaterThanOrEqual(6);
    expect(result.summary!.metrics.oc_transaction_failed!.value).toBe(0);
  });

  it.each([
    [
      'wrong credentials',
      { ODOO_PASSWORD: 'not-the-password' },
      /authenticate: .* refused user "admin" on database "scenarios"/,
    ],
    [
      'a tenant with no seeded data',
      { ODOO_DB: EMPTY_DB },
      /order-wave: found 0 seeded products .*run odoo-capacity seed first/,
    ],
  ])(
    '%s stops the run in setup with one line saying what to fix (exit 108)',
    async (_label, env, message) => {
      const result = await run('order-wave', { OC_DURATION: '4s', ...env });
      expect(result.exitCode).toBe(108);
      expect(
        errorMessages(result.stderr).some((m) => message.test(m)),
        result.stderr,
      ).toBe(true);
      expect(result.stderr).not.toContain('not-the-password');
      expect(count(result, 'oc_transactions')).toBe(0);
    },
  );
});
