// The toolkit against a real, unmodified Odoo of one series as a new user runs it: doctor, seed,
// the five scenarios with effects read back, cleanup; the full suite adds ladder, plan, report.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSlo } from '../../../src/core/models/slo.js';
import { loadWorkload, workloadEnvironment } from '../../../src/core/models/workload.js';
import { readRun } from '../../../src/core/run-dir.js';
import type { OdooClient } from '../../../src/odoo/client.js';
import { OdooUserError } from '../../../src/odoo/faults.js';
import { cleanEnv, hasStackTrace, runCli, type CliResult } from '../../helpers/cli.js';
import { count, expectCleanRun, type Point } from '../../scenarios/k6-results.js';
import { REPO, runK6, type K6Result } from '../../scenarios/run-k6.js';
import { createApiKey } from './api-key.js';
import {
  SKIP_REASON,
  realOdooClient,
  startRealOdoo,
  type OdooSeries,
  type RealOdoo,
} from './real-odoo.js';

/** Small pools: enough for each class's 18 s and the peak mix, topped up before the mix. */
const SEED_FLAGS = [
  '--products',
  '20',
  '--customers',
  '8',
  '--ready-orders',
  '50',
  '--delivered-orders',
  '70',
  '--stock',
  '400',
  '--lines',
  '2',
];

type Row = Record<string, unknown> & { id: number };

export interface SeriesSuite {
  /** The ladder, plan and report too, and 15 s scenarios; else 10 s scenarios and no ladder. */
  full: boolean;
  /** How the CLI and k6 speak to Odoo: XML-RPC with the password (default) or JSON-2 with a key. */
  transport?: 'xmlrpc' | 'json2';
}

