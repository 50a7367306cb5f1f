// The report document built from a (synthetic) planned run: the executive summary says whether
// the peak is covered, what to add and what it costs; tables come from each step's own numbers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPlannedRun, type PlannedRun } from '../../src/report/read-run.js';
import { buildReport, type ReportDocument } from '../../src/report/report-model.js';
import { writeSyntheticRun } from '../fixtures/report/synthetic-run.js';

let root: string;
let run: PlannedRun;
let doc: ReportDocument;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-report-model-'));
  run = await readPlannedRun(await writeSyntheticRun(root, 'q3'));
  doc = buildReport(run);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('report document', () => {
  it('says the peak is not covered when the plan says so, and lists what to add', () => {
    expect(doc.summary.ready).toBe(false);
    expect(doc.summary.headline).toMatch(/^Not ready/);
    expect(doc.summary.toAdd).toEqual(
      expect.arrayContaining([
        expect.stringContaining('6 pods × 4 workers (today 4 × 4)'),
        expect.stringContaining('add 1 n2-standard-8 node (3 → 4)'),
        expect.stringContaining('db-custom-8-32'),
        expect.stringContaining('Tenant acme: move from shared to dedicated-db'),
      ]),
    );
  });

  it('adds up the monthly cost of the node pools and the database', () => {
    // Synthetic plan: pool 3 → 4 nodes at 280, database 410 → 820.
    expect(doc.summary.cost).toEqual({
      currency: 'EUR',
      currentMonthly: 3 * 280 + 410,
      recommendedMonthly: 4 * 280 + 820,
      change: 280 + 410,
    });
    expect(doc.summary.costLine).toContain('EUR 1940 a month, EUR 690 more than today (EUR 1250)');
    expect(doc.cost.rows.at(-1)).toEqual({
      item: 'total',
      current: 1250,
      recommended: 1940,
      change: 690,
    });
  });

  it('says nothing needs adding when the plan recommends the current sizing', async () => {
    const ready = buildReport(
      await readPlannedRun(await writeSyntheticRun(join(root, 'ready'), 'q2')),
    );
    expect(ready.summary.ready).toBe(true);
    expect(ready.summary.toAdd).toEqual([]);
    expect(ready.summary.costLine).toContain('the same as today');
  });

  it('has one section per class that ran, with one row per step', () => {
    expect(doc.classes.map((c) => c.class)).toEqual([
      'order-wave',
      'stock-moves',
      'carrier-burst',
      'month-end-billing',
    ]);
    for (const section of doc.classes) {
      expect(section.throughput.rows).toHaveLength(run.steps.length);
      expect(section.latency.rows).toHaveLength(run.steps.length);
    }
  });

  it('takes each step’s percentiles from that step, never averaging across steps', () => {
    const latency = doc.classes.find((c) => c.class === 'stock-moves')!.latency;
    run.steps.forEach((step, i) => {
      const measured = step.classes['stock-moves']!.latency.transaction;
      expect(latency.rows[i]!.p95).toBeCloseTo(measured.p95, measured.p95 >= 100 ? -0.5 : 1);
      expect(latency.rows[i]!.p99).toBeCloseTo(measured.p99, measured.p99 >= 100 ? -0.5 : 1);
    });
  });

  it('marks invalid steps in the tables and as hollow points in the charts', () => {
    const rows = doc.classes.find((c) => c.class === 'order-wave')!.throughput.rows;
    const invalid = run.steps.filter((s) => !s.valid).map((s) => s.label);
    expect(invalid.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.valid === 'no').map((r) => r.step)).toEqual(invalid);
    const chart = doc.charts.throughput.find((c) => c.class === 'order-wave')!;
    expect(chart.measured.filter((p) => !p.valid)).toHaveLength(invalid.length);
    expect(chart.knee).toEqual({ n: 17, x: 11.7 });
  });

  it('splits database time by statement class over the valid steps, shares adding up to 100 %', () => {
    const shares = doc.dbTime.rows.map((r) => r.sharePct as number);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
    expect(doc.dbTime.rows[0]!.statementClass).toBe('UPDATE stock_quant');
    // The runner keeps only the top statements; the rest of statementTimeMs is "other".
    expect(doc.dbTime.rows.at(-1)!.statementClass).toBe('other statements');
    const validSteps = run.steps.filter((s) => s.valid).length;
    expect(doc.dbTime.note).toContain(`the ${validSteps} valid steps`);
  });

  it('computes headroom as forecast peak over capacity', () => {
    const workers = doc.headroom.rows.find((r) => r.resource === 'Odoo HTTP workers')!;
    expect(workers.utilisationPct).toBe(121.3); // 19.4 / 16
    expect(workers.headroomPct).toBe(-21.3);
    expect(doc.charts.headroom.items).toContainEqual({
      resource: 'Odoo HTTP workers',
      utilisationPct: 121.3,
    });
  });

  it('keeps the plan as the planner wrote it', () => {
    expect(doc.plan).toEqual(run.plan);
  });
});
