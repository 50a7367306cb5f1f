// What the posting-collision tests read from a month-end-billing run on a real Odoo or the lab:
// k6's counts, the runner's ingest of the same output, and the target's invoices.
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadSlo } from '../../src/core/models/slo.js';
import { loadWorkload, workloadEnvironment } from '../../src/core/models/workload.js';
import type { OdooClient } from '../../src/odoo/client.js';
import { ingestFile } from '../../src/runner/k6-output-ingest.js';
import { stepFigures } from '../../src/runner/step-stats.js';
import { count, points } from './k6-results.js';
import type { K6Result } from './run-k6.js';

export interface BillingCounts {
  transactions: number;
  failed: number;
  attempts: number;
  collisions: number;
  posted: number;
  unposted: number;
  /** oc_faults tagged collision. */
  collisionFaults: number;
  /** oc_faults tagged other: none unless the delivered pool ran dry (or something broke). */
  otherFaults: number;
}

/** k6's end-of-test counts of a month-end-billing run, and its faults by tag from its output. */
export async function billingCounts(result: K6Result): Promise<BillingCounts> {
  const failed = result.summary!.metrics.oc_transaction_failed as { passes?: number } | undefined;
  const faults = (await points(result.outJson)).filter((p) => p.metric === 'oc_faults');
  return {
    transactions: count(result, 'oc_transactions'),
    failed: failed?.passes ?? 0,
    attempts: count(result, 'oc_posting_attempts'),
    collisions: count(result, 'oc_posting_collisions'),
    posted: count(result, 'invoice_post_throughput'),
    unposted: count(result, 'oc_invoices_unposted'),
    collisionFaults: faults.filter((p) => p.tags.fault === 'collision').length,
    otherFaults: faults.filter((p) => p.tags.fault === 'other').length,
  };
}

/** The runner reads from k6's output what k6 counted (every sample is in the hold: no warm-up). */
export async function expectIngestAgrees(result: K6Result, counts: BillingCounts): Promise<void> {
  const figures = stepFigures(await ingestFile(result.outJson));
  const billing = figures.classes['month-end-billing']!;
  expect(billing.posting).toMatchObject({
    attempts: counts.attempts,
    collisions: counts.collisions,
    invoicesPosted: counts.posted,
    invoicesUnposted: counts.unposted,
  });
  expect(billing.posting!.collisionRate).toBeCloseTo(counts.collisions / counts.attempts, 5);
  expect(billing.transactions).toBe(counts.transactions);
  expect(billing.errors.byTag.collision ?? 0).toBe(counts.collisionFaults);
}

export interface Invoices {
  posted: string[];
  drafts: { id: number; name: string }[];
}

/** The customer invoices the target holds, posted (their names) and draft. */
export async function customerInvoices(client: OdooClient): Promise<Invoices> {
  const rows = await client.call<{ id: number; name: string | false; state: string }[]>(
    'account.move',
    'search_read',
    [[['move_type', '=', 'out_invoice']]],
    { kwargs: { fields: ['name', 'state'] } },
  );
  return {
    posted: rows.filter((r) => r.state === 'posted').map((r) => String(r.name)),
    drafts: rows
      .filter((r) => r.state === 'draft')
      .map((r) => ({ id: r.id, name: r.name === false ? '/' : r.name })),
  };
}

/** A run that ended as k6 runs may (0, or 99 for a latency SLO on a busy machine). */
async function finishedRun(result: K6Result): Promise<BillingCounts> {
  expect([0, 99], result.stderr.slice(-2000)).toContain(result.exitCode);
  const counts = await billingCounts(result);
  // A pool that ran dry fails each VU once more: seed more delivered orders or bill for less.
  expect(counts.otherFaults, 'faults tagged other (the delivered pool ran dry?)').toBe(0);
  return counts;
}

/**
 * A run that posted every invoice it made, under unique numbers, with no failure: its
 * collisions (at least one, or none on a period that already has posted invoices) each cost one
 * more attempt. The ingest agrees with k6, and the target holds what k6 counted beyond the
 * invoices posted before the run.
 */
export async function expectEveryInvoicePosted(
  result: K6Result,
  client: OdooClient,
  expected: { collisions: 'some' | 'none'; postedBefore?: number },
): Promise<BillingCounts> {
  const counts = await finishedRun(result);
  if (expected.collisions === 'some') expect(counts.collisions).toBeGreaterThanOrEqual(1);
  else expect(counts.collisions).toBe(0);
  expect(counts.failed).toBe(0);
  expect(counts.unposted).toBe(0);
  expect(counts.attempts).toBe(counts.transactions + counts.collisions);
  await expectIngestAgrees(result, counts);
  const invoices = await customerInvoices(client);
  expect(invoices.drafts).toEqual([]);
  expect(invoices.posted).toHaveLength((expected.postedBefore ?? 0) + counts.posted);
  expect(new Set(invoices.posted).size).toBe(invoices.posted.length);
  for (const name of invoices.posted) expect(name).toMatch(/^INV\/\d{4}\/\d{5}$/);
  return counts;
}

/**
 * A run without retries (maxAttempts 1): each collision fails its transaction with fault
 * collision and leaves its invoices draft, one of them holding a number another batch posted.
 * Posting them again fails the same way until the number is cleared, as the scenario does.
 */
export async function expectCollisionsUnretried(
  result: K6Result,
  client: OdooClient,
): Promise<BillingCounts> {
  const counts = await finishedRun(result);
  expect(counts.collisions).toBeGreaterThanOrEqual(1);
  expect(counts.failed).toBe(counts.collisions);
  expect(counts.collisionFaults).toBe(counts.collisions);
  expect(counts.attempts).toBe(counts.transactions + counts.failed);
  await expectIngestAgrees(result, counts);

  const invoices = await customerInvoices(client);
  expect(invoices.posted).toHaveLength(counts.posted);
  expect(counts.unposted).toBeGreaterThan(0);
  expect(invoices.drafts).toHaveLength(counts.unposted);
  const numbered = invoices.drafts.filter((d) => d.name !== '/');
  expect(numbered.length).toBe(counts.collisions);
  for (const draft of numbered) expect(invoices.posted).toContain(draft.name);
  const ids = invoices.drafts.map((d) => d.id);
  await expect(client.call('account.move', 'action_post', [ids])).rejects.toThrow(
    /Another entry with the same name already exists/,
  );
  await client.call('account.move', 'write', [numbered.map((d) => d.id), { name: '/' }]);
  await client.call('account.move', 'action_post', [ids]);
  const after = await customerInvoices(client);
  expect(after.drafts).toEqual([]);
  expect(new Set(after.posted).size).toBe(after.posted.length);
  return counts;
}

/** The shipped workload with billing in batches of `batchSize` and the given posting retries. */
export async function billingWorkload(
  repo: string,
  batchSize: number,
  maxAttempts: number,
): Promise<string> {
  const workload = await loadWorkload(join(repo, 'models', 'workload', 'default.yaml'));
  const billing = workload.classes['month-end-billing'];
  billing.payload.batchSize = batchSize;
  billing.payload.postRetry = { maxAttempts, backoffMs: 200, maxBackoffMs: 1000 };
  return workloadEnvironment(workload, await loadSlo(join(repo, 'models', 'slo.yaml')));
}
