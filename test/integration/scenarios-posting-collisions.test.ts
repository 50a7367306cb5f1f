// Posting collisions against the lab: month-end-billing retries them or fails the batch with
// `collision`; k6, ingest and lab agree, through step.json, the plan and the report.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/logger.js';
import type { PlanJson } from '../../src/core/plan-types.js';
import { startLocalPostgres, type PostgresHandle } from '../../src/pg-local/postgres-provider.js';
import { readRun } from '../../src/core/run-dir.js';
import { startLab, type LabHandle } from '../../src/lab/server/index.js';
import { seed, type SeedPlan } from '../../src/odoo/seed.js';
import type { ReportDocument } from '../../src/report/report-model.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import {
  billingWorkload,
  customerInvoices,
  expectCollisionsUnretried,
  expectEveryInvoicePosted,
} from '../scenarios/posting-checks.js';
import { REPO, runK6, type K6Result } from '../scenarios/run-k6.js';
import { labClient, labViolations } from '../scenarios/seeded-lab.js';

/** One fresh database per run: a period's first drafts are numbered only once. */
const RETRIED = 'billing_retried';
const UNRETRIED = 'billing_unretried';
const LADDER = 'billing_ladder';
/** Where every worker first runs the invoicing calls: Node compiles a code path on first use. */
const WARMUP = 'billing_warmup';
/** For the warm-up run and a second run on the same period. */
const WARMUP_ORDERS = 260;
const PLAN: SeedPlan = {
  products: 10,
  customers: 4,
  readyOrders: 0,
  deliveredOrders: 160,
  stock: 200,
  linesPerOrder: 1,
};
/** More than the runner's top-up asks for a 2-VU step of 4 s in batches of 5 (102). */
const LADDER_ORDERS = 150;

let postgres: PostgresHandle;
let lab: LabHandle;
let root: string;

beforeAll(async () => {
  postgres = await startLocalPostgres();
  const databases = [WARMUP, RETRIED, UNRETRIED, LADDER];
  const log = new Logger('warn');
  // Seeded by a lab without cost (fast), then served by one with Odoo 17's call costs, so that
  // batches started together are in flight together, as on Odoo.
  const seeding = await startLab({ port: 0, databases, pgUrl: postgres.url, costScale: 0, log });
  try {
    for (const db of databases)
      await seed(labClient(seeding, db), {
        settings: true,
        ...PLAN,
        ...(db === LADDER ? { deliveredOrders: LADDER_ORDERS } : {}),
        ...(db === WARMUP ? { deliveredOrders: WARMUP_ORDERS } : {}),
      });
  } finally {
    await seeding.stop();
  }
  lab = await startLab({ port: 0, workers: 2, databases, pgUrl: postgres.url, log });
  root = await mkdtemp(join(tmpdir(), 'oc-posting-lab-'));
  await bill(WARMUP, 4);
}, 300_000);

