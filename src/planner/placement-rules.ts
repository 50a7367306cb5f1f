// Tenant placement's rules as a table: each named rule says when it fires, the value and the
// threshold it compares, the isolation it asks for and why (docs/capacity-model.md, section 11).
import type { Tenancy } from '../core/models/tenancy.js';
import type { Tenant } from '../core/models/tenants.js';
import type { FiredThreshold, TenantMetrics } from '../core/plan-types.js';

/** What the rules look at for one tenant. */
export interface PlacementFacts {
  metrics: TenantMetrics;
  tenant: Tenant;
  sharedRegions: readonly string[];
  tenancy: Tenancy;
  score: number;
}

/** A rule that fired, with the reason the decision gives. */
export interface Firing extends FiredThreshold {
  reason: string;
}

export interface PlacementRule {
  /** The tenancy.yaml (or tenants.yaml) key the rule reads. */
  name: string;
  /** What fired, in order: usually nothing or one firing. */
  fires(facts: PlacementFacts): Firing[];
}

const pct = (v: number) => `${Math.round(v * 1000) / 10} %`;

/** A firing but its name (Pick, not Omit: Omit of a loose plan type keeps only its index signature). */
type FiringDetail = Pick<Firing, 'value' | 'threshold' | 'effect' | 'reason'>;

/** One firing named `name` when `cond` holds, else none. */
function when(cond: boolean, name: string, fired: () => FiringDetail): Firing[] {
  if (!cond) return [];
  const { value, threshold, effect, reason } = fired();
  return [{ name, value, threshold, effect, reason }];
}

/** A rule that fires at most once, under its own name. */
function rule(
  name: string,
  test: (facts: PlacementFacts) => boolean,
  fired: (facts: PlacementFacts) => FiringDetail,
): PlacementRule {
  return { name, fires: (facts) => when(test(facts), name, () => fired(facts)) };
}

/** The share above which a tenant is reviewed: 1/(tenants per stamp × safety). */
const reviewShare = (tenancy: Tenancy) =>
  1 / (tenancy.thresholds.tenantsPerStamp * tenancy.thresholds.reviewSafety);
const largestShare = (m: TenantMetrics) => Math.max(m.dbTimeShare, m.workerTimeShare);

