// Per-call statistics in the report: the slowest calls per step alike in HTML, Markdown and JSON,
// older runs without the section, and `--compare`'s p95 then and now.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithBaseline } from '../../src/report/compare.js';
import { readBaseline, readPlannedRun, type PlannedRun } from '../../src/report/read-run.js';
import { buildReport, type ReportDocument } from '../../src/report/report-model.js';
import { renderReport } from '../../src/report/render.js';
import { changePct, roundMeasure } from '../../src/report/round.js';
import { TOP_CALLS } from '../../src/report/run-tables.js';
import type { Table } from '../../src/report/table.js';
import { writeSyntheticRun } from '../fixtures/report/synthetic-run.js';
import { markdownTable } from '../helpers/report-checks.js';

let root: string;
let q2Dir: string;
/** Q3 as a runner before per-call statistics wrote it. */
let oldDir: string;
let q3: PlannedRun;
let doc: ReportDocument;
let html: string;
let md: string;
let json: ReportDocument;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-report-calls-'));
  q2Dir = await writeSyntheticRun(root, 'q2');
  q3 = await readPlannedRun(await writeSyntheticRun(root, 'q3'));
  oldDir = await writeSyntheticRun(join(root, 'old'), 'q3', { withoutCalls: true });
  doc = buildReport(q3, await readBaseline(q2Dir, root));
  const [h, m, j] = await renderReport(doc, ['html', 'md', 'json']);
  [html, md, json] = [h!.content, m!.content, JSON.parse(j!.content) as ReportDocument];
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** The rows of an HTML table by its id, as the cells' text. */
function htmlRows(id: string): string[][] {
  const table = new RegExp(`<table id="table-${id}">([\\s\\S]*?)</table>`).exec(html)![1]!;
  return [...table.matchAll(/<tr>(.*?)<\/tr>/g)]
    .map((r) => [...r[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!))
    .filter((cells) => cells.length > 0);
}

const cellText = (table: Table) =>
  table.rows.map((r) => table.columns.map((c) => (r[c.key] === null ? '–' : String(r[c.key]))));

describe('slowest calls in the report', () => {
  it('lists each step’s calls slowest first, with step.json’s figures rounded once', () => {
    expect(doc.calls.map((s) => s.step)).toEqual(q3.steps.map((s) => s.step.label));
    for (const [i, section] of doc.calls.entries()) {
      const step = q3.steps[i]!.step;
      const all = Object.values(step.classes).flatMap((c) => Object.entries(c.calls ?? {}));
      const rows = section.table.rows;
      expect(rows).toHaveLength(Math.min(TOP_CALLS, all.length));
      const p95s = rows.map((r) => r.p95 as number);
      expect(p95s).toEqual([...p95s].sort((a, b) => b - a));
      // No call left out is slower than the slowest shown.
      const slowest = Math.max(...all.map(([, c]) => c.latency.p95));
      expect(rows[0]!.p95).toBe(roundMeasure(slowest));
      for (const row of rows) {
        const call = step.classes[row.class as 'order-wave']!.calls![row.call as string]!;
        expect(row).toMatchObject({
          requests: call.requests,
          p50: roundMeasure(call.latency.p50),
          p99: roundMeasure(call.latency.p99),
        });
      }
      expect(section.table.note).toBe(
        `${all.length - TOP_CALLS} faster calls not shown; step.json lists every call.`,
      );
      expect(section.valid).toBe(step.valid);
    }
  });

  it('gives each call its share of its class’s request time', () => {
    const step = q3.steps[0]!.step;
    const calls = step.classes['order-wave']!.calls!;
    const total = Object.values(calls).reduce((s, c) => s + c.requests * c.latency.mean, 0);
    const confirm = calls['sale.order.action_confirm']!;
    const row = doc.calls[0]!.table.rows.find((r) => r.call === 'sale.order.action_confirm')!;
    expect(row.timeSharePct).toBeCloseTo(
      (100 * confirm.requests * confirm.latency.mean) / total,
      1,
    );
  });

  it('shows the same rows in HTML, Markdown and JSON, with a chart per step in the HTML', () => {
    expect(json.calls).toEqual(doc.calls);
    for (const section of doc.calls) {
      const id = section.table.id;
      expect(markdownTable(md, id).rows).toEqual(cellText(section.table));
      expect(htmlRows(id)).toEqual(cellText(section.table));
      const svg = new RegExp(`<svg[^>]*id="chart-calls-${section.step}"[\\s\\S]*?</svg>`).exec(
        html,
      );
      expect(svg, section.step).not.toBeNull();
      expect(svg![0].match(/class="bar"/g)).toHaveLength(section.table.rows.length);
      expect(svg![0]).toContain(`${section.table.rows[0]!.call} (${section.table.rows[0]!.class})`);
    }
    expect(html).toContain('<a href="#calls">Slowest calls per step</a>');
    expect(md).toContain('## Slowest calls per step');
  });

  it('reads and renders a run written before per-call statistics, without the section', async () => {
    const old = buildReport(await readPlannedRun(oldDir));
    expect(old.calls).toEqual([]);
    expect(old.charts.calls).toEqual([]);
    const [h, m] = await renderReport(old, ['html', 'md']);
    expect(h!.content).not.toContain('Slowest calls');
    expect(m!.content).not.toContain('Slowest calls');
    expect(old.classes.length).toBe(doc.classes.length);
  });
});

describe('calls across runs (--compare)', () => {
  it('shows each call’s p95 then and now at the highest load both runs held', async () => {
    const table = doc.comparison!.calls!;
    const row = table.rows.find(
      (r) => r.class === 'order-wave' && r.call === 'sale.order.action_confirm',
    )!;
    const q2 = await readPlannedRun(q2Dir);
    // The highest load both runs held validly (rate-20: Q2 dropped arrivals from rate-24 on).
    const held = (run: PlannedRun) =>
      run.steps.filter((s) => s.step.valid).map((s) => s.step.label);
    const common = held(q3).filter((l) => held(q2).includes(l));
    const label = common[common.length - 1]!;
    expect(row.step).toBe(label);
    const at = (run: PlannedRun) =>
      roundMeasure(
        run.steps.find((s) => s.step.label === label)!.step.classes['order-wave']!.calls![
          'sale.order.action_confirm'
        ]!.latency.p95,
      );
    const now = at(q3);
    expect(row.before).toBe(at(q2));
    expect(row.after).toBe(now);
    expect(row.changePct).toBe(changePct(row.before as number, now) ?? null);
    expect(markdownTable(md, 'changes-calls').rows).toEqual(cellText(table));
    expect(htmlRows('changes-calls')).toEqual(cellText(table));
  });

  it('marks a call only the new run makes, and finds nothing moved against itself', async () => {
    const table = doc.comparison!.calls!;
    expect(table.rows.find((r) => r.call === 'stock.picking.action_assign')).toMatchObject({
      before: null,
      changePct: null,
    });
    const self = compareWithBaseline(q3, await readBaseline(q3.dir, root));
    expect(self.calls!.rows.every((r) => r.changePct === 0)).toBe(true);
  });

  it('has no calls table when neither run has per-call statistics', async () => {
    const old = await readPlannedRun(oldDir);
    expect(compareWithBaseline(old, await readBaseline(oldDir, root)).calls).toBeNull();
  });
});
