// Month-end billing: the accountant's invoicing run. Delivered orders are invoiced in batches
// through the "Create invoices" wizard (sale.advance.payment.inv, invoicing what was delivered),
// and the draft invoices are then posted, which numbers them gap-free per journal — the month-end
// bottleneck. Each batch of orders is taken by exactly one iteration.
import exec from 'k6/execution';
import { CallFailure } from './lib/call-failure.ts';
import type { Workload } from './lib/workload.ts';
import type { OdooClient, Row } from './k6/client.ts';
import { invoicePostThroughput } from './k6/metrics.ts';
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
  return { orders, batchSize: workload.classes['month-end-billing'].payload.batchSize };
}

export function setup(): SetupData {
  return setupRun('month-end-billing', { 'month-end-billing': prepareMonthEndBilling });
}

export function monthEndBilling(data: SetupData): void {
  const { orders, batchSize } = data.classes['month-end-billing'] as MonthEndBillingData;
  const client = clientFor(data.session);
  const first = exec.scenario.iterationInTest * batchSize;
  const batch = orders.slice(first, first + batchSize);
  transaction('invoice and post', () => {
    if (batch.length === 0) {
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
    client.call('account.move', 'action_post', [drafts]);
    const unposted = client.searchCount('account.move', [
      ['id', 'in', drafts],
      ['state', '!=', 'posted'],
    ]);
    if (unposted > 0) {
      throw new CallFailure(
        'other',
        'account.move.action_post',
        `${unposted} invoices still not posted`,
      );
    }
    invoicePostThroughput.add(drafts.length);
  });
}
