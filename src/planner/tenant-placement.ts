// Tenant placement (stay shared, dedicated database or dedicated stack) by weighted score,
// thresholds and hard overrides (docs/capacity-model.md, section 11) [proposal].
import type { Tenancy } from '../core/models/tenancy.js';
import type { Tenant, Tenants } from '../core/models/tenants.js';
import type {
  FiredThreshold,
  PlacementDecision,
  StepRef,
  TenantDecision,
  TenantMetrics,
} from '../core/plan-types.js';
import { stepRef } from './measurements.js';
import type { RunOnDisk } from '../core/run-types.js';
import { firePlacementRules } from './placement-rules.js';

/** Databases that belong to PostgreSQL, not to a tenant. */
const SYSTEM_DATABASES = new Set(['postgres', 'template0', 'template1']);

export interface DatabaseShare {
  database: string;
  dbTimeShare: number;
  /** Proxy for the share of Odoo worker time: the share of committed and rolled-back transactions. */
  workerTimeShare: number;
  steps: StepRef[];
}

/** Each tenant database's share of DB time and of transactions over the valid steps of the runs. */
export function databaseShares(runs: readonly RunOnDisk[]): DatabaseShare[] {
  const time = new Map<string, number>();
  const xacts = new Map<string, number>();
  const steps = new Map<string, StepRef[]>();
  for (const run of runs)
    for (const s of run.steps.filter((x) => x.step.valid))
      for (const d of s.step.database.databases) {
        if (SYSTEM_DATABASES.has(d.datname)) continue;
        const busy = s.step.database.cluster.statStatements
          ? d.statementTimeMs
          : (d.activeTimeMs ?? 0);
        time.set(d.datname, (time.get(d.datname) ?? 0) + busy);
        xacts.set(d.datname, (xacts.get(d.datname) ?? 0) + d.xactCommit + d.xactRollback);
        steps.set(d.datname, [...(steps.get(d.datname) ?? []), stepRef(run, s)]);
      }
  const totalTime = [...time.values()].reduce((a, b) => a + b, 0);
  const totalXacts = [...xacts.values()].reduce((a, b) => a + b, 0);
  return [...time.keys()].sort().map((database) => ({
    database,
    dbTimeShare: totalTime > 0 ? time.get(database)! / totalTime : 0,
    workerTimeShare: totalXacts > 0 ? xacts.get(database)! / totalXacts : 0,
    steps: steps.get(database)!,
  }));
}

/** How much a neighbour's p95 rose while this tenant peaked: 0.3 means +30 %. */
export function neighbourDegradation(aloneP95Ms: number, contendedP95Ms: number): number {
  return contendedP95Ms / aloneP95Ms - 1;
}

/**
 * The noisy-neighbour experiment: the neighbour's steady load measured alone, then again while
 * the tenant runs its peak. Compares the transaction p95 of each class both runs measured (the
 * last valid step alone; the last step during the peak even when the overload made it invalid,
 * since that overload is what is measured, and then the figure is a lower bound) and returns
 * the worst rise; null when they share no measured class.
 */
export function degradationFromRuns(alone: RunOnDisk, contended: RunOnDisk): number | null {
  const a = [...alone.steps].reverse().find((s) => s.step.valid)?.step;
  const b = contended.steps.at(-1)?.step;
  if (!a || !b) return null;
  const rises = Object.entries(a.classes).flatMap(([c, stats]) => {
    const other = b.classes[c as keyof typeof b.classes];
    return stats && other && stats.transactions > 0 && other.transactions > 0
      ? [neighbourDegradation(stats.latency.transaction.p95, other.latency.transaction.p95)]
      : [];
  });
  return rises.length ? Math.max(...rises) : null;
}

const ISOLATION: Record<PlacementDecision, number> = {
  'stay-shared': 0,
  'dedicated-database': 1,
  'dedicated-stack': 2,
};

