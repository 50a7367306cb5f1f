// Tables drawn from the plan alone: the USL fits, headroom to the forecast peak, tenant
// placements, the assumptions and the confidence of every recommendation.
import type { HeadroomChartData } from './charts/headroom-chart.js';
import type { Ground } from './grounds.js';
import type { PlanJson } from '../core/plan-types.js';
import { classReadiness } from './readiness.js';
import { percent, roundMeasure } from './round.js';
import { yesNo, type Cell, type Table } from './table.js';

export function readinessTable(plan: PlanJson): Table {
  return {
    id: 'readiness',
    title: `Forecast peak (${plan.forecast.peak.name}, ${plan.forecast.peak.date}) against today's capacity`,
    columns: [
      { key: 'class', label: 'class' },
      { key: 'peak', label: 'forecast peak (tx/s)', numeric: true },
      { key: 'capacity', label: 'capacity within SLO today (tx/s)', numeric: true },
      { key: 'headroom', label: 'headroom (%)', numeric: true },
      { key: 'covered', label: 'carries the peak' },
    ],
    rows: classReadiness(plan).map((c) => ({
      class: c.class,
      peak: roundMeasure(c.peak),
      capacity: c.capacity === null ? null : roundMeasure(c.capacity),
      headroom: c.capacity ? percent(1 - c.peak / c.capacity) : null,
      covered: c.capacity === null ? 'not measured' : yesNo(c.covered),
    })),
  };
}

export function uslTable(plan: PlanJson): Table {
  return {
    id: 'usl',
    title: 'Universal Scalability Law fits',
    columns: [
      { key: 'scope', label: 'class' },
      { key: 'points', label: 'points', numeric: true },
      { key: 'sigma', label: 'σ (contention)', numeric: true },
      { key: 'kappa', label: 'κ (coherency)', numeric: true },
      { key: 'lambda', label: 'λ (tx/s per unit N)', numeric: true },
      { key: 'r2', label: 'R²', numeric: true },
      { key: 'loo', label: 'leave-one-out error (%)', numeric: true },
      { key: 'nStar', label: 'knee N*', numeric: true },
      { key: 'xMax', label: 'X(N*) (tx/s)', numeric: true },
      { key: 'maxN', label: 'largest measured N', numeric: true },
      { key: 'constraint', label: 'constrained by' },
    ],
    rows: plan.fits.map((f) => ({
      scope: f.scope,
      points: f.points.length,
      sigma: roundMeasure(f.coefficients.sigma),
      kappa: roundMeasure(f.coefficients.kappa),
      lambda: roundMeasure(f.coefficients.lambda),
      r2: Math.round(f.r2 * 1000) / 1000,
      loo: f.looMape === null ? null : percent(f.looMape),
      nStar: f.nStar,
      xMax: f.xMax === null ? null : roundMeasure(f.xMax),
      maxN: roundMeasure(f.maxMeasuredN),
      constraint: f.constraint,
    })),
    note: 'N is in-flight concurrency (Little’s law for open ladders, VUs for closed ones). A knee beyond the largest measured N is an extrapolation.',
  };
}

interface HeadroomRow {
  resource: string;
  unit: string;
  capacity: number;
  peak: number;
}

/** Forecast peak demand against today's capacity at the target utilisation, per resource. */
function headroomRows(plan: PlanJson): HeadroomRow[] {
  const rows: HeadroomRow[] = classReadiness(plan).flatMap((c) =>
    c.capacity === null
      ? []
      : [{ resource: `${c.class} throughput`, unit: 'tx/s', capacity: c.capacity, peak: c.peak }],
  );
  const target = plan.headroom.targetUtilisation;
  for (const w of plan.workers)
    if (w.current)
      rows.push({
        resource: `Odoo ${w.pool} workers`,
        unit: 'busy workers',
        capacity: w.current.workers * target,
        peak: w.utilisation * w.workers,
      });
  const db = plan.database.vcpu;
  rows.push({
    resource: 'database CPU',
    unit: 'busy cores',
    capacity:
      (db.current ?? plan.environment.databaseVcpu) * plan.headroom.databaseTargetUtilisation,
    peak: db.busyCoresAtPeak,
  });
  rows.push({
    resource: 'database connections',
    unit: 'connections',
    capacity: plan.connections.maxConnections,
    peak: plan.connections.expectedPeakConnections,
  });
  return rows;
}

