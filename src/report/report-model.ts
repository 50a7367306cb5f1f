// The report document, derived once from a planned run (and a baseline) with every number
// rounded, so the HTML, Markdown and JSON renderers cannot disagree.
import type { TransactionClass } from '../core/classes.js';
import type { CallsChartData } from './charts/calls-chart.js';
import type { DbTimeChartData } from './charts/db-time-chart.js';
import type { HeadroomChartData } from './charts/headroom-chart.js';
import type { LatencyChartData } from './charts/latency-chart.js';
import type { PackingChartData } from './charts/packing-chart.js';
import type { ThroughputChartData } from './charts/throughput-chart.js';
import { compareWithBaseline, type Comparison } from './compare.js';
import { monthlyCost } from './cost.js';
import { ground, type Ground } from './grounds.js';
import { classSteps, classesInRun, offeredLoad } from './measurements.js';
import { concurrencyOf, stepDocuments } from '../core/run-types.js';
import type { PlanJson, UslFitSummary } from '../core/plan-types.js';
import {
  assumptionsTable,
  confidenceTable,
  headroomSection,
  readinessTable,
  tenantsTable,
  uslTable,
} from './plan-tables.js';
import {
  postingCollisionSection,
  postingCollisionToAdd,
  type PostingCollisionSection,
} from './posting-collisions.js';
import type { Baseline, PlannedRun } from './read-run.js';
import { isReady, verdictSentences } from './readiness.js';
import { recommendationSections, type RecommendationSection } from './recommendations.js';
import { roundMeasure } from './round.js';
import {
  callsSections,
  classSection,
  dbTimeSection,
  type CallsSection,
  type ClassSection,
} from './run-tables.js';
import type { Table } from './table.js';

export const REPORT_SCHEMA_VERSION = 1 as const;

export interface Summary {
  ready: boolean;
  headline: string;
  /** The verdict in a few sentences. */
  verdict: string[];
  /** What to add or change, one line each; empty when nothing changes. */
  toAdd: string[];
  cost: {
    currency: string;
    monthly: number;
    /** From the baseline plan, when comparing. */
    previousMonthly: number | null;
    unpriced: string[];
  };
  costLine: string;
}

export interface ReportCharts {
  throughput: ThroughputChartData[];
  /** Fits over the whole mix (scope "mix"), drawn in the scalability section. */
  mixThroughput: ThroughputChartData[];
  latency: LatencyChartData[];
  /** One per entry of ReportDocument.calls, by step. */
  calls: CallsChartData[];
  dbTime: DbTimeChartData;
  headroom: HeadroomChartData;
  packing: PackingChartData[];
}

export interface ReportDocument {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  kind: 'odoo-capacity-report';
  title: string;
  source: {
    runId: string;
    profile: string;
    model: 'open' | 'closed';
    status: string;
    stopReason: string | null;
    target: { url: string; db: string; odooVersion: string; lab: boolean };
    environment: string;
    startedAt: string;
    finishedAt: string | null;
    planGeneratedAt: string;
    forecast: { asOf: string; horizonMonths: number; peak: string; peakDate: string };
  };
  summary: Summary;
  readiness: Table;
  cost: Table;
  comparison: Comparison | null;
  headroom: Table;
  /** What the readiness verdict rests on: the plan's capacity runway. */
  runway: Ground;
  classes: ClassSection[];
  /** Per step, its slowest Odoo calls; empty for runs without per-call statistics. */
  calls: CallsSection[];
  /** Month-end billing's posting collisions and the cap they set; null when nothing posted. */
  postingCollisions: PostingCollisionSection | null;
  usl: Table;
  dbTime: Table;
  recommendations: RecommendationSection[];
  tenants: Table;
  assumptions: Table;
  confidence: Table;
  /** The plan's warnings, the fits' warnings and the steps that did not count. */
  warnings: string[];
  charts: ReportCharts;
  /** The plan as the planner wrote it. */
  plan: PlanJson;
}

