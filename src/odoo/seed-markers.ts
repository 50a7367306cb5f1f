// The markers seed data carries (docs/contracts.md, "Seed data"): scenarios find their pools by
// them and `seed --cleanup` removes exactly the records that carry them.
const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const SEED_MARKERS = {
  product: (n: number) => `OC-P-${pad(n, 4)}`,
  customer: (n: number) => `OC-C-${pad(n, 4)}`,
  readyOrder: (n: number) => `OC-SEED-READY-${pad(n, 5)}`,
  deliveredOrder: (n: number) => `OC-SEED-DELIVERED-${pad(n, 5)}`,
  /** `=like` patterns (Odoo's domain operator) matching each family. */
  productLike: 'OC-P-%',
  customerLike: 'OC-C-%',
  readyLike: 'OC-SEED-READY-%',
  deliveredLike: 'OC-SEED-DELIVERED-%',
  seedOrderLike: 'OC-SEED-%',
  loadOrderLike: 'OC-LOAD-%',
} as const;

/**
 * The system parameter (ir.config_parameter) by which seed remembers that it switched Inventory's
 * Storage Locations on, so that `seed --cleanup` switches it off again, and only then.
 */
export const SEED_SETTINGS_PARAM = 'odoo_capacity.seed.storage_locations';

/** The number at the end of a marker ("OC-SEED-READY-00042" → 42), or 0. */
export function markerNumber(marker: unknown): number {
  if (typeof marker !== 'string') return 0;
  const match = /-(\d+)$/.exec(marker);
  return match ? Number(match[1]) : 0;
}
