// What a plan costs a month: its node pools and its database, today and as recommended.
import type { PlanJson } from './plan-types.provisional.js';
import { money } from './round.js';

export function monthlyCost(plan: PlanJson): { current: number; recommended: number } {
  const parts = [...plan.nodePools.map((p) => p.monthlyCost), plan.database.monthlyCost];
  return {
    current: money(parts.reduce((s, c) => s + c.current, 0)),
    recommended: money(parts.reduce((s, c) => s + c.recommended, 0)),
  };
}