function whatToAdd(plan: PlanJson): string[] {
  const lines: string[] = [];
  for (const w of plan.workers) {
    const now = w.current;
    if (!now)
      lines.push(
        `Odoo ${w.pool} pool: ${w.workers} workers in ${w.pods} pods of ${w.workersPerPod} (not running today).`,
      );
    else if (now.workers !== w.workers || now.pods !== w.pods)
      lines.push(
        `Odoo ${w.pool} pool: ${w.workers} workers in ${w.pods} pods of ${w.workersPerPod} (today ${now.workers} in ${now.pods}).`,
      );
  }
  for (const p of plan.nodePools)
    lines.push(
      `Node pool ${p.pool}: ${p.nodes} × ${p.nodeType} (${p.nodesForLoad} for the load, N+${plan.headroom.spareNodes}${p.zones > 1 ? `, ${p.zones} zones` : ''}).`,
    );
  const db = plan.database;
  const vcpuNow = db.vcpu.current ?? plan.environment.databaseVcpu;
  if (db.vcpu.vcpu !== vcpuNow || db.memory.ramGiB !== plan.environment.databaseMemoryGiB)
    lines.push(
      `Database: ${db.instance ? `${db.instance.name}, ` : ''}${db.vcpu.vcpu} vCPU and ${db.memory.ramGiB} GiB RAM (today ${vcpuNow} vCPU, ${plan.environment.databaseMemoryGiB} GiB).`,
    );
  if (!plan.connections.fitsWithoutPooler)
    lines.push(
      `PgBouncer in ${db.connections.pooler.poolMode} mode (default_pool_size ${db.connections.pooler.defaultPoolSize}): the worst case of ${plan.connections.worstCaseConnections} connections exceeds max_connections ${plan.connections.maxConnections}.`,
    );
  if (db.readReplica.recommended) lines.push('Database: a read replica for read-only statements.');
  const hpa = plan.autoscaling;
  if (hpa)
    lines.push(
      hpa.minReplicas === hpa.maxReplicas
        ? `Run ${hpa.minReplicas} ${hpa.pool} pods: the autoscaler has no range (minimum = maximum${hpa.cappedAtNStar ? ', capped at the USL knee' : ''}).`
        : `Autoscale the ${hpa.pool} pods between ${hpa.minReplicas} and ${hpa.maxReplicas} replicas at ${roundMeasure(hpa.targetConcurrencyPerPod)} in-flight requests per pod.`,
    );
  for (const t of plan.tenants ?? [])
    if (t.decision !== 'stay-shared') lines.push(`Tenant ${t.tenant}: ${t.decision}.`);
  lines.push(...postingCollisionToAdd(plan));
  return lines;
}

function buildSummary(plan: PlanJson, previous: PlanJson | undefined): Summary {
  const cost = monthlyCost(plan);
  const before = previous ? monthlyCost(previous).total : null;
  const c = cost.currency;
  const parts = cost.parts
    .filter((p) => p.monthly !== null)
    .map((p) => `${p.item} ${c} ${p.monthly}`)
    .join(', ');
  const unpriced =
    cost.unpriced.length > 0 ? ` Not priced: ${cost.unpriced.join(', ')} (no catalog price).` : '';
  const delta = before === null ? 0 : cost.total - before;
  const versus =
    before === null
      ? ''
      : delta === 0
        ? ` Last quarter's plan cost the same.`
        : ` Last quarter's plan: ${c} ${before} (${delta > 0 ? '+' : '−'}${c} ${Math.abs(delta)}).`;
  const ready = isReady(plan);
  const peak = `${plan.forecast.peak.name}, ${plan.forecast.peak.date}`;
  return {
    ready,
    // Today's platform, not the recommendation (what to deploy, below): said so in the headline.
    headline: ready
      ? `Today's platform is ready for the forecast peak (${peak})`
      : `Today's platform is not ready for the forecast peak (${peak})`,
    verdict: verdictSentences(plan),
    toAdd: whatToAdd(plan),
    cost: { currency: c, monthly: cost.total, previousMonthly: before, unpriced: cost.unpriced },
    costLine: `The recommended platform costs ${c} ${cost.total} a month (${parts}).${unpriced}${versus}`,
  };
}

function costTable(plan: PlanJson): Table {
  const cost = monthlyCost(plan);
  return {
    id: 'cost',
    title: `Monthly cost of the recommended platform (${cost.currency})`,
    columns: [
      { key: 'item', label: 'item' },
      { key: 'detail', label: 'what' },
      { key: 'monthly', label: 'a month', numeric: true },
    ],
    rows: [
      ...cost.parts.map((p) => ({ item: p.item, detail: p.detail, monthly: p.monthly })),
      { item: 'total', detail: '', monthly: cost.total },
    ],
  };
}

/** The USL curve and knee of a fit, rounded for drawing. */
function fitCurve(fit: UslFitSummary | undefined): Pick<ThroughputChartData, 'curve' | 'knee'> {
  if (!fit) return { curve: [] };
  return {
    curve: fit.curve.map((p) => ({ n: roundMeasure(p.n), x: roundMeasure(p.x) })),
    ...(fit.nStar !== null && fit.xMax !== null
      ? {
          knee: {
            n: fit.nStar,
            x: roundMeasure(fit.xMax),
            extrapolated: fit.nStar > fit.maxMeasuredN,
          },
        }
      : {}),
  };
}

function throughputCharts(run: PlannedRun, classes: TransactionClass[]): ThroughputChartData[] {
  return classes.map((cls) => ({
    class: cls,
    measured: classSteps(stepDocuments(run), cls).map((s) => ({
      n: roundMeasure(concurrencyOf(s.step, s.stats)),
      x: roundMeasure(s.stats.throughput),
      valid: s.step.valid,
    })),
    ...fitCurve(run.plan.fits.find((f) => f.scope === cls)),
  }));
}

