// What the recommended platform costs a month: its node pools and, when the catalog prices it,
// the database instance. plan.json has no cost for today's sizing, so the report compares
// against last quarter's plan instead (compare.ts).
import type { PlanJson } from '../core/plan-types.js';
import { money } from './round.js';

export interface MonthlyCost {
  currency: string;
  parts: { item: string; detail: string; monthly: number | null }[];
  /** Σ of the priced parts. */
  total: number;
  /** Parts the catalog does not price. */
  unpriced: string[];
}

export function monthlyCost(plan: PlanJson): MonthlyCost {
  const parts: MonthlyCost['parts'] = plan.nodePools.map((p) => ({
    item: `node pool ${p.pool}`,
    detail: `${p.nodes} × ${p.nodeType}`,
    monthly: money(p.monthlyCost),
  }));
  const db = plan.database.instance;
  parts.push({
    item: 'database',
    detail: db ? `${db.name} (${db.vcpu} vCPU, ${db.memoryGiB} GiB)` : 'no instance catalog',
    monthly: db ? money(db.monthlyCost) : null,
  });
  return {
    currency: plan.nodePools[0]?.currency ?? '',
    parts,
    total: parts.reduce((s, p) => s + (p.monthly ?? 0), 0),
    unpriced: parts.filter((p) => p.monthly === null).map((p) => p.item),
  };
}
