// "What changed since last quarter": recommendations and key measurements against an earlier run
// or plan, with notes on anything that makes the two hard to compare.
import type { TransactionClass } from '../core/classes.js';
import { TRANSACTION_CLASSES } from '../core/classes.js';
import { monthlyCost } from './cost.js';
import {
  classSteps,
  classesInRun,
  databaseTime,
  offeredLoad,
  peakValidStep,
  type ClassStep,
} from './measurements.js';
import type { PlanJson } from '../core/plan-types.js';
import { classReadiness, isReady } from './readiness.js';
import type { Baseline, PlannedRun } from './read-run.js';
import { stepDocuments, type RunOnDisk, type StepJson } from '../core/run-types.js';
import { changePct, percent, roundMeasure } from './round.js';
import { changeColumns, changeRow, type Cell, type Table } from './table.js';

/** A measurement that moved by at least this much (in %) counts as changed in the headline. */
export const NOTABLE_CHANGE_PCT = 10;

export interface Comparison {
  against: { kind: 'run' | 'plan'; runId: string; planGeneratedAt: string | null };
  headline: string;
  recommendations: Table | null;
  measurements: Table;
  /** p95 per Odoo call at a comparable step; null without per-call statistics on either side. */
  calls: Table | null;
  notes: string[];
}

type Row = { item: string; before: Cell; after: Cell };

/** The recommended figures of a plan, by item, for a then/now table. */
function planItems(plan: PlanJson): Map<string, Cell> {
  const items = new Map<string, Cell>([['verdict', isReady(plan) ? 'ready' : 'not ready']]);
  for (const w of plan.workers) {
    items.set(`Odoo ${w.pool} workers`, w.workers);
    items.set(`Odoo ${w.pool} pods`, w.pods);
    items.set(`Odoo ${w.pool} workers per pod`, w.workersPerPod);
  }
  for (const pool of plan.nodePools) {
    items.set(`node pool ${pool.pool}: node type`, pool.nodeType);
    items.set(`node pool ${pool.pool}: nodes`, pool.nodes);
  }
  if (plan.autoscaling) {
    items.set('autoscaling: minimum replicas', plan.autoscaling.minReplicas);
    items.set('autoscaling: maximum replicas', plan.autoscaling.maxReplicas);
  }
  const db = plan.database;
  items.set('database instance', db.instance?.name ?? null);
  items.set('database vCPU', roundMeasure(db.vcpu.vcpu));
  items.set('database RAM (GiB)', roundMeasure(db.memory.ramGiB));
  items.set('database max_connections', db.connections.maxConnections);
  items.set('database read replica', db.readReplica.recommended ? 'yes' : 'no');
  const cost = monthlyCost(plan);
  items.set(`monthly cost (${cost.currency})`, cost.total);
  for (const t of plan.tenants ?? []) items.set(`tenant ${t.tenant}`, t.decision);
  return items;
}

function unionRows(before: Map<string, Cell>, after: Map<string, Cell>): Row[] {
  const keys = [...after.keys(), ...[...before.keys()].filter((k) => !after.has(k))];
  return keys.map((item) => ({
    item,
    before: before.get(item) ?? null,
    after: after.get(item) ?? null,
  }));
}

function recommendationTable(before: PlanJson, after: PlanJson): Table {
  return {
    id: 'changes-recommendations',
    title: 'Recommendations: then and now',
    columns: changeColumns('then', 'now'),
    rows: unionRows(planItems(before), planItems(after)).map((r) =>
      changeRow(r.item, r.before, r.after),
    ),
  };
}

type Measures = Map<string, { class: string; measure: string; value: number }>;

function runMeasures(bundle: RunOnDisk, out: Measures): void {
  for (const cls of classesInRun(stepDocuments(bundle))) {
    const best = peakValidStep(stepDocuments(bundle), cls);
    if (!best) continue;
    const put = (measure: string, value: number) =>
      out.set(`${cls}|${measure}`, { class: cls, measure, value });
    put('best valid throughput (tx/s)', roundMeasure(best.stats.throughput));
    put('p95 at that step (ms)', roundMeasure(best.stats.latency.transaction.p95));
    put('errors at that step (%)', percent(best.stats.errors.rate));
  }
  const db = databaseTime(stepDocuments(bundle));
  if (db.transactions > 0 && db.totalMs > 0)
    out.set('all|db', {
      class: 'all',
      measure: 'statement time per transaction (ms)',
      value: roundMeasure(db.totalMs / db.transactions),
    });
}

