// Rendering edge cases: a plan missing tenants, fits, catalog or statement statistics still
// renders and says so; plan text is escaped; the HTML stays self-contained.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanJson } from '../../src/core/plan-types.js';
import { readPlannedRun } from '../../src/report/read-run.js';
import { buildReport } from '../../src/report/report-model.js';
import { renderReport } from '../../src/report/render.js';
import { writeSyntheticRun } from '../fixtures/report/synthetic-run.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-report-render-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function render(name: string, mutatePlan: (plan: PlanJson) => void, stripStatements = false) {
  const dir = await writeSyntheticRun(join(root, name), 'q3', { mutatePlan });
  const run = await readPlannedRun(dir);
  if (stripStatements)
    for (const { step } of run.steps)
      for (const db of step.database.databases) {
        db.topStatements = [];
        db.statementTimeMs = 0;
        step.database.cluster.statStatements = false;
        step.database.cluster.note = 'imported from a distributed run';
      }
  const doc = buildReport(run);
  const [html, md, json] = await renderReport(doc, ['html', 'md', 'json']);
  return { doc, html: html!.content, md: md!.content, json: json!.content };
}

describe('rendering', () => {
  it('renders a sparse plan — no tenants, fits, autoscaling, instance catalog or statements — and says so', async () => {
    const { doc, html, md } = await render(
      'sparse',
      (plan) => {
        plan.tenants = null;
        plan.fits = [];
        plan.autoscaling = null;
        plan.database.instance = null;
        plan.workers[0]!.current = null;
      },
      true,
    );
    expect(doc.summary.cost.unpriced).toEqual(['database']);
    expect(doc.summary.costLine).toContain('Not priced: database');
    expect(doc.summary.toAdd[0]).toContain('(not running today)');
    expect(doc.charts.throughput.every((c) => c.curve.length === 0 && !c.knee)).toBe(true);
    for (const text of [html, md]) {
      expect(text).toContain('The plan makes no tenant placement');
    }
    expect(html).toContain('pg_stat_statements was not available');
    expect(doc.dbTime.note).toContain('No statement statistics: imported from a distributed run.');
    expect(html).not.toContain('id="rec-autoscaling"');
  });

  it('says which classes were not measured, which SLOs no worker count meets, and that the sizing is infeasible', async () => {
    const { doc } = await render('infeasible', (plan) => {
      plan.unmeasuredClasses = ['month-end-billing'];
      delete plan.runway.currentCapacity['month-end-billing'];
      plan.feasibility = { feasible: false, reasons: ['no node type fits a 9-CPU pod'] };
      plan.workers[0]!.sloUnreachable = ['carrier-burst'];
      // What plan.json holds when the planner's p95 is Infinity: the pool cannot keep up.
      (plan.workers[0]!.predictions[0] as { p95Ms: number | null }).p95Ms = null;
    });
    expect(doc.summary.ready).toBe(false);
    expect(doc.readiness.rows.find((r) => r.class === 'month-end-billing')).toMatchObject({
      capacity: null,
      covered: 'not measured',
    });
    expect(doc.summary.verdict).toContain('month-end-billing was not measured, so not sized.');
    expect(doc.summary.verdict).toContain(
      'carrier-burst misses its p95 SLO even without queueing: more workers will not help; the transaction itself must get faster.',
    );
    const slo = doc.recommendations[0]!.tables.find((t) => t.id === 'rec-workers-web-slo')!;
    expect(slo.rows[0]).toMatchObject({ class: 'order-wave', p95: 'unbounded' });
    expect(doc.summary.verdict.at(-1)).toBe(
      'Even the recommended sizing cannot meet the SLOs: no node type fits a 9-CPU pod.',
    );
  });

  it('escapes text from the plan in the HTML and the Markdown', async () => {
    const hostile = '<img src=x onerror=alert(1)> | acme';
    const { html, md } = await render('hostile', (plan) => {
      plan.tenants![0]!.tenant = hostile;
      plan.warnings.push(hostile);
    });
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; | acme');
    expect(md).not.toContain('<img src=x');
    // In a table cell the pipe is escaped so the row keeps its columns.
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt; \\| acme');
  });

  it('shows the posting-collision finding in every format, and leaves the section out without it', async () => {
    const { doc, html, md, json } = await render('posting', () => undefined);
    const finding = doc.postingCollisions!.finding[0]!;
    expect(html).toContain('<section id="posting-collisions">');
    expect(html).toContain('href="#posting-collisions"');
    expect(html).toContain('id="table-posting-collisions"');
    expect(html).toContain(`<p class="finding">${finding}</p>`);
    expect(md).toContain(finding);
    expect((JSON.parse(json) as typeof doc).postingCollisions!.finding[0]).toBe(finding);

    const without = await render('no-posting', (plan) => {
      plan.postingCollisions = null;
    });
    expect(without.html).not.toContain('posting-collisions');
    expect(without.md).not.toContain('posting collisions');
  });

  it('makes a self-contained HTML page: no scripts, no external resources', async () => {
    const { html } = await render('self-contained', () => undefined);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\ssrc=/i);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(5);
    expect(hrefs.every((h) => h.startsWith('#'))).toBe(true);
  });

  it('renders the same bytes from the same inputs', async () => {
    const a = await render('same-a', () => undefined);
    const b = await render('same-b', () => undefined);
    expect(a.html).toBe(b.html);
    expect(a.md).toBe(b.md);
    expect(a.json).toBe(b.json);
  });
});
