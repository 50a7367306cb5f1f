// The names of the k6 metrics the scenarios emit and the runner ingests (docs/contracts.md).
export const METRIC = {
  /** Trend (ms): the whole multi-call business transaction. */
  transactionDuration: 'oc_transaction_duration',
  /** Counter: completed business transactions. */
  transactions: 'oc_transactions',
  /** Rate: true for a failed business transaction; the error rate the SLOs judge. */
  transactionFailed: 'oc_transaction_failed',
  /** Counter tagged `fault`: each failed call or check, by ErrorTag. */
  faults: 'oc_faults',
  /** Counter: concurrency faults (a lock or serialization conflict that outlived Odoo's retries). */
  retryableFaults: 'odoo_retryable_faults',
  /** Trend (ms): sale.order action_confirm, which reserves stock inside its transaction. */
  orderConfirmLatency: 'order_confirm_latency',
  /** Rate: a stock operation reached state done. */
  stockValidationSuccess: 'stock_validation_success',
  /** Trend (ms): from the carrier's update until a lookup by origin sees it. */
  shipmentUpdateDelay: 'shipment_update_delay',
  /** Counter: invoices posted (k6 reports the count and its rate per second). */
  invoicePostThroughput: 'invoice_post_throughput',
  /** Counter: account.move action_post calls of month-end billing, retries included. */
  postingAttempts: 'oc_posting_attempts',
  /** Counter: action_post calls refused as a posting collision (another entry with the same name). */
  postingCollisions: 'oc_posting_collisions',
  /** Counter: invoices a billing transaction left unposted (its posting retries ran out). */
  invoicesUnposted: 'oc_invoices_unposted',
} as const;
