// The custom metrics the scenarios emit (names in scenarios/lib/metric-names.ts, contract in
// docs/contracts.md). Created in the init context, as k6 requires.
import { Counter, Rate, Trend } from 'k6/metrics';
import { METRIC } from '../lib/metric-names.ts';

export const transactionDuration = new Trend(METRIC.transactionDuration, true);
export const transactions = new Counter(METRIC.transactions);
export const transactionFailed = new Rate(METRIC.transactionFailed);
export const faults = new Counter(METRIC.faults);
export const retryableFaults = new Counter(METRIC.retryableFaults);
export const orderConfirmLatency = new Trend(METRIC.orderConfirmLatency, true);
export const stockValidationSuccess = new Rate(METRIC.stockValidationSuccess);
export const shipmentUpdateDelay = new Trend(METRIC.shipmentUpdateDelay, true);
export const invoicePostThroughput = new Counter(METRIC.invoicePostThroughput);
export const postingAttempts = new Counter(METRIC.postingAttempts);
export const postingCollisions = new Counter(METRIC.postingCollisions);
export const invoicesUnposted = new Counter(METRIC.invoicesUnposted);
