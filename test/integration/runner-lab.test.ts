// `run` against the real lab over real PostgreSQL: preflight, pools topped up before each step,
// real XML-RPC from k6, and the tenant's own database deltas.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/logger.js';
import { toLadderSpec } from '../../src/core/models/ladder.js';
import { startLocalPostgres, type PostgresHandle } from '../../src/pg-local/postgres-provider.js';
import { readRun } from '../../src/core/run-dir.js';
import { Secret } from '../../src/core/secret.js';
import { startLab, type LabHandle } from '../../src/lab/server/index.js';
import { OdooClient } from '../../src/odoo/client.js';
import { poolNeeds } from '../../src/runner/pool-sizing.js';
import { cleanEnv, runCli } from '../helpers/cli.js';

const LAB_PROBE = join(import.meta.dirname, '..', 'fixtures', 'k6', 'lab-probe.js');
const ADMIN_PASSWORD = 'lab-admin-pw-83c1';
const MONITOR_PASSWORD = 'lab-monitor-pw-2d9f';

let postgres: PostgresHandle;
let lab: LabHandle;
let runsDir: string;
let pgUrl: string;

beforeAll(async () => {
  postgres = await startLocalPostgres();
  const admin = new pg.Client({ connectionString: postgres.url.reveal() });
  await admin.connect();
  await admin.query(`CREATE ROLE oc_mon LOGIN PASSWORD '${MONITOR_PASSWORD}' IN ROLE pg_monitor`);
  await admin.end();
  pgUrl = `postgres://oc_mon:${MONITOR_PASSWORD}@${new URL(postgres.url.reveal()).host}/postgres`;
  lab = await startLab({
    port: 0,
    workers: 2,
    databases: ['lab'],
    pgUrl: postgres.url,
    adminPassword: new Secret(ADMIN_PASSWORD),
    costScale: 0,
    log: new Logger('warn'),
  });
  runsDir = await mkdtemp(join(tmpdir(), 'oc-lab-runs-'));
});
afterAll(async () => {
  await lab?.stop();
  await postgres?.stop();
  await rm(runsDir, { recursive: true, force: true });
});

describe('run against the lab', () => {
  it('tops up the ready pool before each step and measures the lab tenant’s database', async () => {
    const result = await runCli(
      [
        'run',
        '--script',
        LAB_PROBE,
        '--runs-dir',
        runsDir,
        '--id',
        'lab',
        '--class',
        'stock-moves',
        '--rates',
        '2,4',
        '--warmup',
        '1s',
        '--hold',
        '3s',
        '--sample-interval',
        '1s',
      ],
      cleanEnv({
        ODOO_URL: lab.url,
        ODOO_DB: 'lab',
        ODOO_USER: 'admin',
        ODOO_PASSWORD: ADMIN_PASSWORD,
        PGURL: pgUrl,
      }),
      300_000,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/rate-4: pools topped up to \d+ ready/);
    const { run, steps } = await readRun(join(runsDir, 'lab'));
    expect(run.status).toBe('complete');
    expect(run.target.odoo).toEqual({ serverVersion: '17.0', serverSerie: '17.0', lab: true });

    // The seed made the pool the biggest step needs, for the workload k6 was given.
    const client = new OdooClient({
      url: lab.url,
      db: 'lab',
      user: 'admin',
      secret: new Secret(ADMIN_PASSWORD),
      secretKind: 'password',
    });
    const ready = await client.call<number>('sale.order', 'search_count', [
      [['client_order_ref', '=like', 'OC-SEED-READY-%']],
    ]);
    const spec = toLadderSpec(
      { profile: 'stock-moves', steps: [2, 4], warmup: 1, hold: 3 },
      'expected',
    );
    expect(run.scenario?.workload).toBeDefined();
    expect(ready).toBeGreaterThanOrEqual(
      poolNeeds(spec, spec.steps[1]!, run.scenario?.workload).readyOrders,
    );

    for (const { step } of steps) {
      expect(step.valid, step.invalidReasons.join('; ')).toBe(true);
      const c = step.classes['stock-moves']!;
      expect(c.errors.total).toBe(0);
      expect(c.transactions).toBeGreaterThanOrEqual(step.load.rate! * 3);
      const tenant = step.database.databases.find((d) => d.datname === 'lab')!;
      expect(tenant.xactCommit).toBeGreaterThanOrEqual(c.requests);
      expect(tenant.topStatements.some((s) => /sale_order/.test(s.query))).toBe(true);
      expect(step.database.activity.samples).toBeGreaterThanOrEqual(1);
    }
  });
});