function planMeasures(plan: PlanJson, out: Measures): void {
  const put = (cls: string, measure: string, value: number | null | undefined) => {
    if (value !== null && value !== undefined)
      out.set(`${cls}|${measure}`, { class: cls, measure, value });
  };
  for (const fit of plan.fits) {
    put(fit.scope, 'USL knee N*', fit.nStar);
    put(fit.scope, 'USL X(N*) (tx/s)', fit.xMax === null ? null : roundMeasure(fit.xMax));
    put(fit.scope, 'USL σ', roundMeasure(fit.coefficients.sigma));
    put(fit.scope, 'USL κ', roundMeasure(fit.coefficients.kappa));
  }
  for (const c of classReadiness(plan)) {
    put(
      c.class,
      'capacity within SLO today (tx/s)',
      c.capacity === null ? null : roundMeasure(c.capacity),
    );
    put(c.class, 'forecast peak (tx/s)', roundMeasure(c.peak));
  }
  put('all', 'database busy cores at the peak', roundMeasure(plan.database.vcpu.busyCoresAtPeak));
}

function classOrder(cls: string): number {
  const i = TRANSACTION_CLASSES.indexOf(cls as TransactionClass);
  return i === -1 ? TRANSACTION_CLASSES.length : i;
}

function measurementTable(before: Measures, after: Measures): Table {
  const keys = [...new Set([...after.keys(), ...before.keys()])];
  const rows = keys
    .map((key) => {
      const a = after.get(key);
      const b = before.get(key);
      const meta = (a ?? b)!;
      const pct = a && b ? changePct(b.value, a.value) : undefined;
      return {
        class: meta.class,
        measure: meta.measure,
        before: b?.value ?? null,
        after: a?.value ?? null,
        changePct: pct ?? null,
      };
    })
    .sort((x, y) => classOrder(x.class) - classOrder(y.class));
  return {
    id: 'changes-measurements',
    title: 'Key measurements: then and now',
    columns: [
      { key: 'class', label: 'class' },
      { key: 'measure', label: 'measurement' },
      { key: 'before', label: 'then', numeric: true },
      { key: 'after', label: 'now', numeric: true },
      { key: 'changePct', label: 'change (%)', numeric: true },
    ],
    rows,
  };
}

/**
 * The steps of a class to compare calls at: the highest load both runs held validly (same step
 * label), else each run's best valid step.
 */
function comparableSteps(
  before: RunOnDisk,
  after: RunOnDisk,
  cls: TransactionClass,
): { then?: ClassStep; now?: ClassStep } {
  const validWithCalls = (bundle: RunOnDisk) =>
    classSteps(stepDocuments(bundle), cls).filter(
      (s) => s.step.valid && s.stats.calls !== undefined,
    );
  const thenSteps = validWithCalls(before);
  const common = validWithCalls(after)
    .filter((s) => thenSteps.some((t) => t.step.label === s.step.label))
    .sort((a, b) => offeredLoad(b.step) - offeredLoad(a.step))[0];
  if (common)
    return { then: thenSteps.find((t) => t.step.label === common.step.label), now: common };
  return {
    then: peakValidStep(stepDocuments(before), cls),
    now: peakValidStep(stepDocuments(after), cls),
  };
}

