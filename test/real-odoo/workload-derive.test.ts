// `workload derive` on a real Odoo 17.0 against a known history (test/derive/odoo-history.ts),
// read by a pg_read_all_data role, then derive → run → plan end to end.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadForecast } from '../../src/core/models/forecast.js';
import { loadWorkload } from '../../src/core/models/workload.js';
import type { DerivedEvidence } from '../../src/derive/read.js';
import {
  BATCHES,
  BATCH_ORDERS,
  GROWTH_MONTHS,
  SPIKES,
  WINDOW_DAYS,
  makeHistory,
  type History,
} from '../derive/odoo-history.js';
import { cleanEnv, hasStackTrace, runCli } from '../helpers/cli.js';
import { REPO } from '../scenarios/run-k6.js';
import {
  SKIP_REASON,
  realOdooClient,
  startRealOdoo,
  type OdooSeries,
  type RealOdoo,
} from './support/real-odoo.js';

if (SKIP_REASON) console.warn(`test/real-odoo: skipped, ${SKIP_REASON}`);

const READER_PASSWORD = 'derive-reader-' + Math.random().toString(36).slice(2);

const weights = (m: Map<number, number>) =>
  [...m].sort((a, b) => a[0] - b[0]).map(([value, weight]) => ({ value, weight }));

