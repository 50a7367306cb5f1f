// The report document: everything the quarterly sizing report says, derived once from a planned
// run (and a baseline for "what changed"), with every number already rounded. The HTML,
// Markdown and JSON renderers only print it, so the three formats cannot disagree.
import type { TransactionClass } from '../core/classes.js';
import { compareWithBaseline, type Comparison } from './compare.js';
import { monthlyCost } from './cost.js';
import type { HeadroomChartData } from './charts/headroom-chart.js';
import type { DbTimeChartData } from './charts/db-time-chart.js';
import type { LatencyChartData } from './charts/latency-chart.js';
import type { PackingChartData } from './charts/packing-chart.js';
import type { ThroughputChartData } from './charts/throughput-chart.js';
import {
  classSteps,
  classesInRun,
  concurrencyOf,
  databaseTime,
  offeredLoad,
} from './measurements.js';
import type { Confidence, Evidence, PlanJson } from './plan-types.provisional.js';
import type { Baseline, PlannedRun } from './read-run.js';
import { money, percent, roundMeasure } from './round.js';
import { yesNo, type Table } from './table.js';

export const REPORT_SCHEMA_VERSION = 1 as const;

/** How many statement classes the DB-time table names before folding the rest into "other". */
const TOP_STATEMENT_CLASSES = 8;

export interface Summary {
  ready: boolean;
  headline: string;
  /** The planner's own one-line verdict. */
  verdict: string;
  /** What to add or change, one line each; empty when nothing changes. */
  toAdd: string[];
  cost: { currency: string; currentMonthly: number; recommendedMonthly: number; change: number };
  costLine: string;
}

export interface RecommendationSection {
  id: string;
  title: string;
  table: Table;
  evidence: Evidence[];
  assumptions: string[];
  confidence: Confidence;
}

export interface ClassSection {
  class: TransactionClass;
  throughput: Table;
  latency: Table;
}

export interface ReportCharts {
  throughput: ThroughputChartData[];
  latency: LatencyChartData[];
  dbTime: DbTimeChartData;
  headroom: HeadroomChartData;
  packing: PackingChartData[];
}

export interface ReportDocument {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  title: string;
  source: {
    runId: string;
    profile: string;
    model: 'open' | 'closed';
    status: string;
    stopReason?: string;
    target: { url: string; db: string; odooVersion: string; lab: boolean };
    environment: string;
    startedAt: string;
    finishedAt?: string;
    planCreatedAt: string;
    forecastHorizon: string;
  };
  summary: Summary;
  readiness: Table;
  cost: Table;
  classes: ClassSection[];
  usl: Table;
  dbTime: Table;
  headroom: Table;
  recommendations: RecommendationSection[];
  databaseSettings: Table;
  tenants: Table;
  assumptions: Table;
  comparison?: Comparison;
  charts: ReportCharts;
  /** The plan as the planner wrote it. */
  plan: PlanJson;
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}

function change(current: number, recommended: number): string {
  return current === recommended ? 'unchanged' : signed(roundMeasure(recommended - current));
}

function whatToAdd(plan: PlanJson): string[] {
  const lines: string[] = [];
  const w = plan.workers;
  if (
    w.recommended.pods !== w.current.pods ||
    w.recommended.workersPerPod !== w.current.workersPerPod
  )
    lines.push(
      `Odoo: ${w.recommended.pods} pods × ${w.recommended.workersPerPod} workers (today ${w.current.pods} × ${w.current.workersPerPod}).`,
    );
  if (
    w.recommended.cpuPerPod !== w.current.cpuPerPod ||
    w.recommended.memoryPerPodMiB !== w.current.memoryPerPodMiB
  )
    lines.push(
      `Odoo pods: ${w.recommended.cpuPerPod} CPU and ${w.recommended.memoryPerPodMiB} MiB each (today ${w.current.cpuPerPod} CPU, ${w.current.memoryPerPodMiB} MiB).`,
    );
  for (const pool of plan.nodePools) {
    const delta = pool.recommended.nodes - pool.current.nodes;
    if (delta !== 0)
      lines.push(
        `Node pool ${pool.pool}: ${delta > 0 ? 'add' : 'remove'} ${Math.abs(delta)} ${pool.nodeType} node${Math.abs(delta) === 1 ? '' : 's'} (${pool.current.nodes} → ${pool.recommended.nodes}).`,
      );
  }
  const db = plan.database;
  if (db.recommended.instance !== db.current.instance)
    lines.push(
      `Database: move to ${db.recommended.instance} (${db.recommended.vcpu} vCPU, ${db.recommended.memoryGiB} GiB; today ${db.current.instance}).`,
    );
  if (db.recommended.maxConnections !== db.current.maxConnections)
    lines.push(
      `Database: max_connections ${db.recommended.maxConnections} (today ${db.current.maxConnections}).`,
    );
  for (const t of plan.tenants)
    if (t.recommended !== t.current)
      lines.push(`Tenant ${t.tenant}: move from ${t.current} to ${t.recommended}.`);
  return lines;
}

