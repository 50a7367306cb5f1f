// The toolkit over JSON-2 against a real, unmodified Odoo 19.0 (fresh database, 2 prefork
// workers), with an API key made for the run: doctor lists both transports, seed fills the pools,
// each of the five scenarios runs in real k6 with no fault and its business effects read back,
// order-wave runs over XML-RPC on the same Odoo, and a short ladder measures Odoo's own
// PostgreSQL, the key appearing in none of the run's files nor in what the CLI printed.
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSlo } from '../../src/core/models/slo.js';
import { loadWorkload, workloadEnvironment } from '../../src/core/models/workload.js';
import { readRun } from '../../src/core/run-dir.js';
import type { OdooClient } from '../../src/odoo/client.js';
import { cleanEnv, runCli, type CliResult } from '../helpers/cli.js';
import { count, expectCleanRun, type Point } from '../scenarios/k6-results.js';
import { REPO, runK6, type K6Result } from '../scenarios/run-k6.js';
import { createApiKey } from './support/api-key.js';
import { SKIP_REASON, realOdooClient, startRealOdoo, type RealOdoo } from './support/real-odoo.js';

const RUN_ID = 'json2';
const SEED_FLAGS = [
  '--products',
  '20',
  '--customers',
  '8',
  '--ready-orders',
  '40',
  '--delivered-orders',
  '60',
  '--stock',
  '400',
  '--lines',
  '2',
];

type Row = Record<string, unknown> & { id: number };

let odoo: RealOdoo;
let client: OdooClient;
let apiKey: string;
let workloadJson: string;
let runsDir: string;
/** Everything the CLI printed, to look for the key in. */
const printed: string[] = [];

if (SKIP_REASON) console.warn(`test/real-odoo: skipped, ${SKIP_REASON}`);