function describeDerive(series: OdooSeries, endToEnd: boolean): void {
  describe.skipIf(SKIP_REASON !== undefined)(`workload derive on a real Odoo ${series}`, () => {
    let odoo: RealOdoo;
    let history: History;
    let out: string;
    let readerUrl: string;
    let evidence: DerivedEvidence;

    beforeAll(async () => {
      odoo = await startRealOdoo(series);
      out = await mkdtemp(join(tmpdir(), 'oc-derive-'));
      const seeded = await runCli(
        'seed --products 10 --customers 2 --ready-orders 0 --delivered-orders 0'.split(' '),
        cleanEnv({ ...odoo.env }),
        10 * 60_000,
      );
      expect(seeded.code, seeded.stderr).toBe(0);
      history = await makeHistory(realOdooClient(odoo), odoo.env.PGURL);
      // A reader as the README asks for: in pg_read_all_data, nothing else.
      const admin = new pg.Client({ connectionString: odoo.env.PGURL });
      await admin.connect();
      await admin.query(
        `CREATE ROLE derive_reader LOGIN PASSWORD '${READER_PASSWORD}' IN ROLE pg_read_all_data`,
      );
      await admin.end();
      const url = new URL(odoo.env.PGURL);
      url.username = 'derive_reader';
      url.password = READER_PASSWORD;
      readerUrl = url.toString();
    }, 20 * 60_000);

    afterAll(async () => {
      await odoo?.stop();
      if (out) await rm(out, { recursive: true, force: true });
    });

    it('derives, as a pg_read_all_data role, files that validate and say what was read', async () => {
      const result = await runCli(
        [
          'workload',
          'derive',
          '--days',
          String(WINDOW_DAYS),
          '--until',
          history.until,
          '--growth-months',
          String(GROWTH_MONTHS),
          '--out',
          out,
          '--json',
        ],
        cleanEnv({ PGURL: readerUrl }),
      );
      expect(result.code, result.stderr).toBe(0);
      const summary = JSON.parse(result.stdout) as {
        window: { start: string; end: string };
        read: { table: string }[];
      };
      expect(summary.window.start).toBe(history.windowStart);
      expect(summary.read.map((r) => r.table)).toContain('sale_order_line');
      expect(result.stderr).toContain('sale_order_line(id, order_id, product_id');
      expect(result.stderr).not.toContain(READER_PASSWORD);
      evidence = JSON.parse(await readFile(join(out, 'derive.json'), 'utf8')) as DerivedEvidence;
      expect(evidence.odooVersion?.startsWith(series)).toBe(true);
      await loadWorkload(join(out, 'workload.yaml'));
      await loadForecast(join(out, 'forecast.yaml'));
      // Aggregates only: no product code, customer reference or name in what was written.
      for (const file of ['derive.json', 'workload.yaml', 'forecast.yaml']) {
        const text = await readFile(join(out, file), 'utf8');
        expect(text).not.toMatch(/OC-P-|OC-C-|S0\d{4}|INV\//);
      }
    });

    it('finds the order wave: busy hour, peak day, lines, quantities, skew and growth', () => {
      const ow = evidence.classes['order-wave'];
      expect(ow.arrivals!.total).toBe(history.orders);
      expect(ow.arrivals!.busyHour).toMatchObject({ dayOfWeek: 1, hour: 10, perHour: 6 });
      expect(ow.arrivals!.busyHour.ratePerSecond).toBeCloseTo(6 / 3600, 12);
      expect(ow.arrivals!.peakDays[0]).toMatchObject({ date: history.campaignDay, count: 16 });
      expect(evidence.orderWave!.linesPerOrder!.empirical.weights).toEqual(
        weights(history.linesPerOrder),
      );
      expect(evidence.orderWave!.quantityPerLine!.empirical.weights).toEqual(
        weights(history.orderQuantities),
      );
      // The Zipf exponent from a stratified sample of 100 lines over 10 products; the growth from
      // monthly counts 18, 27, 40, 60, rounded from ×1.5. Everything else is exact.
      expect(Math.abs(evidence.orderWave!.productSkew!.s - 1)).toBeLessThan(0.15);
      expect(ow.monthly!.map((m) => m.count)).toEqual(history.monthly);
      expect(Math.abs(ow.growth!.percentPerMonth - 50)).toBeLessThan(3);
    });

    it('finds the stock-moves mix and the lines per transfer', () => {
      expect(evidence.stockMoves!.mix).toEqual(history.mix);
      expect(evidence.stockMoves!.linesPerTransfer!.empirical.weights).toEqual(
        weights(history.transferLines),
      );
      const sm = evidence.classes['stock-moves'].arrivals!;
      // 42 transfers over the 4 Wednesdays at 11:00.
      expect(sm.busyHour).toMatchObject({ dayOfWeek: 3, hour: 11 });
      const transfers =
        history.mix.deliveries + history.mix.receipts + history.mix.internalTransfers;
      expect(sm.busyHour.perHour).toBeCloseTo(transfers / 4, 9);
    });

    it('finds the carrier spikes: peak rate, length and period', () => {
      const c = evidence.carrierBurst!;
      expect(c.stats.spikes).toBe(SPIKES.count);
      expect(c.shape).toMatchObject({
        peakRate: SPIKES.perSecond,
        spikeSeconds: SPIKES.seconds,
        periodSeconds: SPIKES.periodSeconds,
      });
      expect(evidence.classes['carrier-burst'].arrivals!.busyHour).toMatchObject({
        dayOfWeek: 2,
        hour: 15,
        perHour: (SPIKES.count * SPIKES.seconds * SPIKES.perSecond) / 4,
      });
    });

    it('finds the billing batches and the posting rate of the billing hour', async () => {
      const b = evidence.billing!;
      expect(b.ordersPerBatch!.empirical.weights).toEqual([
        { value: BATCH_ORDERS, weight: BATCHES },
      ]);
      expect(b.batchRate).toBeCloseTo(BATCHES / 3600, 12);
      const db = new pg.Client({ connectionString: odoo.env.PGURL });
      await db.connect();
      const invoices = Number(
        (
          await db.query(
            `SELECT count(*) AS n FROM account_move WHERE move_type = 'out_invoice' AND state = 'posted'`,
          )
        ).rows[0].n,
      );
      await db.end();
      expect(b.postingRate).toBeCloseTo(invoices / 3600, 12);
      const workload = await loadWorkload(join(out, 'workload.yaml'));
      expect(workload.classes['month-end-billing'].payload.batchSize).toBe(BATCH_ORDERS);
      const forecast = await loadForecast(join(out, 'forecast.yaml'));
      expect(forecast.baseline['order-wave']).toBeCloseTo(6 / 3600, 6);
      expect(forecast.growthPercentPerMonth['order-wave']).toBeCloseTo(
        evidence.classes['order-wave'].growth!.percentPerMonth,
        2,
      );
      expect(forecast.asOf).toBe(history.until);
    });

    it('ran as a role that cannot write', async () => {
      // The reader can read but not write: derive never needs more.
      const db = new pg.Client({ connectionString: readerUrl });
      await db.connect();
      await expect(db.query(`UPDATE sale_order SET note = NULL WHERE false`)).rejects.toThrow(
        /permission denied/,
      );
      await db.end();
    });

    it.skipIf(!endToEnd)(
      'runs the derived workload and plans with the derived forecast',
      async () => {
        const models = join(out, 'models');
        await cp(join(REPO, 'models'), models, { recursive: true });
        await cp(join(out, 'forecast.yaml'), join(models, 'forecast.yaml'));
        const workloadFile = join(out, 'workload.yaml');
        const runsDir = join(out, 'runs');
        const run = await runCli(
          [
            ...'run --class order-wave --rates 1 --hold 6s --warmup 2s --id derived --json'.split(
              ' ',
            ),
            '--workload',
            workloadFile,
            '--models',
            models,
            '--runs-dir',
            runsDir,
          ],
          cleanEnv({ ...odoo.env }),
          10 * 60_000,
        );
        expect(run.code, run.stderr).toBe(0);
        const plan = await runCli(
          ['plan', '--run', join(runsDir, 'derived'), '--models', models, '--json'],
          cleanEnv(),
        );
        expect(hasStackTrace(plan.stderr)).toBe(false);
        expect([0, 1]).toContain(plan.code);
        const planJson = JSON.parse(
          await readFile(join(runsDir, 'derived', 'plan.json'), 'utf8'),
        ) as {
          forecast: { asOf?: string };
        };
        expect(JSON.stringify(planJson)).toContain('order-wave');
        await writeFile(join(out, 'done'), '');
      },
    );
  });
}

describeDerive('17.0', true);
// OC_DERIVE_SERIES=16.0,18.0 adds those series (derive only): the same history, the same answers.
for (const series of (process.env.OC_DERIVE_SERIES ?? '').split(',').filter(Boolean))
  describeDerive(series as OdooSeries, false);