function buildSummary(plan: PlanJson): Summary {
  const cost = monthlyCost(plan);
  const delta = cost.recommended - cost.current;
  const c = plan.currency;
  const costLine =
    delta === 0
      ? `The recommended sizing costs ${c} ${cost.recommended} a month, the same as today.`
      : `The recommended sizing costs ${c} ${cost.recommended} a month, ${c} ${Math.abs(delta)} ${delta > 0 ? 'more' : 'less'} than today (${c} ${cost.current}).`;
  return {
    ready: plan.verdict.ready,
    headline: plan.verdict.ready
      ? `Ready for the forecast peak: ${plan.forecast.horizon}`
      : `Not ready for the forecast peak: ${plan.forecast.horizon}`,
    verdict: plan.verdict.summary,
    toAdd: whatToAdd(plan),
    cost: {
      currency: c,
      currentMonthly: cost.current,
      recommendedMonthly: cost.recommended,
      change: delta,
    },
    costLine,
  };
}

function readinessTable(plan: PlanJson): Table {
  return {
    id: 'readiness',
    title: 'Forecast peak against measured capacity, per class',
    columns: [
      { key: 'class', label: 'class' },
      { key: 'peak', label: 'forecast peak (tx/s)', numeric: true },
      { key: 'capacity', label: 'capacity within SLO (tx/s)', numeric: true },
      { key: 'headroom', label: 'headroom (%)', numeric: true },
      { key: 'ready', label: 'carries the peak' },
    ],
    rows: plan.forecast.peaks.map((p) => ({
      class: p.class,
      peak: roundMeasure(p.peakThroughput),
      capacity: roundMeasure(p.capacityThroughput),
      headroom:
        p.capacityThroughput > 0 ? percent(1 - p.peakThroughput / p.capacityThroughput) : null,
      ready: yesNo(p.capacityThroughput >= p.peakThroughput),
    })),
  };
}

function costTable(plan: PlanJson): Table {
  const row = (item: string, c: { current: number; recommended: number }) => ({
    item,
    current: money(c.current),
    recommended: money(c.recommended),
    change: money(c.recommended) - money(c.current),
  });
  const total = monthlyCost(plan);
  return {
    id: 'cost',
    title: `Monthly cost (${plan.currency})`,
    columns: [
      { key: 'item', label: 'item' },
      { key: 'current', label: 'today', numeric: true },
      { key: 'recommended', label: 'recommended', numeric: true },
      { key: 'change', label: 'change', numeric: true },
    ],
    rows: [
      ...plan.nodePools.map((p) => row(`node pool ${p.pool}`, p.monthlyCost)),
      row('database', plan.database.monthlyCost),
      { item: 'total', ...total, change: total.recommended - total.current },
    ],
  };
}

function classSection(run: PlannedRun, cls: TransactionClass): ClassSection {
  const loadLabel = run.run.ladder.model === 'closed' ? 'VUs' : 'rate (tx/s)';
  const steps = classSteps(run.steps, cls);
  const stepCells = (s: (typeof steps)[number]) => ({
    step: s.step.label,
    load: roundMeasure(offeredLoad(s.step)),
    valid: yesNo(s.step.valid),
  });
  const stepColumns = [
    { key: 'step', label: 'step' },
    { key: 'load', label: loadLabel, numeric: true },
    { key: 'valid', label: 'valid' },
  ];
  return {
    class: cls,
    throughput: {
      id: `throughput-${cls}`,
      title: `${cls}: throughput per step`,
      columns: [
        ...stepColumns,
        { key: 'throughput', label: 'throughput (tx/s)', numeric: true },
        { key: 'requestRate', label: 'requests/s', numeric: true },
        { key: 'concurrency', label: 'concurrency N', numeric: true },
        { key: 'errorRate', label: 'errors (%)', numeric: true },
        { key: 'dropped', label: 'dropped', numeric: true },
      ],
      rows: steps.map((s) => ({
        ...stepCells(s),
        throughput: roundMeasure(s.stats.throughput),
        requestRate: roundMeasure(s.stats.requestRate),
        concurrency: roundMeasure(concurrencyOf(s.step, s.stats)),
        errorRate: percent(s.stats.errors.rate),
        dropped: s.stats.droppedIterations,
      })),
    },
    latency: {
      id: `latency-${cls}`,
      title: `${cls}: business-transaction latency per step (ms)`,
      columns: [
        ...stepColumns,
        { key: 'p50', label: 'p50', numeric: true },
        { key: 'p90', label: 'p90', numeric: true },
        { key: 'p95', label: 'p95', numeric: true },
        { key: 'p99', label: 'p99', numeric: true },
        { key: 'max', label: 'max', numeric: true },
        { key: 'requestP95', label: 'request p95', numeric: true },
      ],
      rows: steps.map((s) => {
        const t = s.stats.latency.transaction;
        return {
          ...stepCells(s),
          p50: roundMeasure(t.p50),
          p90: roundMeasure(t.p90),
          p95: roundMeasure(t.p95),
          p99: roundMeasure(t.p99),
          max: roundMeasure(t.max),
          requestP95: roundMeasure(s.stats.latency.request.p95),
        };
      }),
    },
  };
}