/** The rules in the order their reasons are given. */
export const PLACEMENT_RULES: readonly PlacementRule[] = [
  rule(
    'thresholds.dbTimeShare',
    ({ metrics, tenancy }) => metrics.dbTimeShare >= tenancy.thresholds.dbTimeShare,
    ({ metrics, tenancy: { thresholds: t } }) => ({
      value: metrics.dbTimeShare,
      threshold: t.dbTimeShare,
      effect: 'dedicated-database',
      reason: `uses ${pct(metrics.dbTimeShare)} of the pool's database time (threshold ${pct(t.dbTimeShare)})`,
    }),
  ),
  rule(
    'thresholds.workerTimeShare',
    ({ metrics, tenancy }) => metrics.workerTimeShare >= tenancy.thresholds.workerTimeShare,
    ({ metrics, tenancy: { thresholds: t } }) => ({
      value: metrics.workerTimeShare,
      threshold: t.workerTimeShare,
      effect: 'dedicated-stack',
      reason: `uses ${pct(metrics.workerTimeShare)} of the pool's Odoo worker time (threshold ${pct(t.workerTimeShare)})`,
    }),
  ),
  rule(
    'thresholds.neighbourP95Degradation',
    ({ metrics: m, tenancy }) =>
      m.neighbourP95Degradation !== null &&
      m.neighbourP95Degradation >= tenancy.thresholds.neighbourP95Degradation,
    ({ metrics: m, tenancy: { thresholds: t } }) => {
      const effect = m.dbTimeShare >= m.workerTimeShare ? 'dedicated-database' : 'dedicated-stack';
      return {
        value: m.neighbourP95Degradation!,
        threshold: t.neighbourP95Degradation,
        effect,
        reason: `its peak raises the neighbours' p95 by ${pct(m.neighbourP95Degradation!)} (threshold ${pct(t.neighbourP95Degradation)}); the ${effect === 'dedicated-database' ? 'database carries' : 'workers carry'} most of its load`,
      };
    },
  ),
  rule(
    'thresholds.growthPercentPerMonth',
    ({ tenant, tenancy }) =>
      tenant.growthPercentPerMonth >= tenancy.thresholds.growthPercentPerMonth,
    ({ tenant, tenancy: { thresholds: t } }) => ({
      value: tenant.growthPercentPerMonth,
      threshold: t.growthPercentPerMonth,
      effect: 'review',
      reason: `grows ${tenant.growthPercentPerMonth} %/month (threshold ${t.growthPercentPerMonth} %): review before the next quarter`,
    }),
  ),
  rule(
    'thresholds.customModules',
    ({ tenant, tenancy }) => tenant.customModules >= tenancy.thresholds.customModules,
    ({ tenant, tenancy: { thresholds: t } }) => ({
      value: tenant.customModules,
      threshold: t.customModules,
      effect: 'dedicated-stack',
      reason: `${tenant.customModules} custom modules (threshold ${t.customModules}): its own code and upgrade cadence`,
    }),
  ),
  rule(
    'thresholds.tenantsPerStamp',
    ({ metrics, tenancy }) => largestShare(metrics) > reviewShare(tenancy),
    ({ metrics, tenancy }) => ({
      value: largestShare(metrics),
      threshold: reviewShare(tenancy),
      effect: 'review',
      reason: `its share ${pct(largestShare(metrics))} exceeds 1/(tenants per stamp × safety) = ${pct(reviewShare(tenancy))}`,
    }),
  ),
  {
    // The higher level wins: a score past both levels fires the dedicated-stack rule only.
    name: 'thresholds.score',
    fires: ({ score, tenancy: { thresholds: t } }) => {
      const level =
        score >= t.score.dedicatedStack
          ? ({ key: 'dedicatedStack', effect: 'dedicated-stack' } as const)
          : score >= t.score.dedicatedDatabase
            ? ({ key: 'dedicatedDatabase', effect: 'dedicated-database' } as const)
            : null;
      return when(level !== null, `thresholds.score.${level?.key}`, () => ({
        value: score,
        threshold: t.score[level!.key],
        effect: level!.effect,
        reason: `score ${score.toFixed(2)} reaches the ${level!.effect} level ${t.score[level!.key]}`,
      }));
    },
  },
  rule(
    'overrides.dedicatedStackTiers',
    ({ tenant, tenancy }) => tenancy.overrides.dedicatedStackTiers.includes(tenant.slaTier),
    ({ tenant, tenancy: { overrides: o } }) => ({
      value: tenant.slaTier,
      threshold: o.dedicatedStackTiers.join(','),
      effect: 'dedicated-stack',
      reason: `SLA tier ${tenant.slaTier} is served on a dedicated stack`,
    }),
  ),
  {
    // One firing per compliance regime, in the tenant's order; a stack rule outranks a database one.
    name: 'overrides.compliance',
    fires: ({ tenant, tenancy: { overrides: o } }) =>
      tenant.compliance.flatMap((c) =>
        o.dedicatedStackCompliance.includes(c)
          ? when(true, 'overrides.dedicatedStackCompliance', () => ({
              value: c,
              threshold: o.dedicatedStackCompliance.join(','),
              effect: 'dedicated-stack',
              reason: `${c} compliance requires a dedicated stack`,
            }))
          : when(
              o.dedicatedDatabaseCompliance.includes(c),
              'overrides.dedicatedDatabaseCompliance',
              () => ({
                value: c,
                threshold: o.dedicatedDatabaseCompliance.join(','),
                effect: 'dedicated-database',
                reason: `${c} compliance requires its data in a dedicated database`,
              }),
            ),
      ),
  },
  rule(
    'overrides.residencyOutsideSharedRegions',
    ({ tenant, sharedRegions }) =>
      Boolean(tenant.residency) && !sharedRegions.includes(tenant.residency!),
    ({ tenant, sharedRegions, tenancy }) => ({
      value: tenant.residency!,
      threshold: sharedRegions.join(','),
      effect: tenancy.overrides.residencyOutsideSharedRegions,
      reason: `its data must stay in ${tenant.residency}, where the shared pool does not run`,
    }),
  ),
  rule(
    'tenants.dedicatedByContract',
    ({ tenant }) => Boolean(tenant.dedicatedByContract),
    () => ({
      value: 'true',
      threshold: 'true',
      effect: 'dedicated-stack',
      reason: 'the contract asks for dedicated infrastructure',
    }),
  ),
];

/** Every firing of the rules for one tenant, in the table's order. */
export function firePlacementRules(facts: PlacementFacts): Firing[] {
  return PLACEMENT_RULES.flatMap((r) => r.fires(facts));
}
