// The cost profile: the Odoo 17.0 medians bench/lab-calibration.ts measured on the development
// machine (its fixture), CPU time burned per call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  burnCpu,
  COST_PROFILE_NAME,
  CostModel,
  DEFAULT_BUSINESS_MS,
  ODOO_17_MEDIANS_MS,
  OWN_TIME_BLOCK,
  OWN_TIME_MAX_OVER_FASTEST,
  targetMs,
} from '../../../src/lab/server/cost-profile.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures');
const source = JSON.parse(readFileSync(join(fixtures, 'odoo-17.0-calibration.json'), 'utf8')) as {
  what: string;
  measured: string;
  calls: Record<string, { median_ms: number }>;
};
const median = (key: string) => source.calls[key]!.median_ms;

describe('cost profile', () => {
  it("holds exactly its source's medians, one per call the scenarios make", () => {
    expect(Object.keys(ODOO_17_MEDIANS_MS).sort()).toEqual(Object.keys(source.calls).sort());
    for (const [key, { median_ms }] of Object.entries(source.calls)) {
      expect(ODOO_17_MEDIANS_MS[key], key).toBe(median_ms);
    }
  });

  it('names its source: the bench that measured it, and when', () => {
    expect(source.what).toContain('bench/lab-calibration.ts');
    expect(source.what).toContain('Odoo 17.0');
    expect(source.measured).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(COST_PROFILE_NAME).toContain(source.measured);
  });

  it('gives other reads, writes and business methods the cost of a picking read, write, validation', () => {
    expect(targetMs('res.partner', 'search_read')).toBe(median('stock.picking.read'));
    expect(targetMs('product.product', 'create')).toBe(median('stock.picking.write'));
    expect(targetMs('stock.picking', 'action_cancel')).toBe(DEFAULT_BUSINESS_MS);
    expect(DEFAULT_BUSINESS_MS).toBe(median('stock.picking.button_validate'));
    expect(targetMs('sale.order', 'action_confirm')).toBe(median('sale.order.action_confirm'));
  });

  it('burns the requested CPU time of this process', () => {
    const before = process.cpuUsage();
    burnCpu(30);
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeGreaterThanOrEqual(30);
  });

  it("burns what the lab's own work (method, rest of the worker, master) leaves of the target", () => {
    const cost = new CostModel(2);
    const target = median('sale.order.action_confirm') * 2;
    const first = cost.before('sale.order', 'action_confirm');
    expect(first).toBeCloseTo(target / 2);
    expect(cost.after('sale.order', 'action_confirm', 40, first)).toBeCloseTo(target - 40 - first);
    cost.recordOverhead('sale.order', 'action_confirm', 5);
    expect(cost.before('sale.order', 'action_confirm')).toBeCloseTo((target - 40 - 5) / 2);
    cost.recordMasterTime('sale.order.action_confirm', 1);
    expect(cost.before('sale.order', 'action_confirm')).toBeCloseTo((target - 40 - 5 - 1) / 2);
    // Another call's times are its own.
    expect(cost.before('sale.order', 'create')).toBeCloseTo(median('sale.order.create'));
  });

  it('takes the lowest median of a block of calls: neither one lucky call nor a contended block', () => {
    const cost = new CostModel(1);
    const target = median('stock.picking.read');
    const own = () => target - 2 * cost.before('stock.picking', 'read');
    // Before a block is full, the median of the calls so far: one fast call does not set it.
    cost.recordOverhead('stock.picking', 'read', 1.2);
    cost.recordOverhead('stock.picking', 'read', 2);
    cost.recordOverhead('stock.picking', 'read', 2.2);
    expect(own()).toBeCloseTo(2);
    for (let i = 3; i < OWN_TIME_BLOCK; i++) cost.recordOverhead('stock.picking', 'read', 2.2);
    expect(own()).toBeCloseTo(2.2);
    // A contended block (every call slower) does not shorten later burns; a faster one lowers them.
    for (let i = 0; i < OWN_TIME_BLOCK; i++) cost.recordOverhead('stock.picking', 'read', 9);
    expect(own()).toBeCloseTo(2.2);
    for (let i = 0; i < OWN_TIME_BLOCK; i++)
      cost.recordOverhead('stock.picking', 'read', i % 2 ? 1.5 : 1.7);
    expect(own()).toBeCloseTo(1.7);
  });

  it('never takes more than twice the fastest call: a machine busy from the start', () => {
    const cost = new CostModel(1);
    const target = median('stock.picking.write');
    const own = () => target - 2 * cost.before('stock.picking', 'write');
    cost.recordOverhead('stock.picking', 'write', 1);
    for (let i = 1; i < OWN_TIME_BLOCK; i++) cost.recordOverhead('stock.picking', 'write', 6);
    expect(OWN_TIME_MAX_OVER_FASTEST).toBe(2);
    expect(own()).toBeCloseTo(2);
  });
});
