// Posting collisions on a real, unmodified Odoo 17.0: right after its database is reset, no
// invoice is numbered in the period, so concurrent invoicing batches each number a first draft
// INV/<year>/00001 and all but one of them are refused at action_post (fault 2, another entry
// with the same name). month-end-billing counts the collision, clears the provisional numbers and
// posts again: every invoice ends up posted. With retries turned off the batch fails with fault
// `collision` and its invoices stay draft, one of them still holding the duplicate number, until
// the name is cleared. k6's counts, the runner's ingest of the same output and Odoo agree.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OdooClient } from '../../src/odoo/client.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import {
  billingWorkload,
  expectEveryInvoicePosted,
  expectCollisionsUnretried,
} from '../scenarios/posting-checks.js';
import { REPO, runK6, type K6Result } from '../scenarios/run-k6.js';
import { SKIP_REASON, realOdooClient, startRealOdoo, type RealOdoo } from './support/real-odoo.js';

/** Enough delivered orders for 4 VUs billing batches of 5 for 8 s. */
const SEED_FLAGS = [
  '--products',
  '10',
  '--customers',
  '4',
  '--ready-orders',
  '0',
  '--delivered-orders',
  '120',
  '--lines',
  '1',
];

let odoo: RealOdoo;
let client: OdooClient;

if (SKIP_REASON) console.warn(`test/real-odoo: skipped, ${SKIP_REASON}`);

describe.skipIf(SKIP_REASON !== undefined)('posting collisions on a real Odoo 17.0', () => {
  beforeAll(async () => {
    odoo = await startRealOdoo('17.0');
    client = realOdooClient(odoo);
  }, 20 * 60_000);

  afterAll(async () => {
    await odoo?.stop();
  });

  /** A fresh database, seeded, then 4 closed VUs billing at once from the first second. */
  async function billFromFreshDatabase(maxAttempts: number): Promise<K6Result> {
    await odoo.reset();
    const seeded = await runCli(['seed', ...SEED_FLAGS], cleanEnv({ ...odoo.env }), 15 * 60_000);
    expect(seeded.code, seeded.stderr).toBe(0);
    const { ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD } = odoo.env;
    return runK6(join(REPO, 'scenarios', 'month-end-billing.ts'), {
      ODOO_URL,
      ODOO_DB,
      ODOO_USER,
      ODOO_PASSWORD,
      OC_WORKLOAD: await billingWorkload(REPO, 5, maxAttempts),
      OC_PROFILE: 'month-end-billing',
      OC_RUN_ID: 'collisions17',
      OC_EXECUTOR: 'closed',
      OC_VUS: '4',
      OC_DURATION: '8s',
    });
  }

  it('retries the collisions at the start of a period: every invoice posted, none failed', async () => {
    const counts = await expectEveryInvoicePosted(await billFromFreshDatabase(4), client, {
      collisions: 'some',
    });
    console.info(`real Odoo 17.0, retried: ${JSON.stringify(counts)}`);
  });

  it('without retries the colliding batch fails with fault collision, its drafts left unposted', async () => {
    const counts = await expectCollisionsUnretried(await billFromFreshDatabase(1), client);
    console.info(`real Odoo 17.0, no retry: ${JSON.stringify(counts)}`);
  });
});