function uslTable(plan: PlanJson): Table {
  return {
    id: 'usl',
    title: 'Universal Scalability Law fits',
    columns: [
      { key: 'class', label: 'class' },
      { key: 'sigma', label: 'σ (contention)', numeric: true },
      { key: 'kappa', label: 'κ (coherency)', numeric: true },
      { key: 'lambda', label: 'λ (tx/s at N=1)', numeric: true },
      { key: 'r2', label: 'R²', numeric: true },
      { key: 'nStar', label: 'knee N*', numeric: true },
      { key: 'xMax', label: 'X(N*) (tx/s)', numeric: true },
    ],
    rows: plan.usl.map((f) => ({
      class: f.class,
      sigma: roundMeasure(f.sigma),
      kappa: roundMeasure(f.kappa),
      lambda: roundMeasure(f.lambda),
      r2: Math.round(f.r2 * 1000) / 1000,
      nStar: f.nStar,
      xMax: roundMeasure(f.xMax),
    })),
  };
}

function dbTimeSection(run: PlannedRun): { table: Table; chart: DbTimeChartData } {
  const time = databaseTime(run.steps);
  const top = time.byClass.slice(0, TOP_STATEMENT_CLASSES);
  const rest = time.byClass.slice(TOP_STATEMENT_CLASSES);
  const rows = top.map((r) => ({ ...r }));
  const restMs = rest.reduce((s, r) => s + r.totalMs, 0) + time.untrackedMs;
  if (restMs > 0)
    rows.push({
      statementClass: 'other statements',
      calls: rest.reduce((s, r) => s + r.calls, 0),
      totalMs: restMs,
    });
  const total = time.totalMs > 0 ? time.totalMs : rows.reduce((s, r) => s + r.totalMs, 0);
  const cells = rows.map((r) => ({
    statementClass: r.statementClass,
    calls: r.calls,
    totalMs: roundMeasure(r.totalMs),
    sharePct: total > 0 ? percent(r.totalMs / total) : 0,
    meanMs: r.calls > 0 ? roundMeasure(r.totalMs / r.calls) : null,
  }));
  const perTx = time.transactions > 0 ? roundMeasure(time.totalMs / time.transactions) : null;
  const counted = time.onlyInvalid
    ? `all ${time.stepsCounted} steps (none was valid)`
    : `the ${time.stepsCounted} valid steps`;
  return {
    table: {
      id: 'db-time',
      title: 'Database time by statement class',
      columns: [
        { key: 'statementClass', label: 'statement class' },
        { key: 'calls', label: 'calls', numeric: true },
        { key: 'totalMs', label: 'total (ms)', numeric: true },
        { key: 'sharePct', label: 'share (%)', numeric: true },
        { key: 'meanMs', label: 'mean (ms)', numeric: true },
      ],
      rows: cells,
      note:
        `Steady-state windows of ${counted}; ` +
        (perTx === null
          ? 'no business transactions completed.'
          : `${perTx} ms of statement time per business transaction.`),
    },
    chart: {
      rows: cells.map((c) => ({
        statementClass: c.statementClass,
        totalMs: c.totalMs as number,
        sharePct: c.sharePct,
      })),
    },
  };
}

