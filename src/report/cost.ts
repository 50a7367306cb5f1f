// What the recommended platform costs a month (node pools and, when priced, the database);
// compared against last quarter's plan (compare.ts), since plan.json has no cost for today.
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