function callsTable(before: RunOnDisk, after: RunOnDisk): Table | null {
  const classes = TRANSACTION_CLASSES.filter(
    (c) =>
      classesInRun(stepDocuments(before)).includes(c) ||
      classesInRun(stepDocuments(after)).includes(c),
  );
  const rows: Record<string, Cell>[] = [];
  for (const cls of classes) {
    const { then, now } = comparableSteps(before, after, cls);
    const thenCalls = then?.stats.calls ?? {};
    const nowCalls = now?.stats.calls ?? {};
    const step =
      then && now && then.step.label !== now.step.label
        ? `${then.step.label} → ${now.step.label}`
        : ((now ?? then)?.step.label ?? null);
    const keys = [...new Set([...Object.keys(nowCalls), ...Object.keys(thenCalls)])];
    const p95 = (c: (typeof nowCalls)[string] | undefined) =>
      c === undefined ? null : roundMeasure(c.latency.p95);
    rows.push(
      ...keys
        .map((call) => {
          const b = p95(thenCalls[call]);
          const a = p95(nowCalls[call]);
          return {
            class: cls,
            call,
            step,
            before: b,
            after: a,
            changePct: a !== null && b !== null ? (changePct(b, a) ?? null) : null,
          };
        })
        .sort((x, y) => (y.after ?? -1) - (x.after ?? -1) || (y.before ?? 0) - (x.before ?? 0)),
    );
  }
  if (rows.length === 0) return null;
  return {
    id: 'changes-calls',
    title: 'Calls: request p95 then and now (ms)',
    columns: [
      { key: 'class', label: 'class' },
      { key: 'call', label: 'call' },
      { key: 'step', label: 'step' },
      { key: 'before', label: 'then', numeric: true },
      { key: 'after', label: 'now', numeric: true },
      { key: 'changePct', label: 'change (%)', numeric: true },
    ],
    rows,
    note: 'Each class at the highest load both runs held validly, else at each run’s best valid step; slowest call first.',
  };
}

function describeRun(steps: readonly StepJson[]): string {
  return classesInRun(steps).join(', ') || 'no classes';
}

export function compareWithBaseline(current: PlannedRun, baseline: Baseline): Comparison {
  const notes: string[] = [];
  const basePlan = baseline.plan;
  const baseRun = baseline.kind === 'run' ? baseline.run : undefined;
  const runId = baseRun?.run.id ?? basePlan?.runs[0]?.id ?? 'unknown';

  const before: Measures = new Map();
  const after: Measures = new Map();
  if (baseRun) {
    runMeasures(baseRun, before);
    runMeasures(current, after);
  } else {
    notes.push('The baseline is a plan without its run: only planned figures are compared.');
  }
  if (basePlan) {
    planMeasures(basePlan, before);
    planMeasures(current.plan, after);
  } else {
    notes.push(
      `Run ${runId} has no plan.json, so recommendations are not compared; run \`odoo-capacity plan\` on it to include them.`,
    );
  }
  if (basePlan && basePlan.environment.name !== current.plan.environment.name)
    notes.push(
      `Different environments: then ${basePlan.environment.name}, now ${current.plan.environment.name}.`,
    );
  if (baseRun) {
    const then = baseRun.run.target.odoo?.serverVersion;
    const now = current.run.target.odoo?.serverVersion;
    if (then && now && then !== now) notes.push(`Odoo version changed: ${then} → ${now}.`);
    if (baseRun.run.ladder.profile !== current.run.ladder.profile)
      notes.push(
        `Different load profiles: then ${baseRun.run.ladder.profile} (${describeRun(stepDocuments(baseRun))}), now ${current.run.ladder.profile} (${describeRun(stepDocuments(current))}).`,
      );
    if (baseRun.run.ladder.model !== current.run.ladder.model)
      notes.push(
        `Different load models: then ${baseRun.run.ladder.model}, now ${current.run.ladder.model}; concurrency is not measured the same way.`,
      );
  }

  const recommendations = basePlan ? recommendationTable(basePlan, current.plan) : undefined;
  const measurements = measurementTable(before, after);
  const calls = baseRun ? callsTable(baseRun, current) : null;
  const changedRecs = recommendations?.rows.filter((r) => r.change !== 'unchanged').length ?? 0;
  const moved = measurements.rows.filter(
    (r) => r.changePct === null || Math.abs(r.changePct as number) >= NOTABLE_CHANGE_PCT,
  ).length;
  const recPart = recommendations
    ? `${changedRecs} of ${recommendations.rows.length} recommendation items changed`
    : 'recommendations not compared';
  const headline = `Against run ${runId}: ${recPart}; ${moved} of ${measurements.rows.length} key measurements moved by ${NOTABLE_CHANGE_PCT} % or more or are new.`;
  return {
    against: {
      kind: baseline.kind,
      runId,
      planGeneratedAt: basePlan?.generatedAt ?? null,
    },
    headline,
    recommendations: recommendations ?? null,
    measurements,
    calls,
    notes,
  };
}
