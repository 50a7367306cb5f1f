// `workload derive` at scale on an embedded PostgreSQL 18 filled with BENCH_LINES generated order
// lines (bench/README.md). `npm run build && npx vite-node bench/workload-derive.ts`
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalPostgres } from '../src/pg-local/postgres-provider.js';
import { createOdooShapedDatabase } from '../test/derive/odoo-schema.js';

const ROOT = join(import.meta.dirname, '..');
const LINES = Number(process.env.BENCH_LINES ?? 5_000_000);
const ORDERS = Math.round(LINES / 3.2);

/** The end of the history: today's midnight UTC; orders spread over the 365 days before it. */
const FILL = [
  `INSERT INTO ir_module_module (name, state, latest_version) VALUES ('base', 'installed', '17.0.1.3')`,
  `INSERT INTO stock_picking_type (id, code) VALUES (1, 'incoming'), (2, 'outgoing'), (3, 'internal')`,
  // Orders: growth over the year (day = 365·√u), business hours weighted to the morning.
  `INSERT INTO sale_order (id, state, date_order)
     SELECT g, CASE WHEN g % 50 = 0 THEN 'cancel' ELSE 'sale' END,
            date_trunc('day', now() AT TIME ZONE 'UTC') - interval '365 days'
              + make_interval(days => floor(365 * sqrt(random()))::int)
              + make_interval(hours => 7 + floor(11 * random() * random())::int)
              + make_interval(secs => floor(3600 * random())::int)
       FROM generate_series(1, ${ORDERS}) g`,
  // Lines: 1 to 7 an order (mean 3.2), quantities mostly 1.
  `INSERT INTO sale_order_line (order_id, product_id, product_uom_qty, display_type, is_downpayment)
     SELECT o, floor(exp(random() * ln(5001)))::int,
            (ARRAY[1, 1, 1, 1, 2, 2, 3, 5, 10, 24])[1 + floor(random() * 10)::int], NULL, false
       FROM generate_series(1, ${ORDERS}) o,
            generate_series(1, (ARRAY[1, 1, 1, 2, 2, 3, 4, 5, 6, 7])[1 + (o::bigint * 7919) % 10]) l`,
  // One delivery per confirmed order, done within two hours; 80 % get a tracking reference.
  `INSERT INTO stock_picking (state, date_done, picking_type_id, carrier_tracking_ref, write_date)
     SELECT 'done', t, 2, CASE WHEN random() < 0.8 THEN 'TRK' END,
            t + make_interval(secs => floor(3600 * random())::int)
       FROM (SELECT date_order + make_interval(secs => floor(7200 * random())::int) AS t
               FROM sale_order WHERE state = 'sale') d`,
  // Receipts and internal transfers: one per 16 and 32 orders, 5 moves each.
  `INSERT INTO stock_picking (state, date_done, picking_type_id, write_date)
     SELECT 'done', date_order, CASE WHEN id % 32 = 0 THEN 3 ELSE 1 END, date_order
       FROM sale_order WHERE id % 16 = 0`,
  `INSERT INTO stock_move (picking_id, product_id, product_uom_qty, state, is_inventory, date)
     SELECT p.id, floor(exp(random() * ln(5001)))::int, 5 + floor(random() * 36)::int, 'done', false, p.date_done
       FROM stock_picking p, generate_series(1, 5) WHERE p.picking_type_id <> 2`,
  `INSERT INTO stock_move (picking_id, product_id, product_uom_qty, state, is_inventory, date)
     SELECT NULL, 1 + id % 5000, 1, 'done', true, date_order FROM sale_order WHERE id % 64 = 0`,
  // Invoices: one per 4 orders, invoiced in batches of 20 (one create_date each) from 18:00 on
  // the last day of the order's month.
  `INSERT INTO account_move (id, move_type, state, create_date, create_uid)
     SELECT id / 4, 'out_invoice', 'posted',
            date_trunc('month', date_order) + interval '1 month' - interval '6 hours'
              + make_interval(secs => ((row_number() OVER (PARTITION BY date_trunc('month', date_order) ORDER BY id) - 1) / 20)::int),
            2
       FROM sale_order WHERE id % 4 = 0`,
  `INSERT INTO account_move_line (move_id) SELECT m.id FROM account_move m, generate_series(1, 3)`,
  `INSERT INTO sale_order_line_invoice_rel (order_line_id, invoice_line_id)
     SELECT DISTINCT ON (l.id) l.id, aml.id
       FROM account_move_line aml JOIN sale_order_line l ON l.order_id = aml.move_id * 4
      ORDER BY l.id, aml.id`,
  `ANALYZE`,
];

