// The cost profile: Odoo 17.0's medians from the fixture, CPU time burned per call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  burnCpu,
  CostModel,
  DEFAULT_BUSINESS_MS,
  ODOO_17_MEDIANS_MS,
  targetMs,
} from '../../../src/lab/server/cost-profile.js';

const fixture = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '..', '..', 'fixtures', 'odoo-17.0-service-times.json'),
    'utf8',
  ),
) as { calls: Record<string, { median_ms: number }> };

describe('cost profile', () => {
  it("holds exactly the fixture's medians, one per measured call", () => {
    const fromFixture = Object.values(fixture.calls)
      .map((c) => c.median_ms)
      .sort();
    expect(Object.values(ODOO_17_MEDIANS_MS).sort()).toEqual(fromFixture);
    for (const [label, { median_ms }] of Object.entries(fixture.calls)) {
      const key = Object.keys(ODOO_17_MEDIANS_MS).find((k) => label.split(' ')[0] === k);
      expect(key, label).toBeDefined();
      expect(ODOO_17_MEDIANS_MS[key!]).toBe(median_ms);
    }
  });

  it('gives generic reads and writes the cost of the fixture picking read and write', () => {
    expect(targetMs('res.partner', 'search_read')).toBe(14.0);
    expect(targetMs('product.product', 'create')).toBe(16.5);
    expect(targetMs('stock.picking', 'action_assign')).toBe(DEFAULT_BUSINESS_MS);
    expect(targetMs('sale.order', 'action_confirm')).toBe(145.7);
  });

  it('burns the requested CPU time of this process', () => {
    const before = process.cpuUsage();
    burnCpu(30);
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeGreaterThanOrEqual(30);
  });

  it("burns what the lab's own fastest work leaves of the scaled target", () => {
    const cost = new CostModel(2);
    const target = 145.7 * 2;
    const first = cost.before('sale.order', 'action_confirm');
    expect(first).toBeCloseTo(target / 2);
    expect(cost.after('sale.order', 'action_confirm', 40, first)).toBeCloseTo(target - 40 - first);
    cost.recordOverhead('sale.order', 'action_confirm', 5);
    expect(cost.before('sale.order', 'action_confirm')).toBeCloseTo((target - 40 - 5) / 2);
    // A slower (contended) call does not shorten later burns: the fastest own times are kept.
    cost.after('sale.order', 'action_confirm', 400, 0);
    cost.recordOverhead('sale.order', 'action_confirm', 50);
    expect(cost.before('sale.order', 'action_confirm')).toBeCloseTo((target - 40 - 5) / 2);
    expect(cost.after('sale.order', 'action_confirm', 400, 0)).toBeCloseTo(target - 40 - 5);
  });
});