export function headroomSection(plan: PlanJson): { table: Table; chart: HeadroomChartData } {
  const rows = headroomRows(plan).map((r) => {
    const utilisation = r.capacity > 0 ? percent(r.peak / r.capacity) : null;
    return {
      resource: r.resource,
      unit: r.unit,
      capacity: roundMeasure(r.capacity),
      peak: roundMeasure(r.peak),
      utilisationPct: utilisation,
      headroomPct: utilisation === null ? null : Math.round((100 - utilisation) * 10) / 10,
    };
  });
  return {
    table: {
      id: 'headroom',
      title: 'Headroom to the forecast peak, with today’s sizing',
      columns: [
        { key: 'resource', label: 'resource' },
        { key: 'unit', label: 'unit' },
        { key: 'capacity', label: 'today’s capacity at target utilisation', numeric: true },
        { key: 'peak', label: 'forecast peak needs', numeric: true },
        { key: 'utilisationPct', label: 'peak / capacity (%)', numeric: true },
        { key: 'headroomPct', label: 'headroom (%)', numeric: true },
      ],
      rows,
      note: `Target utilisation ${percent(plan.headroom.targetUtilisation)} % for workers and nodes, ${percent(plan.headroom.databaseTargetUtilisation)} % for database CPU.`,
    },
    chart: {
      items: rows.flatMap((r) =>
        r.utilisationPct === null
          ? []
          : [{ resource: r.resource, utilisationPct: r.utilisationPct }],
      ),
    },
  };
}

export function tenantsTable(plan: PlanJson): Table {
  const share = (v: number | null): Cell => (v === null ? null : percent(v));
  return {
    id: 'tenants',
    title: 'Tenant placements',
    columns: [
      { key: 'tenant', label: 'tenant' },
      { key: 'database', label: 'database' },
      { key: 'decision', label: 'placement' },
      { key: 'score', label: 'score', numeric: true },
      { key: 'dbTime', label: 'DB time share (%)', numeric: true },
      { key: 'workerTime', label: 'worker time share (%)', numeric: true },
      { key: 'growth', label: 'growth (%/month)', numeric: true },
      { key: 'neighbours', label: 'neighbours’ p95 rise (%)', numeric: true },
      { key: 'confidence', label: 'confidence' },
      { key: 'reasons', label: 'reasons' },
    ],
    rows: (plan.tenants ?? []).map((t) => ({
      tenant: t.tenant,
      database: t.database,
      decision: t.decision,
      score: roundMeasure(t.score),
      dbTime: share(t.metrics.dbTimeShare),
      workerTime: share(t.metrics.workerTimeShare),
      growth: share(t.metrics.growthPerMonth),
      neighbours: share(t.metrics.neighbourP95Degradation),
      confidence: t.confidence.grade,
      reasons: [
        ...t.reasons,
        ...t.fired.map((f) => `${f.name} ${f.value} ≥ ${f.threshold} → ${f.effect}`),
      ].join('; '),
    })),
  };
}

/** Every assumption: the plan-wide ones, then each recommendation's, numbered A1, A2, … */
export function assumptionsTable(plan: PlanJson, grounds: Ground[]): Table {
  const rows = [
    ...plan.assumptions.map((text) => ({ appliesTo: 'the whole plan', text })),
    ...grounds.flatMap((g) => g.assumptions.map((text) => ({ appliesTo: g.what, text }))),
  ];
  return {
    id: 'assumptions',
    title: 'Assumptions',
    columns: [
      { key: 'id', label: 'id' },
      { key: 'appliesTo', label: 'applies to' },
      { key: 'text', label: 'assumption' },
    ],
    rows: rows.map((r, i) => ({ id: `A${i + 1}`, ...r })),
  };
}

export function confidenceTable(grounds: Ground[]): Table {
  return {
    id: 'confidence',
    title: 'Confidence of each recommendation',
    columns: [
      { key: 'what', label: 'recommendation' },
      { key: 'grade', label: 'confidence' },
      { key: 'reasons', label: 'why' },
    ],
    rows: grounds.map((g) => ({
      what: g.what,
      grade: g.confidence,
      reasons: g.confidenceReasons.join('; '),
    })),
  };
}
