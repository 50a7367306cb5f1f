// The report document built from a (synthetic) planned run: the executive summary says whether
// the peak is covered, what to add and what it costs; tables come from each step's own numbers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBaseline, readPlannedRun, type PlannedRun } from '../../src/report/read-run.js';
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
  it('is not ready when a class’s forecast peak exceeds its measured capacity, and says which', () => {
    // Synthetic Q3: order-wave and stock-moves fall short of the Black-Friday peak.
    expect(doc.summary.ready).toBe(false);
    expect(doc.summary.headline).toBe(
      "Today's platform is not ready for the forecast peak (Black Friday, 2025-11-28)",
    );
    expect(doc.summary.verdict[0]).toContain('order-wave and stock-moves exceed');
    expect(doc.summary.verdict[1]).toBe(
      'Capacity runs out on 2025-11-01, limited by order-wave: web workers.',
    );
    expect(doc.readiness.rows.filter((r) => r.covered === 'no').map((r) => r.class)).toEqual([
      'order-wave',
      'stock-moves',
    ]);
  });

  it('lists what to add: workers, nodes, database, pooler, autoscaling and tenant moves', () => {
    expect(doc.summary.toAdd).toEqual([
      'Odoo web pool: 24 workers in 6 pods of 4 (today 16 in 4).',
      'Node pool web: 4 × n2-standard-8 (3 for the load, N+1).',
      'Database: db-custom-8-32, 8 vCPU and 32 GiB RAM (today 4 vCPU, 16 GiB).',
      'PgBouncer in transaction mode (default_pool_size 17): the worst case of 960 connections exceeds max_connections 200.',
      'Autoscale the web pods between 6 and 8 replicas at 3 in-flight requests per pod.',
      'Tenant acme: dedicated-database.',
      expect.stringMatching(
        /^Month-end billing: at most one invoicing batch at once \(posting collisions cap billing at N ≈ 1\.8/,
      ),
    ]);
  });

  it('adds up what the recommended platform costs a month, and compares it with last quarter', async () => {
    // Synthetic plan: 4 nodes at 280 and a database at 820.
    expect(doc.summary.cost).toMatchObject({ currency: 'EUR', monthly: 4 * 280 + 820 });
    expect(doc.cost.rows.at(-1)).toMatchObject({ item: 'total', monthly: 1940 });
    expect(doc.summary.costLine).toBe(
      'The recommended platform costs EUR 1940 a month (node pool web EUR 1120, database EUR 820).',
    );
    const q2 = await writeSyntheticRun(join(root, 'base'), 'q2');
    const compared = buildReport(run, await readBaseline(q2, root));
    expect(compared.summary.cost.previousMonthly).toBe(3 * 280 + 410);
    expect(compared.summary.costLine).toContain("Last quarter's plan: EUR 1250 (+EUR 690).");
  });

  it('says the peak is covered when every class has headroom', async () => {
    const q2 = buildReport(
      await readPlannedRun(await writeSyntheticRun(join(root, 'ready'), 'q2')),
    );
    expect(q2.summary.ready).toBe(true);
    expect(q2.summary.headline).toMatch(/^Today's platform is ready for the forecast peak/);
    expect(q2.readiness.rows.every((r) => r.covered === 'yes')).toBe(true);
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
    run.steps.forEach(({ step }, i) => {
      const measured = step.classes['stock-moves']!.latency.transaction;
      expect(latency.rows[i]!.p95).toBeCloseTo(measured.p95, measured.p95 >= 100 ? -0.5 : 1);
      expect(latency.rows[i]!.p99).toBeCloseTo(measured.p99, measured.p99 >= 100 ? -0.5 : 1);
    });
  });

  it('marks steps that did not count in the tables, the charts and the warnings', () => {
    const rows = doc.classes.find((c) => c.class === 'order-wave')!.throughput.rows;
    const invalid = run.steps.filter((s) => !s.step.valid).map((s) => s.step.label);
    expect(invalid.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.valid === 'no').map((r) => r.step)).toEqual(invalid);
    const chart = doc.charts.throughput.find((c) => c.class === 'order-wave')!;
    expect(chart.measured.filter((p) => !p.valid)).toHaveLength(invalid.length);
    for (const label of invalid)
      expect(doc.warnings.join('\n')).toContain(`Step ${label} did not count`);
  });

  it('draws the USL curve and the knee from the plan’s fit', () => {
    const chart = doc.charts.throughput.find((c) => c.class === 'order-wave')!;
    const fit = run.plan.fits.find((f) => f.scope === 'order-wave')!;
    expect(chart.knee).toEqual({
      n: fit.nStar,
      x: 11.7,
      extrapolated: fit.nStar! > fit.maxMeasuredN,
    });
    expect(chart.curve).toHaveLength(fit.curve.length);
    expect(doc.usl.rows.find((r) => r.scope === 'order-wave')).toMatchObject({
      nStar: fit.nStar,
      sigma: 0.05,
      kappa: 0.003,
    });
  });

  it('splits database time by statement class over the valid steps, shares adding up to 100 %', () => {
    const shares = doc.dbTime.rows.map((r) => r.sharePct as number);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
    expect(doc.dbTime.rows[0]!.statementClass).toBe('UPDATE stock_quant');
    // The runner keeps only the top statements; the rest of statementTimeMs is "other".
    expect(doc.dbTime.rows.at(-1)!.statementClass).toBe('other statements');
    const validSteps = run.steps.filter((s) => s.step.valid).length;
    expect(doc.dbTime.note).toContain(`the ${validSteps} valid steps`);
  });

  it('measures headroom as forecast peak demand over today’s capacity at the target utilisation', () => {
    const byResource = Object.fromEntries(doc.headroom.rows.map((r) => [r.resource, r]));
    // Web workers: 0.68 × 24 busy at the peak against 16 × 0.7 today.
    expect(byResource['Odoo web workers']).toMatchObject({
      capacity: 11.2,
      peak: 16.3,
      utilisationPct: 145.7,
    });
    // Database: 4.9 busy cores against 4 vCPU × 0.7.
    expect(byResource['database CPU']).toMatchObject({ capacity: 2.8, utilisationPct: 175 });
    expect(doc.charts.headroom.items).toContainEqual({
      resource: 'Odoo web workers',
      utilisationPct: 145.7,
    });
  });

  it('carries every recommendation’s grounds and numbers every assumption', () => {
    const whats = doc.confidence.rows.map((r) => r.what);
    expect(whats).toEqual(
      expect.arrayContaining([
        'web workers',
        'node pool web',
        'database vCPU',
        'connection budget',
        'autoscaling',
        'tenant acme',
      ]),
    );
    expect(doc.confidence.rows.find((r) => r.what === 'database vCPU')).toMatchObject({
      grade: 'low',
    });
    expect(doc.assumptions.rows.map((r) => r.id)).toEqual(
      doc.assumptions.rows.map((_, i) => `A${i + 1}`),
    );
    expect(doc.assumptions.rows[0]).toMatchObject({ appliesTo: 'the whole plan' });
    expect(doc.assumptions.rows.some((r) => r.text === 'Database CPU target utilisation 0.7')).toBe(
      true,
    );
  });

  it('shows the recommended packing of each node pool with its spare nodes', () => {
    expect(doc.charts.packing).toEqual([
      expect.objectContaining({
        pool: 'web',
        spareNodes: 1,
        nodes: run.plan.nodePools[0]!.packing.nodes,
      }),
    ]);
  });

  it('shows what the verdict rests on: the runway’s grounds, each step named once', async () => {
    expect(doc.runway).toMatchObject({ what: 'capacity runway', confidence: 'medium' });
    const twice = await writeSyntheticRun(join(root, 'twice'), 'q3', {
      mutatePlan: (plan) => {
        plan.runway.evidence.steps = [...plan.runway.evidence.steps, ...plan.runway.evidence.steps];
      },
    });
    const again = buildReport(await readPlannedRun(twice));
    expect(again.runway.steps).toEqual(doc.runway.steps);
    expect(new Set(again.runway.steps).size).toBe(again.runway.steps.length);
  });

  it('draws the whole mix’s USL fit when the plan has one', () => {
    expect(doc.charts.mixThroughput).toHaveLength(1);
    expect(doc.charts.mixThroughput[0]).toMatchObject({ class: 'all classes (mix)' });
    expect(doc.charts.mixThroughput[0]!.knee).toBeDefined();
  });

  it('shows month-end billing’s posting collisions per step and the cap they set, with its grounds', () => {
    const section = doc.postingCollisions!;
    const cap = run.plan.postingCollisions!;
    expect(cap.status).toBe('capped');
    expect(section.table.rows).toHaveLength(8);
    const concurrency = section.table.rows.map((r) => r.concurrency as number);
    expect(concurrency).toEqual([...concurrency].sort((a, b) => a - b));
    // Q3's collisions pass 5 % of attempts from its fifth step on (8 %), and leave invoices
    // unposted from the seventh.
    expect(section.table.rows.map((r) => r.overLimit)).toEqual([
      ...Array(4).fill('no'),
      ...Array(4).fill('yes'),
    ]);
    expect(section.table.rows.map((r) => r.unposted)).toEqual([0, 0, 0, 0, 0, 0, 8, 8]);
    // The rows of steps the runner did not count are there too, marked.
    expect(section.table.rows.some((r) => r.valid === 'no')).toBe(true);
    expect(section.finding[0]).toMatch(
      /^Posting collisions cap month-end billing at N ≈ 1\.8 invoicing transactions in flight: .* at N ≈ 2\.\d+ \(step rate-20\) 7\.\d % of posting attempts collided\. Run at most one invoicing batch at once\.$/,
    );
    expect(section.finding[1]).toMatch(/forecast peak keeps about N ≈ 8\.92 .*above the cap/);
    expect(section.batchesAtOnce).toBe(1);
    expect(section.ground).toMatchObject({ what: 'month-end billing concurrency' });
    expect(doc.confidence.rows.map((r) => r.what)).toContain('month-end billing concurrency');
    expect(doc.assumptions.rows.some((r) => /5 % of posting attempts/.test(String(r.text)))).toBe(
      true,
    );
  });

  it('a plan made before posting was measured has no posting-collision section', async () => {
    const older = await writeSyntheticRun(join(root, 'older'), 'q3', {
      mutatePlan: (plan) => {
        delete plan.postingCollisions;
      },
    });
    const report = buildReport(await readPlannedRun(older));
    expect(report.postingCollisions).toBeNull();
    expect(report.summary.toAdd.join(' ')).not.toMatch(/Month-end billing/);
  });

  it('keeps the plan as the planner wrote it', () => {
    expect(doc.plan).toEqual(run.plan);
  });
});