function headroomSection(plan: PlanJson): { table: Table; chart: HeadroomChartData } {
  const rows = plan.headroom.map((h) => {
    const utilisation = h.capacity > 0 ? percent(h.forecastPeak / h.capacity) : null;
    return {
      resource: h.resource,
      unit: h.unit,
      capacity: roundMeasure(h.capacity),
      forecastPeak: roundMeasure(h.forecastPeak),
      utilisationPct: utilisation,
      headroomPct: utilisation === null ? null : Math.round((100 - utilisation) * 10) / 10,
    };
  });
  return {
    table: {
      id: 'headroom',
      title: 'Headroom to the forecast peak',
      columns: [
        { key: 'resource', label: 'resource' },
        { key: 'unit', label: 'unit' },
        { key: 'capacity', label: 'capacity at target utilisation', numeric: true },
        { key: 'forecastPeak', label: 'forecast peak', numeric: true },
        { key: 'utilisationPct', label: 'peak / capacity (%)', numeric: true },
        { key: 'headroomPct', label: 'headroom (%)', numeric: true },
      ],
      rows,
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

const CHANGE_COLUMNS = [
  { key: 'item', label: 'item' },
  { key: 'current', label: 'today', numeric: true },
  { key: 'recommended', label: 'recommended', numeric: true },
  { key: 'change', label: 'change' },
];

function recommendations(plan: PlanJson): RecommendationSection[] {
  const w = plan.workers;
  const numberRow = (item: string, current: number, recommended: number) => ({
    item,
    current: roundMeasure(current),
    recommended: roundMeasure(recommended),
    change: change(roundMeasure(current), roundMeasure(recommended)),
  });
  const textRow = (item: string, current: string, recommended: string) => ({
    item,
    current,
    recommended,
    change: current === recommended ? 'unchanged' : 'changed',
  });
  const sections: RecommendationSection[] = [
    {
      id: 'workers',
      title: 'Odoo workers',
      table: {
        id: 'rec-workers',
        title: 'Odoo workers',
        columns: CHANGE_COLUMNS,
        rows: [
          numberRow('pods', w.current.pods, w.recommended.pods),
          numberRow('HTTP workers per pod', w.current.workersPerPod, w.recommended.workersPerPod),
          numberRow(
            'HTTP workers in total',
            w.current.pods * w.current.workersPerPod,
            w.recommended.pods * w.recommended.workersPerPod,
          ),
          numberRow('CPU per pod', w.current.cpuPerPod, w.recommended.cpuPerPod),
          numberRow(
            'memory per pod (MiB)',
            w.current.memoryPerPodMiB,
            w.recommended.memoryPerPodMiB,
          ),
        ],
      },
      evidence: w.evidence,
      assumptions: w.assumptions,
      confidence: w.confidence,
    },
  ];
  for (const pool of plan.nodePools)
    sections.push({
      id: `node-pool-${pool.pool}`,
      title: `Node pool ${pool.pool}`,
      table: {
        id: `rec-node-pool-${pool.pool}`,
        title: `Node pool ${pool.pool} (${pool.nodeType})`,
        columns: CHANGE_COLUMNS,
        rows: [
          numberRow('nodes', pool.current.nodes, pool.recommended.nodes),
          numberRow(
            `monthly cost (${plan.currency})`,
            money(pool.monthlyCost.current),
            money(pool.monthlyCost.recommended),
          ),
        ],
        note: `Allocatable per node: ${roundMeasure(pool.allocatable.cpu)} CPU, ${roundMeasure(pool.allocatable.memoryMiB)} MiB.`,
      },
      evidence: pool.evidence,
      assumptions: pool.assumptions,
      confidence: pool.confidence,
    });
  const db = plan.database;
  sections.push({
    id: 'database',
    title: 'Database',
    table: {
      id: 'rec-database',
      title: 'Database',
      columns: CHANGE_COLUMNS,
      rows: [
        textRow('instance', db.current.instance, db.recommended.instance),
        numberRow('vCPU', db.current.vcpu, db.recommended.vcpu),
        numberRow('memory (GiB)', db.current.memoryGiB, db.recommended.memoryGiB),
        numberRow('max_connections', db.current.maxConnections, db.recommended.maxConnections),
        numberRow(
          `monthly cost (${plan.currency})`,
          money(db.monthlyCost.current),
          money(db.monthlyCost.recommended),
        ),
      ],
    },
    evidence: db.evidence,
    assumptions: db.assumptions,
    confidence: db.confidence,
  });
  return sections;
}

function throughputCharts(run: PlannedRun, classes: TransactionClass[]): ThroughputChartData[] {
  return classes.map((cls) => {
    const fit = run.plan.usl.find((f) => f.class === cls);
    return {
      class: cls,
      measured: classSteps(run.steps, cls).map((s) => ({
        n: roundMeasure(concurrencyOf(s.step, s.stats)),
        x: roundMeasure(s.stats.throughput),
        valid: s.step.valid,
      })),
      curve: fit ? fit.curve.map((p) => ({ n: p.n, x: roundMeasure(p.x) })) : [],
      ...(fit ? { knee: { n: fit.nStar, x: roundMeasure(fit.xMax) } } : {}),
    };
  });
}

function latencyCharts(run: PlannedRun, classes: TransactionClass[]): LatencyChartData[] {
  const mix = run.run.ladder.profile === 'peak-mix' ? 'peak-mix ' : '';
  const loadLabel =
    run.run.ladder.model === 'closed' ? 'virtual users' : `${mix}arrival rate (tx/s)`;
  return classes.map((cls) => {
    const slo = run.plan.forecast.peaks.find((p) => p.class === cls)?.sloP95Ms;
    return {
      class: cls,
      loadLabel,
      points: classSteps(run.steps, cls).map((s) => ({
        load: roundMeasure(offeredLoad(s.step)),
        p50: roundMeasure(s.stats.latency.transaction.p50),
        p95: roundMeasure(s.stats.latency.transaction.p95),
        p99: roundMeasure(s.stats.latency.transaction.p99),
        valid: s.step.valid,
      })),
      ...(slo === undefined ? {} : { sloP95Ms: slo }),
    };
  });
}

export function buildReport(run: PlannedRun, baseline?: Baseline): ReportDocument {
  const { plan } = run;
  const classes = classesInRun(run.steps);
  const db = dbTimeSection(run);
  const headroom = headroomSection(plan);
  const target = run.run.target;
  const stop = run.run.stopReason;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    title: `Sizing report: ${plan.environment}, ${plan.forecast.horizon}`,
    source: {
      runId: run.run.id,
      profile: run.run.ladder.profile,
      model: run.run.ladder.model,
      status: run.run.status,
      ...(stop && stop.kind !== 'complete' ? { stopReason: `${stop.kind}: ${stop.detail}` } : {}),
      target: {
        url: target.url,
        db: target.db,
        odooVersion: target.odoo?.serverVersion ?? 'unknown',
        lab: target.odoo?.lab ?? false,
      },
      environment: plan.environment,
      startedAt: run.run.startedAt,
      ...(run.run.finishedAt ? { finishedAt: run.run.finishedAt } : {}),
      planCreatedAt: plan.createdAt,
      forecastHorizon: plan.forecast.horizon,
    },
    summary: buildSummary(plan),
    readiness: readinessTable(plan),
    cost: costTable(plan),
    classes: classes.map((cls) => classSection(run, cls)),
    usl: uslTable(plan),
    dbTime: db.table,
    headroom: headroom.table,
    recommendations: recommendations(plan),
    databaseSettings: {
      id: 'database-settings',
      title: 'PostgreSQL settings',
      columns: [
        { key: 'name', label: 'setting' },
        { key: 'value', label: 'value' },
        { key: 'formula', label: 'from' },
      ],
      rows: plan.database.settings.map((s) => ({
        name: s.name,
        value: s.value,
        formula: s.formula ?? null,
      })),
    },
    tenants: {
      id: 'tenants',
      title: 'Tenant placements',
      columns: [
        { key: 'tenant', label: 'tenant' },
        { key: 'current', label: 'today' },
        { key: 'recommended', label: 'recommended' },
        { key: 'score', label: 'score', numeric: true },
        { key: 'confidence', label: 'confidence' },
        { key: 'reasons', label: 'reasons' },
      ],
      rows: plan.tenants.map((t) => ({
        tenant: t.tenant,
        current: t.current,
        recommended: t.recommended,
        score: roundMeasure(t.score),
        confidence: t.confidence,
        reasons: t.reasons.join('; '),
      })),
    },
    assumptions: {
      id: 'assumptions',
      title: 'Assumptions',
      columns: [
        { key: 'id', label: 'id' },
        { key: 'basis', label: 'basis' },
        { key: 'text', label: 'assumption' },
      ],
      rows: plan.assumptions.map((a) => ({ id: a.id, basis: a.basis, text: a.text })),
    },
    ...(baseline ? { comparison: compareWithBaseline(run, baseline) } : {}),
    charts: {
      throughput: throughputCharts(run, classes),
      latency: latencyCharts(run, classes),
      dbTime: db.chart,
      headroom: headroom.chart,
      packing: plan.nodePools.map((p) => ({
        pool: p.pool,
        allocatable: p.allocatable,
        nodes: p.packing,
      })),
    },
    plan,
  };
}