afterAll(async () => {
  await lab?.stop();
  await postgres?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/**
 * Reads from the database on every worker of the lab (a worker's first call on a database sets
 * up its connection and caches; its first invoicing call compiles that code, which the warm-up
 * database took care of): rounds of concurrent calls, more than the workers.
 */
async function warmWorkers(db: string): Promise<void> {
  const client = labClient(lab, db);
  const served = () => lab.status().workers.list.map((w) => w.served);
  for (let round = 0; round < 4; round++) {
    const before = served();
    await Promise.all(
      Array.from({ length: 8 }, () => client.call('res.partner', 'search_count', [[]])),
    );
    const after = served();
    if (round > 0 && after.every((n, i) => n > before[i]!)) return;
  }
}

async function bill(db: string, maxAttempts: number): Promise<K6Result> {
  await warmWorkers(db);
  return runK6(join(REPO, 'scenarios', 'month-end-billing.ts'), {
    ODOO_URL: lab.url,
    ODOO_DB: db,
    ODOO_USER: 'admin',
    ODOO_PASSWORD: 'admin',
    OC_WORKLOAD: await billingWorkload(REPO, 5, maxAttempts),
    OC_PROFILE: 'month-end-billing',
    OC_RUN_ID: 'collisions-lab',
    OC_EXECUTOR: 'closed',
    OC_VUS: '4',
    OC_DURATION: '4s',
  });
}

describe('posting collisions against the lab', () => {
  it('retries the collisions of concurrent batches at the start of a period', async () => {
    const counts = await expectEveryInvoicePosted(await bill(RETRIED, 4), labClient(lab, RETRIED), {
      collisions: 'some',
    });
    console.info(`lab, retried: ${JSON.stringify(counts)}`);
    expect(await labViolations(lab)).toEqual([]);
  });

  it('once the period has posted invoices, concurrent batches post without collisions', async () => {
    // The warm-up run posted the period's first invoices: later drafts are unnumbered, and
    // concurrent posters wait for each other's numbers.
    const client = labClient(lab, WARMUP);
    const postedBefore = (await customerInvoices(client)).posted.length;
    expect(postedBefore).toBeGreaterThan(0);
    const counts = await expectEveryInvoicePosted(await bill(WARMUP, 4), client, {
      collisions: 'none',
      postedBefore,
    });
    console.info(`lab, period already posted: ${JSON.stringify(counts)}`);
  });

  it('without retries fails the colliding batch with fault collision', async () => {
    const counts = await expectCollisionsUnretried(
      await bill(UNRETRIED, 1),
      labClient(lab, UNRETRIED),
    );
    console.info(`lab, no retry: ${JSON.stringify(counts)}`);
  });

  it('a ladder step counts them in step.json; the plan and the report show the finding', async () => {
    const workloadFile = join(root, 'workload.json');
    await writeFile(
      workloadFile,
      JSON.stringify(JSON.parse(await billingWorkload(REPO, 5, 4)).workload),
    );
    const env = cleanEnv({
      ODOO_URL: lab.url,
      ODOO_DB: LADDER,
      ODOO_USER: 'admin',
      ODOO_PASSWORD: 'admin',
    });
    const runsDir = join(root, 'runs');
    await warmWorkers(LADDER);
    const run = await runCli(
      [
        'run',
        '--class',
        'month-end-billing',
        '--vus',
        '2',
        '--warmup',
        '0s',
        '--hold',
        '4s',
        '--workload',
        workloadFile,
        '--runs-dir',
        runsDir,
        '--id',
        'billing',
      ],
      env,
      300_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const runDir = join(runsDir, 'billing');
    const { steps } = await readRun(runDir);
    const posting = steps[0]!.step.classes['month-end-billing']!.posting!;
    expect(posting.collisions).toBeGreaterThanOrEqual(1);
    expect(posting.invoicesUnposted).toBe(0);
    expect(posting.collisionRate).toBeCloseTo(posting.collisions / posting.attempts, 5);
    // Collisions are retried, not errors.
    expect(steps[0]!.step.classes['month-end-billing']!.errors.total).toBe(0);

    const planned = await runCli(['plan', '--run', runDir, '--json'], env, 300_000);
    expect([0, 1], planned.stderr).toContain(planned.code);
    const plan = JSON.parse(await readFile(join(runDir, 'plan.json'), 'utf8')) as PlanJson;
    const finding = plan.postingCollisions!;
    console.info(`lab ladder step: ${JSON.stringify(posting)}, plan: ${finding.status}`);
    expect(finding.steps).toHaveLength(1);
    expect(finding.steps[0]).toMatchObject({
      concurrencySource: 'vus',
      concurrency: 2,
      attempts: posting.attempts,
      collisions: posting.collisions,
    });
    expect(finding.status).toBe(
      posting.collisionRate > finding.maxCollisionRate ? 'over-limit-throughout' : 'within-limit',
    );

    const out = join(runDir, 'report');
    const report = await runCli(
      ['report', '--run', runDir, '--format', 'html,md,json', '--out', out],
      env,
      300_000,
    );
    expect(report.code, report.stderr).toBe(0);
    const doc = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as ReportDocument;
    expect(doc.postingCollisions!.table.rows[0]).toMatchObject({
      concurrency: 2,
      collisions: posting.collisions,
    });
    const md = await readFile(join(out, 'report.md'), 'utf8');
    expect(md).toContain('## Month-end billing: posting collisions');
    expect(md).toContain(doc.postingCollisions!.finding[0]);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain(
      '<section id="posting-collisions">',
    );
  });
});
