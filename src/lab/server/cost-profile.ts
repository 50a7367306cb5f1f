// The lab's cost profile: how much CPU each call burns in the worker so that the lab's capacity
// curves have Odoo's shape. Targets are the single-client medians of real Odoo 17.0
// (test/fixtures/odoo-17.0-service-times.json; a test keeps these numbers equal to the file),
// times --cost-scale. A call burns, in process CPU time, the part of its target that the lab's
// own work (its SQL on PostgreSQL plus its JS) does not already take. CPU time, not wall time:
// when workers compete for cores the burn stretches, as Python's work does on a busy Odoo.
import type { CostKey } from '../contract.js';

/** Odoo 17.0 single-client medians in ms, keyed `model.method`. */
export const ODOO_17_MEDIANS_MS: Readonly<Record<CostKey, number>> = {
  'sale.order.create': 73.9,
  'sale.order.action_confirm': 145.7,
  'stock.picking.button_validate': 90.7,
  'stock.picking.write': 16.5,
  'stock.picking.read': 14.0,
  'sale.advance.payment.inv.create': 20.0,
  'sale.advance.payment.inv.create_invoices': 165.3,
  'account.move.action_post': 124.0,
};

/** Generic ORM reads cost what the fixture's picking read costs. */
const READ_METHODS = new Set([
  'read',
  'search_read',
  'search',
  'search_count',
  'fields_get',
  'name_search',
  'default_get',
  'read_group',
]);
/** Generic ORM writes cost what the fixture's picking write costs. */
const WRITE_METHODS = new Set(['write', 'create', 'unlink', 'copy']);
/** Business methods the fixture did not measure cost what a delivery validation costs. */
export const DEFAULT_READ_MS = ODOO_17_MEDIANS_MS['stock.picking.read']!;
export const DEFAULT_WRITE_MS = ODOO_17_MEDIANS_MS['stock.picking.write']!;
export const DEFAULT_BUSINESS_MS = ODOO_17_MEDIANS_MS['stock.picking.button_validate']!;

export const COST_PROFILE_NAME = 'odoo-17.0-service-times medians';

export function costKey(model: string, method: string): CostKey {
  return `${model}.${method}`;
}

/** Target service time of one call, in ms, before the scale factor. */
export function targetMs(model: string, method: string): number {
  const named = ODOO_17_MEDIANS_MS[costKey(model, method)];
  if (named !== undefined) return named;
  if (READ_METHODS.has(method)) return DEFAULT_READ_MS;
  if (WRITE_METHODS.has(method)) return DEFAULT_WRITE_MS;
  return DEFAULT_BUSINESS_MS;
}

let sink = 0;

/** Burns `ms` of this process's CPU time (user + system), whatever the wall clock says. */
export function burnCpu(ms: number): void {
  if (!(ms > 0)) return;
  const start = process.cpuUsage();
  const targetMicros = ms * 1000;
  let x = sink;
  for (;;) {
    for (let i = 0; i < 5000; i++) x = (x * 1103515245 + 12345) % 2147483648;
    const used = process.cpuUsage(start);
    if (used.user + used.system >= targetMicros) break;
  }
  sink = x;
}

/**
 * Per worker and per key, the lab's own uncontended time: the fastest the method itself ran, and
 * the fastest the rest of the request took in the worker (decoding, connection, BEGIN, COMMIT).
 * The burn is target − both, a constant per key, so lock waits and CPU contention add on top of
 * the target instead of being absorbed by a shorter burn.
 */
export class CostModel {
  readonly #scale: number;
  readonly #methodMs = new Map<CostKey, number>();
  readonly #overheadMs = new Map<CostKey, number>();

  constructor(scale: number) {
    this.#scale = scale;
  }

  get scale(): number {
    return this.#scale;
  }

  #remainder(key: CostKey, model: string, method: string, methodMs: number): number {
    const overhead = this.#overheadMs.get(key) ?? 0;
    return Math.max(0, targetMs(model, method) * this.#scale - methodMs - overhead);
  }

  /** CPU to burn before the method runs: half the expected remainder (request decoding, env). */
  before(model: string, method: string): number {
    const key = costKey(model, method);
    return this.#remainder(key, model, method, this.#methodMs.get(key) ?? 0) / 2;
  }

  /** CPU to burn after the method ran in `methodMs` (flush, computes, marshalling), locks held. */
  after(model: string, method: string, methodMs: number, burnedBefore: number): number {
    const key = costKey(model, method);
    const fastest = Math.min(this.#methodMs.get(key) ?? Infinity, methodMs);
    this.#methodMs.set(key, fastest);
    return Math.max(0, this.#remainder(key, model, method, fastest) - burnedBefore);
  }

  /** After a call without retries: what the request took in the worker besides method and burns. */
  recordOverhead(model: string, method: string, overheadMs: number): void {
    const key = costKey(model, method);
    this.#overheadMs.set(key, Math.min(this.#overheadMs.get(key) ?? Infinity, overheadMs));
  }
}
