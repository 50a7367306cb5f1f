// The four logistics transaction classes, and the mix that runs them together.

export const TRANSACTION_CLASSES = [
  'order-wave',
  'stock-moves',
  'carrier-burst',
  'month-end-billing',
] as const;
export type TransactionClass = (typeof TRANSACTION_CLASSES)[number];

/** What a run or a scenario file drives: one class, or all four at once. */
export type LoadProfile = TransactionClass | 'peak-mix';
export const LOAD_PROFILES: readonly LoadProfile[] = [...TRANSACTION_CLASSES, 'peak-mix'];

export function isTransactionClass(value: string): value is TransactionClass {
  return (TRANSACTION_CLASSES as readonly string[]).includes(value);
}