function latencyCharts(run: PlannedRun, classes: TransactionClass[]): LatencyChartData[] {
  const mix = run.run.ladder.profile === 'peak-mix' ? 'peak-mix ' : '';
  const loadLabel =
    run.run.ladder.model === 'closed' ? 'virtual users' : `${mix}arrival rate (tx/s)`;
  return classes.map((cls) => {
    const slo = run.plan.workers
      .flatMap((w) => w.predictions)
      .find((p) => p.class === cls)?.sloP95Ms;
    return {
      class: cls,
      loadLabel,
      points: classSteps(stepDocuments(run), cls).map((s) => ({
        load: roundMeasure(offeredLoad(s.step)),
        p50: roundMeasure(s.stats.latency.transaction.p50),
        p95: roundMeasure(s.stats.latency.transaction.p95),
        p99: roundMeasure(s.stats.latency.transaction.p99),
        valid: s.step.valid,
      })),
      ...(slo === undefined || slo === null ? {} : { sloP95Ms: slo }),
    };
  });
}

function warnings(run: PlannedRun): string[] {
  return [
    ...stepDocuments(run)
      .filter((s) => !s.valid)
      .map((s) => `Step ${s.label} did not count: ${s.invalidReasons.join('; ') || 'invalid'}.`),
    ...run.plan.fits.flatMap((f) => f.warnings.map((w) => `${f.id}: ${w}`)),
    ...run.plan.warnings,
  ];
}

export function buildReport(run: PlannedRun, baseline?: Baseline): ReportDocument {
  const { plan } = run;
  const classes = classesInRun(stepDocuments(run));
  const db = dbTimeSection(run);
  const calls = callsSections(run);
  const headroom = headroomSection(plan);
  const recommendations = recommendationSections(plan);
  const runway = ground('capacity runway', plan.runway);
  const posting = postingCollisionSection(plan);
  const grounds: Ground[] = [
    runway,
    ...recommendations.flatMap((r) => r.grounds),
    ...(posting ? [posting.ground] : []),
    ...(plan.tenants ?? []).map((t) => ground(`tenant ${t.tenant}`, t)),
  ];
  const target = run.run.target;
  const stop = run.run.stopReason;
  const peak = plan.forecast.peak;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'odoo-capacity-report',
    title: `Sizing report: ${plan.environment.name}, ${peak.name} ${peak.date}`,
    source: {
      runId: run.run.id,
      profile: run.run.ladder.profile,
      model: run.run.ladder.model,
      status: run.run.status,
      stopReason: stop && stop.kind !== 'complete' ? `${stop.kind}: ${stop.detail}` : null,
      target: {
        url: target.url,
        db: target.db,
        odooVersion: target.odoo?.serverVersion ?? 'unknown',
        lab: target.odoo?.lab ?? false,
      },
      environment: plan.environment.name,
      startedAt: run.run.startedAt,
      finishedAt: run.run.finishedAt ?? null,
      planGeneratedAt: plan.generatedAt,
      forecast: {
        asOf: plan.forecast.asOf,
        horizonMonths: plan.forecast.horizonMonths,
        peak: peak.name,
        peakDate: peak.date,
      },
    },
    summary: buildSummary(plan, baseline?.plan),
    readiness: readinessTable(plan),
    cost: costTable(plan),
    comparison: baseline ? compareWithBaseline(run, baseline) : null,
    headroom: headroom.table,
    runway,
    classes: classes.map((cls) => classSection(run, cls)),
    calls: calls.map(({ chart: _chart, ...section }) => section),
    postingCollisions: posting,
    usl: uslTable(plan),
    dbTime: db.table,
    recommendations,
    tenants: tenantsTable(plan),
    assumptions: assumptionsTable(plan, grounds),
    confidence: confidenceTable(grounds),
    warnings: warnings(run),
    charts: {
      throughput: throughputCharts(run, classes),
      mixThroughput: plan.fits
        .filter((f) => f.scope === 'mix')
        .map((fit) => ({
          class: 'all classes (mix)',
          measured: fit.points.map((p) => ({
            n: roundMeasure(p.n),
            x: roundMeasure(p.x),
            valid: true,
          })),
          ...fitCurve(fit),
        })),
      latency: latencyCharts(run, classes),
      calls: calls.map((c) => c.chart),
      dbTime: db.chart,
      headroom: headroom.chart,
      packing: plan.nodePools.map((p) => ({
        pool: p.pool,
        nodeType: p.nodeType,
        allocatable: p.allocatable,
        nodes: p.packing.nodes,
        spareNodes: Math.max(p.nodes - p.packing.nodes.length, 0),
      })),
    },
    plan,
  };
}
