// `workload derive` on a small Odoo-shaped database (odoo-schema.ts) in a real PostgreSQL: local
// time zones, what it must not count, and a database without stock_delivery.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalPostgres, type PostgresHandle } from '../../src/pg-local/postgres-provider.js';
import { loadWorkload } from '../../src/core/models/workload.js';
import type { DerivedEvidence } from '../../src/derive/read.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { createOdooShapedDatabase } from './odoo-schema.js';

let handle: PostgresHandle;
let url: string;
let out: string;

beforeAll(async () => {
  handle = await startLocalPostgres();
  const created = await createOdooShapedDatabase(handle.url.reveal(), 'tenant');
  url = created.url;
  const db = created.db;
  // No stock_delivery: pickings without a tracking reference column.
  await db.query('ALTER TABLE stock_picking DROP COLUMN carrier_tracking_ref');
  await db.query(`INSERT INTO ir_module_module (name, state, latest_version)
                  VALUES ('base', 'installed', '18.0.1.3')`);
  // Mondays of November 2026 (2, 9, 16, 23) at 08:00-08:50 UTC, 09:00 in Brussels (CET): 6 each.
  // A Sunday 23:30 UTC order is Monday 00:30 in Brussels. A cancelled order at 12:00 is not one.
  await db.query(`INSERT INTO sale_order (state, date_order)
    SELECT 'sale', d + make_interval(hours => 8, mins => 10 * k)
      FROM unnest(ARRAY['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23']::timestamp[]) d,
           generate_series(0, 5) k`);
  await db.query(`INSERT INTO sale_order (state, date_order) VALUES
    ('sale', '2026-11-08 23:30'), ('cancel', '2026-11-10 12:00'), ('cancel', '2026-11-10 12:05')`);
  // Each order 2 product lines of 1.5 units (counted as 2), a section and a down payment line.
  await db.query(`INSERT INTO sale_order_line (order_id, product_id, product_uom_qty, display_type, is_downpayment)
    SELECT o.id, 1 + (o.id + k) % 3, 1.5, NULL, false FROM sale_order o, generate_series(1, 2) k`);
  await db.query(`INSERT INTO sale_order_line (order_id, product_id, product_uom_qty, display_type, is_downpayment)
    SELECT id, NULL, 0, 'line_section', false FROM sale_order
    UNION ALL SELECT id, 9, 1, NULL, true FROM sale_order`);
  // One line of 1,000 units: past 100, quantities fall into quarter-octave bins (2^10 = 1024).
  await db.query(`UPDATE sale_order_line SET product_uom_qty = 1000
                   WHERE id = (SELECT min(id) FROM sale_order_line WHERE NOT is_downpayment AND display_type IS NULL)`);
  await db.end();
  out = await mkdtemp(join(tmpdir(), 'oc-derive-embedded-'));
}, 120_000);

afterAll(async () => {
  await handle?.stop();
  if (out) await rm(out, { recursive: true, force: true });
});

async function derive(timezone: string): Promise<{ evidence: DerivedEvidence; stdout: string }> {
  const dir = join(out, timezone.replace('/', '-'));
  const args = ['workload', 'derive', '--days', '28', '--until', '2026-11-29', '--timezone'];
  const r = await runCli(
    [...args, timezone, '--growth-months', '0', '--out', dir, '--json'],
    cleanEnv({ PGURL: url }),
  );
  expect(r.code, r.stderr).toBe(0);
  return {
    evidence: JSON.parse(await readFile(join(dir, 'derive.json'), 'utf8')) as DerivedEvidence,
    stdout: r.stdout,
  };
}

describe('workload derive on a database shaped like Odoo 18.0', () => {
  it('takes hours and days in the time zone asked for', async () => {
    const utc = (await derive('UTC')).evidence.classes['order-wave'].arrivals!;
    expect(utc.busyHour).toMatchObject({ dayOfWeek: 1, hour: 8, perHour: 6 });
    expect(utc.byDayOfWeek[6]).toBeCloseTo(1 / 4, 12); // the Sunday 23:30 order
    const local = (await derive('Europe/Brussels')).evidence;
    const arrivals = local.classes['order-wave'].arrivals!;
    expect(arrivals.busyHour).toMatchObject({ dayOfWeek: 1, hour: 9, perHour: 6 });
    expect(arrivals.byDayOfWeekHour[0]![0]).toBeCloseTo(1 / 4, 12);
    expect(arrivals.total).toBe(25);
    expect(local.odooVersion).toBe('18.0.1.3');
  });

  it('counts product lines of confirmed orders only, quantities rounded up and binned past 100', async () => {
    const { evidence } = await derive('UTC');
    expect(evidence.orderWave!.linesPerOrder!.empirical.weights).toEqual([
      { value: 2, weight: 25 },
    ]);
    expect(evidence.orderWave!.quantityPerLine!.empirical.weights).toEqual([
      { value: 2, weight: 49 },
      { value: 1024, weight: 1 },
    ]);
    expect(evidence.orderWave!.productSkew!.products).toBe(3);
  });

  it('keeps carrier-burst from the base workload where Odoo has no tracking reference', async () => {
    const { evidence, stdout } = await derive('UTC');
    expect(evidence.classes['carrier-burst']).toMatchObject({
      derived: false,
      note: expect.stringContaining('stock_picking.carrier_tracking_ref'),
    });
    expect(evidence.missing).toContain('stock_picking.carrier_tracking_ref');
    const notes = (JSON.parse(stdout) as { notes: string[] }).notes;
    expect(notes).toContainEqual(
      expect.stringMatching(/^carrier-burst: not derived \(missing columns/),
    );
    const base = await loadWorkload(
      join(import.meta.dirname, '..', '..', 'models', 'workload', 'default.yaml'),
    );
    const derived = await loadWorkload(join(out, 'UTC', 'workload.yaml'));
    expect(derived.classes['carrier-burst']).toEqual(base.classes['carrier-burst']);
  });
});
