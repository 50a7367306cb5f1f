// planStockMix: an operation whose need is missing leaves the stock-moves mix, the rest keeps its
// total weight, one line names the fix; nothing left stops the class.
import { planStockMix, type StockTarget } from '../../scenarios/lib/stock-mix.ts';
import { mixSlot } from '../../scenarios/lib/sampling.ts';

const MIX = { deliveries: 75, receipts: 10, internalTransfers: 10, inventoryAdjustments: 5 };
const SEEDED: StockTarget = {
  readyDeliveries: 200,
  products: 50,
  quants: 50,
  receipts: true,
  internalTransfers: true,
};

describe('planStockMix', () => {
  it('keeps the whole mix, silently, when the target has everything', () => {
    expect(planStockMix(MIX, SEEDED)).toEqual({ mix: MIX, dropped: [] });
  });

  it('drops internal transfers on a fresh Odoo (Internal Transfers archived) and renormalises the rest', () => {
    const plan = planStockMix(MIX, { ...SEEDED, internalTransfers: false });
    expect(plan.dropped.map((d) => d.operation)).toEqual(['internalTransfers']);
    // 90 of weight left to carry the mix's 100: each keeps its proportion.
    expect(plan.mix.deliveries).toBeCloseTo(83.333, 3);
    expect(plan.mix.receipts).toBeCloseTo(11.111, 3);
    expect(plan.mix.inventoryAdjustments).toBeCloseTo(5.556, 3);
    expect(plan.mix.internalTransfers).toBe(0);
    expect(plan.warning).toBe(
      "stock-moves runs without internal transfers (internal transfers: the warehouse's Internal Transfers operation type is archived (Inventory → Settings → Storage Locations is off); run odoo-capacity seed, which switches it on); the rest of the mix: delivery validations 83.3 %, inventory adjustments 5.6 %, receipts 11.1 %",
    );
    expect(plan.nothingRuns).toBeUndefined();
  });

  it('never picks a dropped operation, and splits the rest in its renormalised shares', () => {
    const plan = planStockMix(MIX, { ...SEEDED, internalTransfers: false, quants: 0 });
    const kinds = Array.from({ length: 850 }, (_, i) => mixSlot(plan.mix, i).kind);
    const count = (kind: string) => kinds.filter((k) => k === kind).length;
    expect(count('internalTransfers') + count('inventoryAdjustments')).toBe(0);
    expect(count('deliveries')).toBe(750);
    expect(count('receipts')).toBe(100);
  });

  it.each([
    ['no ready deliveries', { readyDeliveries: 0 }, ['deliveries'], 'seed --ready-orders N'],
    [
      'no quants of the seeded products',
      { quants: 0 },
      ['inventoryAdjustments'],
      'no quants of the seeded products',
    ],
    [
      'no active Receipts type or vendor location',
      { receipts: false },
      ['receipts'],
      'Receipts operation type is archived',
    ],
    [
      'no seeded products: every operation that moves them',
      { products: 0, quants: 0 },
      ['internalTransfers', 'inventoryAdjustments', 'receipts'],
      'no seeded products (OC-P-*); run odoo-capacity seed',
    ],
  ] as const)('%s: drops %j and says why', (_label, lacks, operations, why) => {
    const plan = planStockMix(MIX, { ...SEEDED, ...lacks });
    expect(plan.dropped.map((d) => d.operation)).toEqual(operations);
    expect(plan.warning).toContain(why);
    expect(plan.warning!.split('\n')).toHaveLength(1);
    const kept = Object.values(plan.mix).reduce((sum, w) => sum + w, 0);
    expect(kept).toBeCloseTo(100, 9);
  });

  it('ignores what an operation of weight 0 would need', () => {
    const plan = planStockMix(
      { ...MIX, internalTransfers: 0 },
      { ...SEEDED, internalTransfers: false },
    );
    expect(plan.dropped).toEqual([]);
    expect(plan.warning).toBeUndefined();
  });

  it('says in one line that nothing can run when every operation lacks its data', () => {
    const plan = planStockMix(MIX, {
      readyDeliveries: 0,
      products: 0,
      quants: 0,
      receipts: false,
      internalTransfers: false,
    });
    expect(plan.warning).toBeUndefined();
    expect(plan.nothingRuns).toBe(
      'nothing of the stock mix can run (delivery validations: no ready deliveries (assigned deliveries of orders OC-SEED-READY-*); run odoo-capacity seed --ready-orders N; internal transfers, inventory adjustments and receipts: no seeded products (OC-P-*); run odoo-capacity seed)',
    );
    expect(plan.nothingRuns).toContain('odoo-capacity seed');
    expect(plan.nothingRuns!.split('\n')).toHaveLength(1);
    expect(Object.values(plan.mix)).toEqual([0, 0, 0, 0]);
  });
});
