// "What changed since last quarter": this run and plan against an earlier run or plan, as two
// tables — recommendations (earlier recommended → now recommended) and key measurements (best
// valid throughput, its p95 and errors, the USL fit, DB time per transaction) — plus notes on
// anything that makes the two hard to compare (another environment, Odoo version, profile).
import type { TransactionClass } from '../core/classes.js';
import { TRANSACTION_CLASSES } from '../core/classes.js';
import type { StepJson } from '../core/run-types.js';
import { monthlyCost } from './cost.js';
import { classesInRun, databaseTime, peakValidStep } from './measurements.js';
import type { PlanJson } from './plan-types.provisional.js';
import type { Baseline, PlannedRun, RunBundle } from './read-run.js';
import { changePct, percent, roundMeasure } from './round.js';
import type { Cell, Table } from './table.js';

/** A measurement that moved by at least this much (in %) counts as changed in the headline. */
export const NOTABLE_CHANGE_PCT = 10;

export interface Comparison {
  against: { kind: 'run' | 'plan'; runId: string; planCreatedAt?: string };
  headline: string;
  recommendations?: Table;
  measurements?: Table;
  notes: string[];
}

type Row = { item: string; before: Cell; after: Cell };

function changeOf(before: Cell, after: Cell): string {
  if (before === null && after === null) return 'unchanged';
  if (before === null) return 'new';
  if (after === null) return 'gone';
  if (typeof before === 'number' && typeof after === 'number') {
    const delta = roundMeasure(after - before);
    return delta === 0 ? 'unchanged' : delta > 0 ? `+${delta}` : String(delta);
  }
  return before === after ? 'unchanged' : 'changed';
}

function planItems(plan: PlanJson): Map<string, Cell> {
  const w = plan.workers.recommended;
  const db = plan.database.recommended;
  const items = new Map<string, Cell>([
    ['verdict', plan.verdict.ready ? 'ready' : 'not ready'],
    ['Odoo pods', w.pods],
    ['HTTP workers per pod', w.workersPerPod],
    ['HTTP workers in total', w.pods * w.workersPerPod],
    ['CPU per Odoo pod', roundMeasure(w.cpuPerPod)],
    ['memory per Odoo pod (MiB)', roundMeasure(w.memoryPerPodMiB)],
  ]);
  for (const pool of plan.nodePools) {
    items.set(`node pool ${pool.pool}: node type`, pool.nodeType);
    items.set(`node pool ${pool.pool}: nodes`, pool.recommended.nodes);
  }
  items.set('database instance', db.instance);
  items.set('database vCPU', roundMeasure(db.vcpu));
  items.set('database memory (GiB)', roundMeasure(db.memoryGiB));
  items.set('database max_connections', db.maxConnections);
  items.set(`monthly cost (${plan.currency})`, monthlyCost(plan).recommended);
  for (const t of plan.tenants) items.set(`tenant ${t.tenant}`, t.recommended);
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
    columns: [
      { key: 'item', label: 'item' },
      { key: 'before', label: 'then', numeric: true },
      { key: 'after', label: 'now', numeric: true },
      { key: 'change', label: 'change' },
    ],
    rows: unionRows(planItems(before), planItems(after)).map((r) => ({
      ...r,
      change: changeOf(r.before, r.after),
    })),
  };
}

type Measures = Map<string, { class: string; measure: string; value: number }>;

function runMeasures(bundle: RunBundle, out: Measures): void {
  for (const cls of classesInRun(bundle.steps)) {
    const best = peakValidStep(bundle.steps, cls);
    if (!best) continue;
    const put = (measure: string, value: number) =>
      out.set(`${cls}|${measure}`, { class: cls, measure, value });
    put('best valid throughput (tx/s)', roundMeasure(best.stats.throughput));
    put('p95 at that step (ms)', roundMeasure(best.stats.latency.transaction.p95));
    put('errors at that step (%)', percent(best.stats.errors.rate));
  }
  const db = databaseTime(bundle.steps);
  if (db.transactions > 0 && db.totalMs > 0)
    out.set('all|db', {
      class: 'all',
      measure: 'statement time per transaction (ms)',
      value: roundMeasure(db.totalMs / db.transactions),
    });
}

function planMeasures(plan: PlanJson, out: Measures): void {
  for (const fit of plan.usl) {
    const put = (measure: string, value: number) =>
      out.set(`${fit.class}|${measure}`, { class: fit.class, measure, value });
    put('USL knee N*', fit.nStar);
    put('USL X(N*) (tx/s)', roundMeasure(fit.xMax));
    put('USL σ', roundMeasure(fit.sigma));
    put('USL κ', roundMeasure(fit.kappa));
  }
  for (const p of plan.forecast.peaks) {
    out.set(`${p.class}|capacity`, {
      class: p.class,
      measure: 'capacity within SLO (tx/s)',
      value: roundMeasure(p.capacityThroughput),
    });
    out.set(`${p.class}|peak`, {
      class: p.class,
      measure: 'forecast peak (tx/s)',
      value: roundMeasure(p.peakThroughput),
    });
  }
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

function describeRun(steps: readonly StepJson[]): string {
  return classesInRun(steps).join(', ') || 'no classes';
}

export function compareWithBaseline(current: PlannedRun, baseline: Baseline): Comparison {
  const notes: string[] = [];
  const basePlan = baseline.plan;
  const baseRun = baseline.kind === 'run' ? baseline.bundle : undefined;
  const runId = baseRun?.run.id ?? basePlan?.runId ?? 'unknown';

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
  if (basePlan && basePlan.environment !== current.plan.environment)
    notes.push(
      `Different environments: then ${basePlan.environment}, now ${current.plan.environment}.`,
    );
  if (baseRun) {
    const then = baseRun.run.target.odoo?.serverVersion;
    const now = current.run.target.odoo?.serverVersion;
    if (then && now && then !== now) notes.push(`Odoo version changed: ${then} → ${now}.`);
    if (baseRun.run.ladder.profile !== current.run.ladder.profile)
      notes.push(
        `Different load profiles: then ${baseRun.run.ladder.profile} (${describeRun(baseRun.steps)}), now ${current.run.ladder.profile} (${describeRun(current.steps)}).`,
      );
    if (baseRun.run.ladder.model !== current.run.ladder.model)
      notes.push(
        `Different load models: then ${baseRun.run.ladder.model}, now ${current.run.ladder.model}; concurrency is not measured the same way.`,
      );
  }

  const recommendations = basePlan ? recommendationTable(basePlan, current.plan) : undefined;
  const measurements = measurementTable(before, after);
  const changedRecs = recommendations?.rows.filter((r) => r.change !== 'unchanged').length ?? 0;
  const moved = measurements.rows.filter(
    (r) => r.changePct === null || Math.abs(r.changePct as number) >= NOTABLE_CHANGE_PCT,
  ).length;
  const recPart = recommendations
    ? `${changedRecs} of ${recommendations.rows.length} recommendation items changed`
    : 'recommendations not compared';
  const headline = `Against run ${runId}: ${recPart}; ${moved} of ${measurements.rows.length} key measurements moved by ${NOTABLE_CHANGE_PCT} % or more (or are new or gone).`;
  return {
    against: {
      kind: baseline.kind,
      runId,
      ...(basePlan ? { planCreatedAt: basePlan.createdAt } : {}),
    },
    headline,
    ...(recommendations ? { recommendations } : {}),
    measurements,
    notes,
  };
}