/** One describe block: the suite against a real Odoo `series`, started for it and stopped after. */
export function describeRealOdoo(
  series: OdooSeries,
  { full, transport = 'xmlrpc' }: SeriesSuite,
): void {
  const json2 = transport === 'json2';
  const RUN_ID = `real${series.split('.')[0]}${json2 ? 'json2' : ''}`;
  const holdSeconds = full ? 15 : 10;
  const escapedSeries = series.replace('.', '\\.');
  let odoo: RealOdoo;
  let client: OdooClient;
  let workloadJson: string;
  let runsDir: string;
  /** The API key made for the run (JSON-2), and everything the CLI printed, to look for it in. */
  let apiKey = '';
  const printed: string[] = [];
  const title = `the toolkit against a real Odoo ${series}${json2 ? ' over JSON-2' : ''}`;

  describe.skipIf(SKIP_REASON !== undefined)(title, () => {
    beforeAll(async () => {
      odoo = await startRealOdoo(series);
      client = realOdooClient(odoo);
      if (json2) apiKey = await createApiKey(odoo);
      // The shipped models, with a burst short enough to come twice in a short run, and billing in
      // batches of 5 at one batch every two seconds, so each run bills several batches.
      const workload = await loadWorkload(join(REPO, 'models', 'workload', 'default.yaml'));
      workload.classes['carrier-burst'].burst = { peakRate: 8, spikeSeconds: 2, periodSeconds: 8 };
      workload.classes['month-end-billing'].payload.batchSize = 5;
      workload.classes['month-end-billing'].rate = 0.5;
      workloadJson = workloadEnvironment(workload, await loadSlo(join(REPO, 'models', 'slo.yaml')));
      runsDir = await mkdtemp(join(tmpdir(), `oc-${RUN_ID}-runs-`));
    }, 20 * 60_000);

    afterAll(async () => {
      await odoo?.stop();
      if (runsDir) await rm(runsDir, { recursive: true, force: true });
    });

    /** The target as the user gives it: the password over XML-RPC, only the key over JSON-2. */
    function target(): Record<string, string> {
      const { ODOO_PASSWORD, ...rest } = odoo.env;
      return json2
        ? { ...rest, ODOO_API_KEY: apiKey, ODOO_TRANSPORT: 'json2' }
        : { ...rest, ODOO_PASSWORD };
    }

    async function cli(args: string[]): Promise<CliResult> {
      const result = await runCli(args, cleanEnv(target()), 15 * 60_000);
      printed.push(result.stdout, result.stderr);
      return result;
    }

    function scenario(profile: string, env: Record<string, string> = {}): Promise<K6Result> {
      const { PGURL: _pg, ...odooTarget } = target();
      return runK6(join(REPO, 'scenarios', `${profile}.ts`), {
        ...odooTarget,
        OC_WORKLOAD: workloadJson,
        OC_PROFILE: profile,
        OC_RUN_ID: RUN_ID,
        OC_WARMUP: '3s',
        OC_DURATION: `${holdSeconds}s`,
        ...env,
      });
    }

    function searchRead(model: string, domain: unknown[], fields: string[]): Promise<Row[]> {
      return client.call<Row[]>(model, 'search_read', [domain], {
        kwargs: { fields },
        context: { active_test: false },
      });
    }

    /** Whether the warehouse's Internal Transfers operation type is active. */
    async function activeInternalTransfers(): Promise<boolean> {
      const [warehouse] = await searchRead('stock.warehouse', [], ['int_type_id']);
      const [type] = await searchRead(
        'stock.picking.type',
        [['id', '=', (warehouse!.int_type_id as [number, string])[0]]],
        ['active'],
      );
      return type!.active as boolean;
    }

    const groups = (all: Point[], group: string): number =>
      all.filter((p) => p.metric === 'oc_transactions' && p.tags.group === group).length;

    it(`doctor finds Odoo ${series}, the login and PostgreSQL statistics`, async () => {
      const result = await cli(['doctor', '--json']);
      expect(result.code, result.stderr).toBe(0);
      const checks = (
        JSON.parse(result.stdout) as { checks: { name: string; status: string; detail: string }[] }
      ).checks;
      const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
      expect(byName.target).toMatchObject({
        status: 'ok',
        detail: expect.stringMatching(new RegExp(`^Odoo ${escapedSeries} `)),
      });
      expect(byName.authenticate).toMatchObject({
        status: 'ok',
        detail: json2
          ? `user admin on ${odoo.env.ODOO_DB} is uid 2 (api_key over json2)`
          : expect.stringContaining('uid 2'),
      });
      if (json2)
        expect(byName.transports).toMatchObject({
          status: 'ok',
          detail: 'offered: xmlrpc, json2; using json2',
        });
      expect(byName.pgstats).toMatchObject({
        status: 'ok',
        detail: expect.stringContaining('pg_stat_statements'),
      });
    });

    it('seed fills the pools; a second seed creates nothing', async () => {
      const first = await cli(['seed', ...SEED_FLAGS, '--json']);
      expect(first.code, first.stderr).toBe(0);
      const summary = JSON.parse(first.stdout) as Record<
        string,
        { created?: number; existing?: number }
      >;
      expect(summary.products).toMatchObject({ created: 20 });
      expect(summary.readyOrders).toMatchObject({ created: 50, notReserved: 0 });
      expect(summary.deliveredOrders).toMatchObject({ created: 70 });
      // A fresh database keeps Internal Transfers archived: seed switches Storage Locations on.
      expect(await activeInternalTransfers()).toBe(true);

      const again = await cli(['seed', ...SEED_FLAGS, '--json']);
      expect(again.code, again.stderr).toBe(0);
      const second = JSON.parse(again.stdout) as Record<string, unknown>;
      for (const pool of ['products', 'customers', 'readyOrders', 'deliveredOrders'])
        expect(second[pool], pool).toMatchObject({ created: 0 });
      expect(second.stockAdjusted).toBe(0);

      const ready = await searchRead(
        'sale.order',
        [['client_order_ref', '=like', 'OC-SEED-READY-%']],
        ['state', 'picking_ids'],
      );
      expect(ready).toHaveLength(50);
      const pickings = await searchRead(
        'stock.picking',
        [['id', 'in', ready.flatMap((o) => o.picking_ids as number[])]],
        ['state'],
      );
      expect(new Set(pickings.map((p) => p.state))).toEqual(new Set(['assigned']));
      const delivered = await searchRead(
        'sale.order',
        [['client_order_ref', '=like', 'OC-SEED-DELIVERED-%']],
        ['invoice_status'],
      );
      expect(new Set(delivered.map((o) => o.invoice_status))).toEqual(new Set(['to invoice']));
    });

    it('order-wave creates and confirms orders, as many as k6 counted', async () => {
      const result = await scenario('order-wave', { OC_RATE: '1.5' });
      const all = await expectCleanRun(result, ['order-wave']);
      const confirmed = count(result, 'oc_transactions');
      expect(confirmed).toBeGreaterThan(10);
      expect(groups(all, '::confirm order')).toBe(confirmed);
      const orders = await searchRead(
        'sale.order',
        [['client_order_ref', '=like', `OC-LOAD-${RUN_ID}-%-SO-%`]],
        ['state', 'picking_ids'],
      );
      expect(orders).toHaveLength(confirmed);
      for (const order of orders) {
        expect(order.state).toBe('sale');
        expect((order.picking_ids as number[]).length).toBe(1);
      }
    });

    it('stock-moves validates deliveries, receipts and internal moves, and applies counts', async () => {
      const readyBefore = await searchRead(
        'stock.picking',
        [
          ['state', '=', 'assigned'],
          ['picking_type_code', '=', 'outgoing'],
        ],
        ['id'],
      );
      const started = new Date();
      const result = await scenario('stock-moves', { OC_RATE: '1.5' });
      const all = await expectCleanRun(result, ['stock-moves']);
      const validations = all.filter((p) => p.metric === 'stock_validation_success');
      expect(validations.length).toBeGreaterThan(10);
      expect(validations.every((p) => p.value === 1)).toBe(true);

      const delivered = groups(all, '::validate delivery');
      expect(delivered).toBeGreaterThan(0);
      const readyAfter = await searchRead(
        'stock.picking',
        [
          ['state', '=', 'assigned'],
          ['picking_type_code', '=', 'outgoing'],
        ],
        ['id'],
      );
      // Each delivery validation took a different picking of the pool, and left it done.
      expect(readyBefore.length - readyAfter.length).toBe(delivered);

      for (const [kind, group] of [
        ['IN', '::receive goods'],
        ['INT', '::internal transfer'],
      ] as const) {
        const pickings = await searchRead(
          'stock.picking',
          [['origin', '=like', `OC-LOAD-${RUN_ID}-%-${kind}-%`]],
          ['state'],
        );
        expect(pickings.length, kind).toBe(groups(all, group));
        expect(
          pickings.every((p) => p.state === 'done'),
          kind,
        ).toBe(true);
      }
      expect(groups(all, '::receive goods') + groups(all, '::internal transfer')).toBeGreaterThan(
        0,
      );

      // Inventory adjustments: each applied count is one done inventory move of a seeded product.
      const counts = groups(all, '::inventory adjustment');
      const inventoryMoves = await searchRead(
        'stock.move',
        [
          ['is_inventory', '=', true],
          ['state', '=', 'done'],
          ['product_id.default_code', '=like', 'OC-P-%'],
          ['create_date', '>=', started.toISOString().slice(0, 19).replace('T', ' ')],
        ],
        ['id'],
      );
      expect(inventoryMoves.length).toBe(counts);
    });

    it('carrier-burst writes tracking references in bursts, each update read back', async () => {
      const result = await scenario('carrier-burst');
      await expectCleanRun(result, ['carrier-burst']);
      const updates = count(result, 'oc_transactions');
      expect(updates).toBeGreaterThan(holdSeconds);
      expect(count(result, 'shipment_update_delay')).toBe(updates);
      const tracked = await searchRead(
        'stock.picking',
        [['carrier_tracking_ref', '=like', `OC-LOAD-${RUN_ID}-%-TRK-%`]],
        ['carrier_tracking_ref'],
      );
      expect(tracked.length).toBeGreaterThan(0);
      expect(tracked.length).toBeLessThanOrEqual(updates);
    });

    it('month-end-billing invoices delivered orders and posts every invoice k6 counted', async () => {
      const postedBefore = await client.call<number>('account.move', 'search_count', [
        [
          ['move_type', '=', 'out_invoice'],
          ['state', '=', 'posted'],
        ],
      ]);
      const result = await scenario('month-end-billing');
      await expectCleanRun(result, ['month-end-billing']);
      const posted = count(result, 'invoice_post_throughput');
      expect(posted).toBeGreaterThan(0);
      const invoices = await searchRead(
        'account.move',
        [
          ['move_type', '=', 'out_invoice'],
          ['state', '=', 'posted'],
        ],
        ['name'],
      );
      expect(invoices.length - postedBefore).toBe(posted);
      for (const invoice of invoices) expect(invoice.name).toMatch(/^INV\/\d{4}\/\d{5}$/);
      expect(new Set(invoices.map((i) => i.name)).size).toBe(invoices.length);
    });

    it('peak-mix runs the four classes at once, cleanly', async () => {
      const seeded = await cli(['seed', ...SEED_FLAGS, '--json']);
      expect(seeded.code, seeded.stderr).toBe(0);
      const result = await scenario('peak-mix', { OC_RATE: '3' });
      const classes = ['order-wave', 'stock-moves', 'carrier-burst', 'month-end-billing'];
      const all = await expectCleanRun(result, classes);
      const scenarios = new Set(
        all.filter((p) => p.metric === 'iterations').map((p) => p.tags.scenario),
      );
      expect(scenarios).toEqual(new Set(classes));
    });

    it.runIf(json2)(
      `order-wave over XML-RPC on the same Odoo ${series}, with the password`,
      async () => {
        const { PGURL: _pg, ...xmlrpc } = odoo.env;
        const result = await runK6(join(REPO, 'scenarios', 'order-wave.ts'), {
          ...xmlrpc,
          ODOO_TRANSPORT: 'xmlrpc',
          OC_WORKLOAD: workloadJson,
          OC_RUN_ID: 'xmlrpc',
          OC_WARMUP: '2s',
          OC_DURATION: '8s',
        });
        await expectCleanRun(result, ['order-wave']);
        const confirmed = count(result, 'oc_transactions');
        expect(confirmed).toBeGreaterThan(5);
        const orders = await searchRead(
          'sale.order',
          [['client_order_ref', '=like', 'OC-LOAD-xmlrpc-%-SO-%']],
          ['state'],
        );
        expect(orders).toHaveLength(confirmed);
      },
    );

    // The full suite's ladder has three steps, then plan and report; over JSON-2 a short one
    // whose run must not hold the key.
    const ladder = full
      ? { rates: '0.5,1,1.5', hold: '15s', steps: 3 }
      : { rates: '1,2', hold: '8s', steps: 2 };
    it.runIf(full || json2)(
      `a ${ladder.steps}-step ladder measures Odoo’s own PostgreSQL${full ? '; plan and report read the run' : ', the key nowhere in the run'}`,
      async () => {
        const result = await cli([
          'run',
          '--class',
          'order-wave',
          '--rates',
          ladder.rates,
          '--warmup',
          full ? '3s' : '2s',
          '--hold',
          ladder.hold,
          '--sample-interval',
          '2s',
          '--runs-dir',
          runsDir,
          '--id',
          'ladder',
          '--json',
        ]);
        expect(result.code, result.stderr).toBe(0);
        const runDir = join(runsDir, 'ladder');
        const { run, steps } = await readRun(runDir);
        expect(run.status).toBe('complete');
        expect(run.target.odoo).toEqual({ serverVersion: series, serverSerie: series, lab: false });
        if (json2) expect(run.target).toMatchObject({ auth: 'api_key', transport: 'json2' });
        // Odoo 17.0's reservation retries can double order-wave's p50 from one step to the next:
        // the runner then stops past the knee, as it should, after at least two steps.
        expect(steps.length).toBeGreaterThanOrEqual(2);
        if (steps.length < ladder.steps) expect(run.stopReason).toMatchObject({ kind: 'knee' });
        else expect(steps).toHaveLength(ladder.steps);
        for (const { dir: name, step } of steps) {
          expect(step.valid, `${name}: ${step.invalidReasons.join('; ')}`).toBe(true);
          expect(existsSync(join(runDir, name, 'pg-before.json')), name).toBe(true);
          expect(existsSync(join(runDir, name, 'pg-after.json')), name).toBe(true);
          const c = step.classes['order-wave']!;
          expect(c.errors.total).toBe(0);
          const own = step.database.databases.find((d) => d.datname === odoo.env.ODOO_DB)!;
          expect(own, name).toBeDefined();
          // Every XML-RPC call is at least one committed transaction of Odoo's database.
          expect(own.xactCommit).toBeGreaterThanOrEqual(c.requests);
          expect(
            own.topStatements.some((s) => /sale_order/.test(s.query)),
            name,
          ).toBe(true);
          expect(step.database.activity.samples, name).toBeGreaterThanOrEqual(1);
        }
        // The statements really are Odoo's: the ladder's orders are in pg_stat_statements' counts.
        const pgClient = new pg.Client({ connectionString: odoo.env.PGURL });
        await pgClient.connect();
        try {
          const { rows } = await pgClient.query<{ calls: string }>(
            `SELECT sum(calls)::text AS calls FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
          WHERE d.datname = $1 AND s.query ILIKE 'INSERT INTO "sale_order"%'`,
            [odoo.env.ODOO_DB],
          );
          expect(Number(rows[0]?.calls ?? 0)).toBeGreaterThan(0);
        } finally {
          await pgClient.end();
        }

        if (json2) {
          const files = (await readdir(runDir, { recursive: true, withFileTypes: true })).filter(
            (f) => f.isFile(),
          );
          expect(files.length).toBeGreaterThan(5);
          for (const file of files) {
            const text = await readFile(join(file.parentPath, file.name), 'utf8');
            expect(text.includes(apiKey), `${file.name} holds the API key`).toBe(false);
          }
          for (const text of printed)
            expect(text.includes(apiKey), 'the CLI printed the key').toBe(false);
        }
        if (!full) return;

        const plan = await cli(['plan', '--run', runDir, '--json']);
        expect([0, 1], plan.stderr).toContain(plan.code);
        expect(hasStackTrace(plan.stderr)).toBe(false);
        expect(existsSync(join(runDir, 'plan.json'))).toBe(true);

        const out = join(runDir, 'report');
        const report = await cli([
          'report',
          '--run',
          runDir,
          '--format',
          'html,md,json',
          '--out',
          out,
        ]);
        expect(report.code, report.stderr).toBe(0);
        const md = await readFile(join(out, 'report.md'), 'utf8');
        expect(md).toContain(series);
        expect(md).not.toMatch(/\blab\b.*stand-in/i);
        for (const file of ['report.html', 'report.json'])
          expect(existsSync(join(out, file)), file).toBe(true);
      },
    );

    it('seed --cleanup leaves nothing marked that Odoo would let go', async () => {
      const result = await cli(['seed', '--cleanup', '--json']);
      expect(result.code, result.stderr).toBe(0);
      // What seed switched on, cleanup switches off: Internal Transfers archived again.
      expect(JSON.parse(result.stdout)).toMatchObject({
        settings: { storageLocations: 'disabled' },
      });
      expect(await activeInternalTransfers()).toBe(false);
      const marked: [string, unknown[]][] = [
        ['sale.order', [['client_order_ref', '=like', 'OC-%']]],
        ['stock.picking', [['origin', '=like', 'OC-LOAD-%']]],
        ['product.product', [['default_code', '=like', 'OC-P-%']]],
        ['res.partner', [['ref', '=like', 'OC-C-%']]],
      ];
      for (const [model, domain] of marked) {
        const left = await searchRead(model, domain, ['id']);
        // Whatever is left, Odoo refuses to delete (a done picking, a posted invoice's order, a
        // product with stock moves): try a few and expect Odoo's refusal, never a deletion.
        for (const row of left.slice(0, 5)) {
          const refused = await client
            .call(model, 'unlink', [[row.id]])
            .then(() => false)
            .catch((error: unknown) => error instanceof OdooUserError);
          expect(refused, `${model} ${row.id} was left although Odoo deletes it`).toBe(true);
        }
      }
    });
  });
}