/** The weighted score: each metric against its threshold, counting up to twice the threshold. */
function placementScore(
  metrics: TenantMetrics,
  tenant: Tenant,
  tenancy: Tenancy,
): { score: number; contributions: TenantDecision['contributions'] } {
  const t = tenancy.thresholds;
  const w = tenancy.weights;
  const degradation = metrics.neighbourP95Degradation;
  const ratio = {
    dbTimeShare: metrics.dbTimeShare / t.dbTimeShare,
    workerTimeShare: metrics.workerTimeShare / t.workerTimeShare,
    growthPerMonth: tenant.growthPercentPerMonth / t.growthPercentPerMonth,
    neighbourP95Degradation:
      degradation === null ? 0 : Math.max(0, degradation) / t.neighbourP95Degradation,
  };
  const weightSum =
    w.dbTimeShare + w.workerTimeShare + w.growthPerMonth + w.neighbourP95Degradation;
  // Each metric counts up to twice its threshold, so one extreme value cannot carry the score alone.
  const contributions = {
    dbTimeShare: (w.dbTimeShare * Math.min(2, ratio.dbTimeShare)) / weightSum,
    workerTimeShare: (w.workerTimeShare * Math.min(2, ratio.workerTimeShare)) / weightSum,
    growthPerMonth: (w.growthPerMonth * Math.min(2, Math.max(0, ratio.growthPerMonth))) / weightSum,
    neighbourP95Degradation:
      (w.neighbourP95Degradation * Math.min(2, ratio.neighbourP95Degradation)) / weightSum,
  };
  const score = Object.values(contributions).reduce((a, b) => a + b, 0);
  return { score, contributions };
}

export function decidePlacement(
  share: DatabaseShare,
  tenant: Tenant,
  sharedRegions: readonly string[],
  tenancy: Tenancy,
  degradation: number | null,
): TenantDecision {
  const t = tenancy.thresholds;
  const metrics: TenantMetrics = {
    dbTimeShare: share.dbTimeShare,
    workerTimeShare: share.workerTimeShare,
    growthPerMonth: tenant.growthPercentPerMonth / 100,
    neighbourP95Degradation: degradation,
  };
  const { score, contributions } = placementScore(metrics, tenant, tenancy);

  const fired: FiredThreshold[] = [];
  const reasons: string[] = [];
  for (const f of firePlacementRules({ metrics, tenant, sharedRegions, tenancy, score })) {
    fired.push({ name: f.name, value: f.value, threshold: f.threshold, effect: f.effect });
    reasons.push(f.reason);
  }

  const decision = fired.reduce<PlacementDecision>(
    (d, f) => (f.effect !== 'review' && ISOLATION[f.effect] > ISOLATION[d] ? f.effect : d),
    'stay-shared',
  );
  if (decision === 'stay-shared')
    reasons.unshift(
      `score ${score.toFixed(2)} is below ${t.score.dedicatedDatabase} and no isolating threshold fired`,
    );
  const assumptions = [
    'worker-time share is approximated by the share of database transactions (Odoo requests per database are not measured)',
    'weights and thresholds from models/tenancy.yaml are starting points to calibrate, not published values',
  ];
  if (degradation === null)
    assumptions.push('no noisy-neighbour measurement: neighbour degradation counts as 0');
  return {
    tenant: tenant.name,
    database: tenant.database,
    decision,
    score,
    contributions,
    metrics,
    reasons,
    fired,
    evidence: {
      steps: share.steps,
      fits: [],
      inputs: { dbTimeShare: metrics.dbTimeShare, workerTimeShare: metrics.workerTimeShare, score },
      formulas: [],
    },
    assumptions,
    confidence:
      share.steps.length >= 3 && degradation !== null
        ? {
            grade: 'medium',
            reasons: ['measured shares and degradation; thresholds are uncalibrated assumptions'],
          }
        : {
            grade: 'low',
            reasons: [
              degradation === null ? 'no noisy-neighbour measurement' : 'fewer than 3 valid steps',
              'thresholds are uncalibrated assumptions',
            ],
          },
  };
}

export function placeTenants(
  shares: readonly DatabaseShare[],
  tenants: Tenants,
  tenancy: Tenancy,
  degradation: ReadonlyMap<string, number>,
): { decisions: TenantDecision[]; unknownDatabases: string[]; warnings: string[] } {
  const decisions: TenantDecision[] = [];
  const unknownDatabases: string[] = [];
  const warnings: string[] = [];
  for (const share of shares) {
    const tenant = tenants.tenants.find((t) => t.database === share.database);
    if (!tenant) {
      unknownDatabases.push(share.database);
      continue;
    }
    decisions.push(
      decidePlacement(
        share,
        tenant,
        tenants.sharedPool.regions,
        tenancy,
        degradation.get(share.database) ?? null,
      ),
    );
  }
  for (const t of tenants.tenants)
    if (!shares.some((s) => s.database === t.database))
      warnings.push(`tenant ${t.name}: database ${t.database} was not seen in the runs`);
  if (unknownDatabases.length)
    warnings.push(`databases not in models/tenants.yaml: ${unknownDatabases.join(', ')}`);
  return { decisions, unknownDatabases, warnings };
}
