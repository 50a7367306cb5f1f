// The scenarios on lab targets lacking part of what they need: stock-moves drops what it cannot
// run with one warning, and the peak mix skips a class rather than stopping.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/logger.js';
import { loadSlo } from '../../src/core/models/slo.js';
import { loadWorkload, workloadEnvironment } from '../../src/core/models/workload.js';
import { startLab, type LabHandle } from '../../src/lab/server/index.js';
import type { OdooClient } from '../../src/odoo/client.js';
import { seed, type SeedPlan } from '../../src/odoo/seed.js';
import { REPO, errorMessages, runK6, type K6Result } from '../scenarios/run-k6.js';
import { labClient, labViolations } from '../scenarios/seeded-lab.js';

/** Seeded without settings: Internal Transfers stays archived. */
const NO_SETTINGS = 'nosettings';
/** Seeded as `odoo-capacity seed` does: Storage Locations switched on. */
const FULL = 'full';
/** Seeded without the delivered pool month-end billing invoices. */
const NO_DELIVERED = 'nodelivered';
const EMPTY = 'empty';
const PLAN: SeedPlan = {
  products: 10,
  customers: 4,
  readyOrders: 40,
  deliveredOrders: 20,
  stock: 300,
  linesPerOrder: 1,
};

let lab: LabHandle;
let workloadJson: string;

const clientOf = (db: string): OdooClient => labClient(lab, db);

beforeAll(async () => {
  lab = await startLab({
    port: 0,
    workers: 2,
    databases: [NO_SETTINGS, FULL, NO_DELIVERED, EMPTY],
    costScale: 0,
    log: new Logger('warn'),
  });
  await seed(clientOf(NO_SETTINGS), { ...PLAN, settings: false });
  await seed(clientOf(FULL), { ...PLAN, settings: true });
  await seed(clientOf(NO_DELIVERED), { ...PLAN, deliveredOrders: 0, settings: true });
  const workload = await loadWorkload(join(REPO, 'models', 'workload', 'default.yaml'));
  workloadJson = workloadEnvironment(workload, await loadSlo(join(REPO, 'models', 'slo.yaml')));
});

afterAll(async () => {
  await lab?.stop();
});

function run(profile: string, db: string, rate: string): Promise<K6Result> {
  return runK6(join(REPO, 'scenarios', `${profile}.ts`), {
    ODOO_URL: lab.url,
    ODOO_DB: db,
    ODOO_USER: 'admin',
    ODOO_PASSWORD: 'admin',
    OC_WORKLOAD: workloadJson,
    OC_PROFILE: profile,
    OC_RUN_ID: 'degrade',
    OC_WARMUP: '1s',
    OC_DURATION: '9s',
    OC_RATE: rate,
  });
}

const warnings = (result: K6Result) =>
  result.console.filter((l) => l.level === 'warning').map((l) => l.msg);

/** Ran to the end with no failed transaction: exit 0, or 99 when a latency SLO failed here. */
function expectRan(result: K6Result): void {
  expect([0, 99], result.stderr.slice(-3000)).toContain(result.exitCode);
  expect(
    result.summary!.metrics.oc_transaction_failed?.value ?? 0,
    warnings(result).join('\n'),
  ).toBe(0);
  expect(result.summary!.metrics.oc_faults).toBeUndefined();
}

describe('stock-moves on a target that lacks part of its mix', () => {
  it('without Storage Locations: warns once, runs deliveries, receipts and counts, no transfers', async () => {
    const result = await run('stock-moves', NO_SETTINGS, '4');
    expectRan(result);
    const warned = warnings(result);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(
      /^stock-moves runs without internal transfers \(.*Internal Transfers operation type is archived.*run odoo-capacity seed.*\); the rest of the mix: /,
    );
    const done = await doneByOrigin(NO_SETTINGS);
    expect(done.INT).toBe(0);
    expect(done.IN).toBeGreaterThan(0);
    const metrics = result.summary!.metrics;
    expect(metrics['oc_transactions']!.count as number).toBeGreaterThan(25);
    expect(await labViolations(lab)).toEqual([]);
  });

  it('seeded as seed does (Storage Locations on): the whole mix runs, internal transfers included, silently', async () => {
    const result = await run('stock-moves', FULL, '4');
    expectRan(result);
    expect(warnings(result)).toEqual([]);
    const done = await doneByOrigin(FULL);
    expect(done.INT).toBeGreaterThan(0);
    expect(done.IN).toBeGreaterThan(0);
  });

  it('with nothing seeded: stops in setup with one line naming what is missing (exit 108)', async () => {
    const result = await run('stock-moves', EMPTY, '4');
    expect(result.exitCode).toBe(108);
    const errors = errorMessages(result.stderr);
    expect(
      errors.some((m) =>
        /^test aborted: stock-moves: nothing of the stock mix can run \(.*odoo-capacity seed/.test(
          m,
        ),
      ),
      result.stderr,
    ).toBe(true);
    expect(result.summary?.metrics.oc_transactions).toBeUndefined();
  });
});

describe('peak-mix on a target that lacks one class’s data', () => {
  it('without delivered orders: warns once, skips month-end billing, runs the other three', async () => {
    const result = await run('peak-mix', NO_DELIVERED, '6');
    expectRan(result);
    const warned = warnings(result);
    expect(warned).toEqual([
      'peak-mix runs without month-end-billing: no delivered orders to invoice (OC-SEED-DELIVERED-*); run odoo-capacity seed --delivered-orders N',
    ]);
    const metrics = result.summary!.metrics;
    for (const cls of ['order-wave', 'stock-moves', 'carrier-burst'])
      expect(
        metrics[`oc_transaction_duration{class:${cls},phase:hold}`]?.count,
        cls,
      ).toBeGreaterThan(0);
    // The skipped class measured nothing, and its SLO thresholds (no samples) do not fail the run.
    const skipped = '{class:month-end-billing,phase:hold}';
    expect(metrics[`oc_transaction_duration${skipped}`]!.count).toBe(0);
    for (const metric of [`oc_transaction_duration${skipped}`, `oc_transaction_failed${skipped}`])
      expect(Object.values(metrics[metric]!.thresholds!), metric).toEqual([false]);
    const invoices = await clientOf(NO_DELIVERED).call<number>('account.move', 'search_count', [
      [['move_type', '=', 'out_invoice']],
    ]);
    expect(invoices).toBe(0);
  });

  it('with nothing seeded: stops with one line only because no class can run', async () => {
    const result = await run('peak-mix', EMPTY, '6');
    expect(result.exitCode).toBe(108);
    const errors = errorMessages(result.stderr);
    expect(
      errors.some((m) =>
        /^test aborted: peak-mix: no class can run \(order-wave: .*; stock-moves: .*; carrier-burst: .*; month-end-billing: .*\)$/.test(
          m,
        ),
      ),
      result.stderr,
    ).toBe(true);
    expect(warnings(result)).toHaveLength(4);
  });
});

/** Done receipts (IN) and internal transfers (INT) the load created in a database. */
async function doneByOrigin(db: string): Promise<{ IN: number; INT: number }> {
  const client = clientOf(db);
  const count = (kind: string) =>
    client.call<number>('stock.picking', 'search_count', [
      [
        ['origin', '=like', `OC-LOAD-degrade-%-${kind}-%`],
        ['state', '=', 'done'],
      ],
    ]);
  return { IN: await count('IN'), INT: await count('INT') };
}
