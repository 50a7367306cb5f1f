// Month-end billing: the accountant's invoicing run. Delivered orders invoiced in batches, then
// posted; a posting collision is retried as an accountant would, counted but not a failure.
import { sleep } from 'k6';
import exec from 'k6/execution';
import { CallFailure } from './lib/call-failure.ts';
import { POSTING_CALL, isPostingCollision, postRetryDelayMs } from './lib/posting-collision.ts';
import type { PostRetry, Workload } from './lib/workload.ts';
import type { OdooClient, Row } from './k6/client.ts';
import {
  invoicePostThroughput,
  invoicesUnposted,
  postingAttempts,
  postingCollisions,
} from './k6/metrics.ts';
import { optionsFor } from './k6/options.ts';
import { clientFor, setupRun, type Session, type SetupData } from './k6/session.ts';
import { transaction } from './k6/transaction.ts';

export const options = optionsFor('month-end-billing');
/** This class's k6 scenario (executor, rate, VUs), as peak-mix runs it too. */
export const monthEndBillingScenario = options.scenarios?.['month-end-billing'];

export interface MonthEndBillingData {
  /** Delivered, not yet invoiced orders of the OC-SEED-DELIVERED pool, oldest first. */
  orders: number[];
  batchSize: number;
  postRetry: PostRetry;
}

export function prepareMonthEndBilling(
  client: OdooClient,
  _s: Session,
  workload: Workload,
): MonthEndBillingData {
  const orders = client.search(
    'sale.order',
    [
      ['client_order_ref', '=like', 'OC-SEED-DELIVERED-%'],
      ['invoice_status', '=', 'to invoice'],
    ],
    { order: 'id' },
  );
  if (orders.length === 0) {
    throw new Error(
      'no delivered orders to invoice (OC-SEED-DELIVERED-*); run odoo-capacity seed --delivered-orders N',
    );
  }
  const { batchSize, postRetry } = workload.classes['month-end-billing'].payload;
  return { orders, batchSize, postRetry };
}

export function setup(): SetupData {
  return setupRun('month-end-billing', { 'month-end-billing': prepareMonthEndBilling });
}

/**
 * Posts the drafts, retrying posting collisions as the workload's postRetry says. Returns the
 * drafts still unposted when every attempt collided; none once an attempt posted them.
 */
function postWithRetries(client: OdooClient, drafts: number[], retry: PostRetry): number[] {
  let remaining = drafts;
  for (let attempt = 1; ; attempt++) {
    postingAttempts.add(1);
    try {
      client.call('account.move', 'action_post', [remaining]);
      return [];
    } catch (error) {
      if (!(error instanceof CallFailure) || !isPostingCollision(error)) throw error;
      postingCollisions.add(1);
      if (attempt >= retry.maxAttempts) return remaining;
    }
    sleep(postRetryDelayMs(retry, attempt, Math.random()) / 1000);
    // The refused call rolled back whole: clear the provisional numbers of the drafts still
    // unposted (the accountant's "/" in the invoice form) and post those again.
    const left = client.searchRead<Row & { name: string }>(
      'account.move',
      [
        ['id', 'in', remaining],
        ['state', '=', 'draft'],
      ],
      ['name'],
    );
    const numbered = left.filter((m) => m.name !== '/').map((m) => m.id);
    if (numbered.length > 0) client.write('account.move', numbered, { name: '/' });
    remaining = left.map((m) => m.id);
    if (remaining.length === 0) return [];
  }
}

/** This VU found the delivered pool empty: in a closed loop it idles instead of failing again. */
let poolExhausted = false;

export function monthEndBilling(data: SetupData): void {
  const { orders, batchSize, postRetry } = data.classes['month-end-billing'] as MonthEndBillingData;
  const first = exec.scenario.iterationInTest * batchSize;
  const batch = orders.slice(first, first + batchSize);
  if (batch.length === 0 && poolExhausted) {
    // constant-vus starts the next iteration at once: without this pause an exhausted pool would
    // count thousands of failures a second. The failure was counted once for this VU.
    sleep(1);
    return;
  }
  const client = clientFor(data.session);
  transaction('invoice and post', () => {
    if (batch.length === 0) {
      poolExhausted = exec.scenario.executor === 'constant-vus';
      throw new CallFailure(
        'other',
        'delivered pool',
        `exhausted after ${orders.length} orders; seed more (odoo-capacity seed --delivered-orders)`,
      );
    }
    const wizard = client.create('sale.advance.payment.inv', {
      advance_payment_method: 'delivered',
      sale_order_ids: [[6, 0, batch]],
    });
    // Odoo commits the invoices, then may fail to marshal the action it returns (fault 1 after
    // commit): either way, the orders say which invoices exist.
    client.call('sale.advance.payment.inv', 'create_invoices', [[wizard]]);
    const invoiced = client.read<Row & { invoice_ids: number[] }>('sale.order', batch, [
      'invoice_ids',
    ]);
    const invoiceIds = [...new Set(invoiced.flatMap((o) => o.invoice_ids))];
    const drafts = client.search('account.move', [
      ['id', 'in', invoiceIds],
      ['state', '=', 'draft'],
    ]);
    if (drafts.length === 0) {
      throw new CallFailure(
        'other',
        'sale.advance.payment.inv.create_invoices',
        'no draft invoice created',
      );
    }
    const collided = postWithRetries(client, drafts, postRetry);
    if (collided.length > 0) {
      if (collided.length < drafts.length) {
        invoicePostThroughput.add(drafts.length - collided.length);
      }
      invoicesUnposted.add(collided.length);
      throw new CallFailure(
        'collision',
        POSTING_CALL,
        `${collided.length} invoices left unposted: each of ${postRetry.maxAttempts} posting attempts collided (another entry with the same name)`,
      );
    }
    const unposted = client.searchCount('account.move', [
      ['id', 'in', drafts],
      ['state', '!=', 'posted'],
    ]);
    if (unposted < drafts.length) invoicePostThroughput.add(drafts.length - unposted);
    if (unposted > 0) {
      invoicesUnposted.add(unposted);
      throw new CallFailure(
        'other',
        'account.move.action_post',
        `${unposted} invoices still not posted`,
      );
    }
  });
}