describe.skipIf(SKIP_REASON !== undefined)('the toolkit over JSON-2 on a real Odoo 19.0', () => {
  beforeAll(async () => {
    odoo = await startRealOdoo('19.0');
    client = realOdooClient(odoo);
    apiKey = await createApiKey(odoo);
    // The shipped models, with billing in batches of 5 every two seconds (several in a short run)
    // and bursts short enough to come in one.
    const workload = await loadWorkload(join(REPO, 'models', 'workload', 'default.yaml'));
    workload.classes['carrier-burst'].burst = { peakRate: 8, spikeSeconds: 2, periodSeconds: 6 };
    workload.classes['month-end-billing'].payload.batchSize = 5;
    workload.classes['month-end-billing'].rate = 0.5;
    workloadJson = workloadEnvironment(workload, await loadSlo(join(REPO, 'models', 'slo.yaml')));
    runsDir = await mkdtemp(join(tmpdir(), 'oc-json2-runs-'));
  }, 10 * 60_000);

  afterAll(async () => {
    await odoo?.stop();
    if (runsDir) await rm(runsDir, { recursive: true, force: true });
  });

  /** The target over JSON-2: the API key, no password. */
  function json2Env(): Record<string, string> {
    const { ODOO_URL, ODOO_DB, ODOO_USER, PGURL } = odoo.env;
    return { ODOO_URL, ODOO_DB, ODOO_USER, PGURL, ODOO_API_KEY: apiKey, ODOO_TRANSPORT: 'json2' };
  }

  async function cli(args: string[]): Promise<CliResult> {
    const result = await runCli(args, cleanEnv(json2Env()), 10 * 60_000);
    printed.push(result.stdout, result.stderr);
    return result;
  }

  function scenario(profile: string, env: Record<string, string> = {}): Promise<K6Result> {
    const { PGURL: _pg, ...target } = json2Env();
    return runK6(join(REPO, 'scenarios', `${profile}.ts`), {
      ...target,
      OC_WORKLOAD: workloadJson,
      OC_PROFILE: profile,
      OC_RUN_ID: RUN_ID,
      OC_WARMUP: '2s',
      OC_DURATION: '8s',
      ...env,
    });
  }

  function searchRead(model: string, domain: unknown[], fields: string[]): Promise<Row[]> {
    return client.call<Row[]>(model, 'search_read', [domain], {
      kwargs: { fields },
      context: { active_test: false },
    });
  }

  const groups = (all: Point[], group: string): number =>
    all.filter((p) => p.metric === 'oc_transactions' && p.tags.group === group).length;

  it('doctor lists both transports and authenticates with the key over JSON-2', async () => {
    const result = await cli(['doctor', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const checks = (
      JSON.parse(result.stdout) as { checks: { name: string; status: string; detail: string }[] }
    ).checks;
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(byName.target).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/^Odoo 19\.0 /),
    });
    expect(byName.transports).toMatchObject({
      status: 'ok',
      detail: 'offered: xmlrpc, json2; using json2',
    });
    expect(byName.authenticate).toMatchObject({
      status: 'ok',
      detail: `user admin on ${odoo.env.ODOO_DB} is uid 2 (api_key over json2)`,
    });
  });

  it('seed over JSON-2 fills the pools', async () => {
    const result = await cli(['seed', ...SEED_FLAGS, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary.products).toMatchObject({ created: 20 });
    expect(summary.readyOrders).toMatchObject({ created: 40, notReserved: 0 });
    expect(summary.deliveredOrders).toMatchObject({ created: 60 });
    const ready = await searchRead(
      'sale.order',
      [['client_order_ref', '=like', 'OC-SEED-READY-%']],
      ['state', 'picking_ids'],
    );
    expect(ready).toHaveLength(40);
    const pickings = await searchRead(
      'stock.picking',
      [['id', 'in', ready.flatMap((o) => o.picking_ids as number[])]],
      ['state'],
    );
    expect(new Set(pickings.map((p) => p.state))).toEqual(new Set(['assigned']));
  });

  it('order-wave over JSON-2 confirms as many orders as k6 counted', async () => {
    const result = await scenario('order-wave');
    const all = await expectCleanRun(result, ['order-wave']);
    const confirmed = count(result, 'oc_transactions');
    expect(confirmed).toBeGreaterThan(5);
    expect(groups(all, '::confirm order')).toBe(confirmed);
    const orders = await searchRead(
      'sale.order',
      [['client_order_ref', '=like', `OC-LOAD-${RUN_ID}-%-SO-%`]],
      ['state'],
    );
    expect(orders).toHaveLength(confirmed);
    expect(new Set(orders.map((o) => o.state))).toEqual(new Set(['sale']));
  });

  it('stock-moves over JSON-2 validates deliveries, receipts and internal moves', async () => {
    const result = await scenario('stock-moves');
    const all = await expectCleanRun(result, ['stock-moves']);
    const validations = all.filter((p) => p.metric === 'stock_validation_success');
    expect(validations.length).toBeGreaterThan(5);
    expect(validations.every((p) => p.value === 1)).toBe(true);
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
    expect(groups(all, '::receive goods') + groups(all, '::internal transfer')).toBeGreaterThan(0);
  });

  it('carrier-burst over JSON-2 writes tracking references, each read back', async () => {
    const result = await scenario('carrier-burst');
    await expectCleanRun(result, ['carrier-burst']);
    const updates = count(result, 'oc_transactions');
    expect(updates).toBeGreaterThan(5);
    const tracked = await searchRead(
      'stock.picking',
      [['carrier_tracking_ref', '=like', `OC-LOAD-${RUN_ID}-%-TRK-%`]],
      ['id'],
    );
    expect(tracked.length).toBeGreaterThan(0);
    expect(tracked.length).toBeLessThanOrEqual(updates);
  });

  it('month-end-billing over JSON-2 posts every invoice k6 counted', async () => {
    const posted = (): Promise<number> =>
      client.call<number>('account.move', 'search_count', [
        [
          ['move_type', '=', 'out_invoice'],
          ['state', '=', 'posted'],
        ],
      ]);
    const before = await posted();
    const result = await scenario('month-end-billing');
    await expectCleanRun(result, ['month-end-billing']);
    const counted = count(result, 'invoice_post_throughput');
    expect(counted).toBeGreaterThan(0);
    expect((await posted()) - before).toBe(counted);
  });

  it('peak-mix over JSON-2 runs the four classes at once, cleanly', async () => {
    const seeded = await cli(['seed', ...SEED_FLAGS, '--json']);
    expect(seeded.code, seeded.stderr).toBe(0);
    // A warm-up long enough for carrier-burst's share of 3 tx/s to send a request in it.
    const result = await scenario('peak-mix', { OC_RATE: '3', OC_WARMUP: '4s' });
    const classes = ['order-wave', 'stock-moves', 'carrier-burst', 'month-end-billing'];
    const all = await expectCleanRun(result, classes);
    const scenarios = new Set(
      all.filter((p) => p.metric === 'iterations').map((p) => p.tags.scenario),
    );
    expect(scenarios).toEqual(new Set(classes));
  });

  it('order-wave over XML-RPC on the same Odoo 19.0, with the password', async () => {
    const { ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD } = odoo.env;
    const result = await runK6(join(REPO, 'scenarios', 'order-wave.ts'), {
      ODOO_URL,
      ODOO_DB,
      ODOO_USER,
      ODOO_PASSWORD,
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
  });

  it('a ladder over JSON-2 measures Odoo’s PostgreSQL and keeps the key out of the run', async () => {
    const result = await cli([
      'run',
      '--class',
      'order-wave',
      '--rates',
      '1,2',
      '--warmup',
      '2s',
      '--hold',
      '8s',
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
    expect(run.target).toMatchObject({ auth: 'api_key', transport: 'json2' });
    expect(run.target.odoo).toEqual({ serverVersion: '19.0', serverSerie: '19.0', lab: false });
    expect(steps).toHaveLength(2);
    for (const { dir: name, step } of steps) {
      expect(step.valid, `${name}: ${step.invalidReasons.join('; ')}`).toBe(true);
      const c = step.classes['order-wave']!;
      expect(c.errors.total, name).toBe(0);
      const own = step.database.databases.find((d) => d.datname === odoo.env.ODOO_DB)!;
      expect(own.xactCommit, name).toBeGreaterThanOrEqual(c.requests);
    }
    const files = (await readdir(runDir, { recursive: true, withFileTypes: true })).filter((f) =>
      f.isFile(),
    );
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = await readFile(join(file.parentPath, file.name), 'utf8');
      expect(text.includes(apiKey), `${file.name} holds the API key`).toBe(false);
    }
    for (const text of printed)
      expect(text.includes(apiKey), 'the CLI printed the key').toBe(false);
  });
});
