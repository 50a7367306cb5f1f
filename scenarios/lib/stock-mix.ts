// What of the stock-moves mix a target can run: an operation whose need is missing is dropped
// and the rest renormalised, with one line saying how to fix it.
import type { StockMix } from './workload.ts';

export type StockOperation = keyof StockMix;

/** What setup found on the target. */
export interface StockTarget {
  /** Assigned deliveries of the seeded ready orders. */
  readyDeliveries: number;
  /** Seeded products (OC-P-*). */
  products: number;
  /** Quants of the seeded products in the warehouse's stock location. */
  quants: number;
  /** The warehouse's Receipts operation type is active, and a vendor location exists. */
  receipts: boolean;
  /** The warehouse's Internal Transfers operation type is active. */
  internalTransfers: boolean;
}

export interface DroppedOperation {
  operation: StockOperation;
  /** What the target lacks, and what fixes it. */
  missing: string;
}

export interface StockMixPlan {
  /** The mix to run: dropped operations weigh 0, the others keep their total weight. */
  mix: StockMix;
  dropped: DroppedOperation[];
  /** One line for a mix that runs with some operations dropped. */
  warning?: string;
  /** One line when nothing of the mix can run. */
  nothingRuns?: string;
}

const LABEL: Record<StockOperation, string> = {
  deliveries: 'delivery validations',
  receipts: 'receipts',
  internalTransfers: 'internal transfers',
  inventoryAdjustments: 'inventory adjustments',
};

const NO_PRODUCTS = 'no seeded products (OC-P-*); run odoo-capacity seed';

/** Why the target cannot run an operation, or undefined when it can. */
function missingFor(operation: StockOperation, target: StockTarget): string | undefined {
  switch (operation) {
    case 'deliveries':
      return target.readyDeliveries > 0
        ? undefined
        : 'no ready deliveries (assigned deliveries of orders OC-SEED-READY-*); run odoo-capacity seed --ready-orders N';
    case 'receipts':
      if (target.products === 0) return NO_PRODUCTS;
      return target.receipts
        ? undefined
        : "the warehouse's Receipts operation type is archived or there is no vendor location; restore them in Inventory → Configuration";
    case 'internalTransfers':
      if (target.products === 0) return NO_PRODUCTS;
      return target.internalTransfers
        ? undefined
        : "the warehouse's Internal Transfers operation type is archived (Inventory → Settings → Storage Locations is off); run odoo-capacity seed, which switches it on";
    case 'inventoryAdjustments':
      if (target.products === 0) return NO_PRODUCTS;
      return target.quants > 0
        ? undefined
        : 'no quants of the seeded products in the stock location; run odoo-capacity seed';
  }
}

/** "a", "a and b", "a, b and c". */
function listed(items: string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}

/** The part of the mix the target can run, renormalised, and what to say about the rest. */
export function planStockMix(mix: StockMix, target: StockTarget): StockMixPlan {
  const operations = (Object.keys(mix) as StockOperation[]).filter((op) => mix[op] > 0).sort();
  const dropped: DroppedOperation[] = [];
  for (const operation of operations) {
    const missing = missingFor(operation, target);
    if (missing !== undefined) dropped.push({ operation, missing });
  }
  const kept = operations.filter((op) => !dropped.some((d) => d.operation === op));
  const total = operations.reduce((sum, op) => sum + mix[op], 0);
  const keptTotal = kept.reduce((sum, op) => sum + mix[op], 0);
  const result: StockMix = {
    deliveries: 0,
    receipts: 0,
    internalTransfers: 0,
    inventoryAdjustments: 0,
  };
  for (const op of kept) result[op] = (mix[op] * total) / keptTotal;
  // Operations missing the same thing are named together: "receipts and internal transfers: …".
  const byReason = new Map<string, string[]>();
  for (const d of dropped)
    byReason.set(d.missing, [...(byReason.get(d.missing) ?? []), LABEL[d.operation]]);
  const reasons = [...byReason]
    .map(([missing, labels]) => `${listed(labels)}: ${missing}`)
    .join('; ');
  if (kept.length === 0)
    return { mix: result, dropped, nothingRuns: `nothing of the stock mix can run (${reasons})` };
  if (dropped.length === 0) return { mix: result, dropped };
  const running = kept.map((op) => `${LABEL[op]} ${percent(result[op] / total)}`).join(', ');
  const without = listed(dropped.map((d) => LABEL[d.operation]));
  return {
    mix: result,
    dropped,
    warning: `stock-moves runs without ${without} (${reasons}); the rest of the mix: ${running}`,
  };
}
