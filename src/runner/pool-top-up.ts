// Before a step that consumes seeded records (stock-moves, month-end-billing, peak-mix), top the
// pools up through the seed module (docs/contracts.md, "Seed data"), sized by poolNeeds().
import type { OdooClient } from '../odoo/client.js';
import { DEFAULT_SEED_PLAN, type SeedPlan } from '../odoo/seed.js';
import { poolNeeds } from './pool-sizing.js';
import type { PrepareStep } from './run-ladder.js';

/** Master data the scenarios draw on besides the pools: `seed`'s own defaults. */
const MASTER_DATA: Omit<SeedPlan, 'readyOrders' | 'deliveredOrders'> = {
  products: DEFAULT_SEED_PLAN.products,
  customers: DEFAULT_SEED_PLAN.customers,
  stock: DEFAULT_SEED_PLAN.stock,
};

export function poolTopUp(client: OdooClient): PrepareStep {
  return async (step, _index, run) => {
    const needs = poolNeeds(run.ladder, step, run.scenario?.workload);
    if (needs.readyOrders === 0 && needs.deliveredOrders === 0) return;
    const { seed } = await import('../odoo/seed.js');
    const summary = await seed(client, { ...MASTER_DATA, ...needs });
    const created = summary.readyOrders.created + summary.deliveredOrders.created;
    return `${step.label}: pools topped up to ${needs.readyOrders} ready and ${needs.deliveredOrders} delivered orders (${created} created)`;
  };
}