async function main(): Promise<void> {
  const started = performance.now();
  const pgh = await startLocalPostgres();
  const out = await mkdtemp(join(tmpdir(), 'oc-bench-derive-'));
  try {
    const { url, db } = await createOdooShapedDatabase(pgh.url.reveal(), 'bench_derive');
    // A failed fill stops the cluster in `finally`: the query's own error is the one to see.
    db.on('error', () => undefined);
    for (const sql of FILL) {
      const t0 = performance.now();
      const r = await db.query(sql);
      console.error(
        `fill: ${sql.trim().split('\n')[0]!.slice(0, 60)}… ${r.rowCount ?? 0} rows, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    }
    const counts = (
      await db.query(
        `SELECT (SELECT count(*) FROM sale_order_line) AS lines, (SELECT count(*) FROM sale_order) AS orders,
                (SELECT count(*) FROM stock_picking) AS pickings, (SELECT count(*) FROM stock_move) AS moves,
                (SELECT count(*) FROM account_move) AS invoices,
                pg_size_pretty(pg_database_size('bench_derive')) AS size`,
      )
    ).rows[0] as Record<string, string>;
    await db.end();
    const generateSeconds = (performance.now() - started) / 1000;
    console.log(
      `generated in ${generateSeconds.toFixed(0)} s: ${counts.lines} order lines, ${counts.orders} orders, ${counts.pickings} pickings, ${counts.moves} stock moves, ${counts.invoices} invoices, ${counts.size}`,
    );
    console.log('window     wall s  peak RSS MiB  slowest queries');
    for (const days of [90, 365]) {
      const dir = join(out, String(days));
      // GNU time's %e and %M: wall seconds and the peak RSS in KiB of the CLI process.
      const run = spawnSync(
        '/usr/bin/time',
        [
          '-f',
          'TIME %e %M',
          process.execPath,
          join(ROOT, 'bin', 'odoo-capacity.js'),
          ...`workload derive --days ${days} --out ${dir} --json`.split(' '),
        ],
        { env: { ...process.env, PGURL: url }, encoding: 'utf8', maxBuffer: 1 << 26 },
      );
      const time = /^TIME (\S+) (\d+)$/m.exec(run.stderr);
      if (run.status !== 0 || !time) throw new Error(`derive failed: ${run.stderr.slice(-500)}`);
      const [wall, rssKiB] = [Number(time[1]), Number(time[2])];
      const evidence = JSON.parse(await readFile(join(dir, 'derive.json'), 'utf8')) as {
        timings: { step: string; ms: number }[];
        orderWave: {
          linesPerOrder: { observations: number; mean: number };
          productSkew: { s: number };
        };
        billing: { ordersPerBatch: { mean: number } };
      };
      const slow = [...evidence.timings]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 3)
        .map((t) => `${t.step} ${(t.ms / 1000).toFixed(1)} s`)
        .join(', ');
      console.log(
        `${String(days).padStart(3)} days   ${wall.toFixed(1).padStart(6)}  ${(rssKiB / 1024).toFixed(0).padStart(12)}  ${slow} (${evidence.orderWave.linesPerOrder.observations} orders in the window)`,
      );
      // What was generated: 3.2 lines an order, log-uniform products (Zipf s about 1), 20 a batch.
      console.log(
        `           derived: ${evidence.orderWave.linesPerOrder.mean.toFixed(2)} lines an order, Zipf s ${evidence.orderWave.productSkew.s.toFixed(3)}, ${evidence.billing.ordersPerBatch.mean.toFixed(1)} orders a batch`,
      );
    }
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; total ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  } finally {
    await pgh.stop();
    await rm(out, { recursive: true, force: true });
  }
}

await main();
