// Posting collisions on a real, unmodified Odoo 17.0 from a fresh database: retried until every
// invoice is posted, or without retries a failed batch; k6, the runner's ingest and Odoo agree.
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
import {
  SKIP_REASON,
  realOdooClient,
  startRealOdoo,
  type OdooSeries,
  type RealOdoo,
} from './support/real-odoo.js';

/**
 * Enough delivered orders for 4 VUs billing batches of 5 for 5 s, twice over: an idle machine
 * bills 24 batches in 8 s, and a pool that runs dry fails each VU once more.
 */
const SEED_FLAGS = [
  '--products',
  '10',
  '--customers',
  '4',
  '--ready-orders',
  '0',
  '--delivered-orders',
  '150',
  '--lines',
  '1',
];

if (SKIP_REASON) console.warn(`test/real-odoo: skipped, ${SKIP_REASON}`);

/** `collisions`: what a fresh period's concurrent billing meets on this series. */
function describeCollisions(series: OdooSeries, collisions: 'some' | 'none', unretried: boolean) {
  let odoo: RealOdoo;
  let client: OdooClient;
  let billed = false;

  describe.skipIf(SKIP_REASON !== undefined)(`posting collisions on a real Odoo ${series}`, () => {
    beforeAll(async () => {
      odoo = await startRealOdoo(series);
      client = realOdooClient(odoo);
    }, 20 * 60_000);

    afterAll(async () => {
      await odoo?.stop();
    });

    /** A fresh database, seeded, then 4 closed VUs billing at once from the first second. */
    async function billFromFreshDatabase(maxAttempts: number): Promise<K6Result> {
      // Odoo starts on a fresh database: only a second run needs the reset (about 10 s).
      if (billed) await odoo.reset();
      billed = true;
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
        OC_RUN_ID: `collisions${series.split('.')[0]}`,
        OC_EXECUTOR: 'closed',
        OC_VUS: '4',
        OC_DURATION: '5s',
      });
    }

    it(`retries what collides at the start of a period (${collisions}): every invoice posted, none failed`, async () => {
      const counts = await expectEveryInvoicePosted(await billFromFreshDatabase(4), client, {
        collisions,
      });
      console.info(`real Odoo ${series}, retried: ${JSON.stringify(counts)}`);
    });

    it.runIf(unretried)(
      'without retries the colliding batch fails with fault collision, its drafts left unposted',
      async () => {
        const counts = await expectCollisionsUnretried(await billFromFreshDatabase(1), client);
        console.info(`real Odoo ${series}, no retry: ${JSON.stringify(counts)}`);
      },
    );
  });
}

describeCollisions('17.0', 'some', true);
// 18.0 names an invoice only when posting it, under a lock on the sequence (_locked_increment):
// no collision, so only the retried case runs.
describeCollisions('18.0', 'none', false);
