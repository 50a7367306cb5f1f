// The lab's cost profile: the process CPU each call burns in the worker (its Odoo 17.0 target,
// times --cost-scale, less the lab's own work) so capacity curves have Odoo's shape.
import type { CostKey } from '../contract.js';

/**
 * Odoo 17.0 single-client medians in ms, keyed `model.method`, measured by bench/lab-calibration.ts
 * (test/fixtures/odoo-17.0-calibration.json, kept equal by a test). Per call whatever the
 * records: month-end billing's create_invoices and action_post carry 20 orders each.
 */
export const ODOO_17_MEDIANS_MS: Readonly<Record<CostKey, number>> = {
  'account.move.action_post': 1404.6,
  'account.move.search': 15.0,
  'account.move.search_count': 14.0,
  'sale.advance.payment.inv.create': 18.1,
  'sale.advance.payment.inv.create_invoices': 1259.0,
  'sale.order.action_confirm': 209.7,
  'sale.order.create': 118.7,
  'sale.order.read': 35.0,
  'stock.picking.action_assign': 31.5,
  'stock.picking.action_confirm': 90.9,
  'stock.picking.button_validate': 122.2,
  'stock.picking.create': 59.0,
  'stock.picking.read': 12.3,
  'stock.picking.search_read': 11.8,
  'stock.picking.write': 13.9,
  'stock.quant.action_apply_inventory': 72.2,
  'stock.quant.read': 18.4,
  'stock.quant.write': 19.4,
};

/** Other ORM reads cost what a picking read costs. */
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
/** Other ORM writes cost what a picking write costs. */
const WRITE_METHODS = new Set(['write', 'create', 'unlink', 'copy']);
/** Business methods the scenarios do not call cost what a delivery validation costs. */
export const DEFAULT_READ_MS = ODOO_17_MEDIANS_MS['stock.picking.read']!;
export const DEFAULT_WRITE_MS = ODOO_17_MEDIANS_MS['stock.picking.write']!;
export const DEFAULT_BUSINESS_MS = ODOO_17_MEDIANS_MS['stock.picking.button_validate']!;

export const COST_PROFILE_NAME = 'odoo-17.0 medians measured 2026-12-04';

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

/** Calls per block of the own-time estimate: its median is one candidate for the floor. */
export const OWN_TIME_BLOCK = 25;

/** The own-time estimate never exceeds this multiple of the fastest call. */
export const OWN_TIME_MAX_OVER_FASTEST = 2;

/**
 * One part of the lab's own time for one key: the lowest median of a block of
 * OWN_TIME_BLOCK consecutive calls (before the first block is full, the median of the calls so
 * far), at most OWN_TIME_MAX_OVER_FASTEST times the fastest call. A block median, not the fastest
 * call: one lucky call (a COMMIT whose WAL flush was quick, a scheduler that happened to be idle)
 * would otherwise set the burn for good, and the typical call would then exceed its target by the
 * difference. The lowest block, not the latest: contended blocks run slower and must not shorten
 * later burns. The bound: on a machine busy from the start, every block is slow, and the burn
 * (CPU time, a fixed cost per call as Odoo's Python is) must not shrink with the machine's load.
 */
class OwnTime {
  readonly #block: number[] = [];
  #floor = Infinity;
  #fastest = Infinity;

  record(ms: number): void {
    this.#fastest = Math.min(this.#fastest, ms);
    this.#block.push(ms);
    if (this.#block.length === OWN_TIME_BLOCK) {
      this.#floor = Math.min(this.#floor, median(this.#block));
      this.#block.length = 0;
    }
  }

  /** The estimate in ms; 0 before any call. */
  get ms(): number {
    if (!Number.isFinite(this.#fastest)) return 0;
    const typical = Number.isFinite(this.#floor) ? this.#floor : median(this.#block);
    return Math.min(typical, this.#fastest * OWN_TIME_MAX_OVER_FASTEST);
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Per worker and per key, the lab's own uncontended time in three parts: the method itself, the
 * rest of the request in the worker (decoding, connection, BEGIN, COMMIT, encoding), and the
 * master's part (reading the request, the hand-over to the worker and back, writing the answer),
 * which the master measures and passes on. Odoo's target holds all three (its client measured
 * it), so the burn is target − all three: a constant per key once learnt, so lock waits and CPU
 * contention add on top of the target instead of being absorbed by a shorter burn.
 */
export class CostModel {
  readonly #scale: number;
  readonly #parts = new Map<CostKey, { method: OwnTime; worker: OwnTime; master: OwnTime }>();

  constructor(scale: number) {
    this.#scale = scale;
  }

  get scale(): number {
    return this.#scale;
  }

  #own(key: CostKey) {
    let parts = this.#parts.get(key);
    if (!parts) {
      parts = { method: new OwnTime(), worker: new OwnTime(), master: new OwnTime() };
      this.#parts.set(key, parts);
    }
    return parts;
  }

  #remainder(model: string, method: string): number {
    const own = this.#own(costKey(model, method));
    const ownMs = own.method.ms + own.worker.ms + own.master.ms;
    return Math.max(0, targetMs(model, method) * this.#scale - ownMs);
  }

  /** CPU to burn before the method runs: half the expected remainder (request decoding, env). */
  before(model: string, method: string): number {
    return this.#remainder(model, method) / 2;
  }

  /** CPU to burn after the method ran in `methodMs` (flush, computes, marshalling), locks held. */
  after(model: string, method: string, methodMs: number, burnedBefore: number): number {
    this.#own(costKey(model, method)).method.record(methodMs);
    return Math.max(0, this.#remainder(model, method) - burnedBefore);
  }

  /** After a call without retries: what the request took in the worker besides method and burns. */
  recordOverhead(model: string, method: string, overheadMs: number): void {
    this.#own(costKey(model, method)).worker.record(overheadMs);
  }

  /** The master's part of an earlier call of `key`, as the master measured it. */
  recordMasterTime(key: CostKey, ms: number): void {
    this.#own(key).master.record(ms);
  }
}
