// The Markdown carries the same numbers as the JSON: every table of report.json appears in
// report.md cell for cell, and no number appears in the Markdown that the JSON does not have.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBaseline, readPlannedRun } from '../../src/report/read-run.js';
import { buildReport, type ReportDocument } from '../../src/report/report-model.js';
import { renderReport } from '../../src/report/render.js';
import { collectTables, type Table } from '../../src/report/table.js';
import { writeSyntheticRun } from '../fixtures/report/synthetic-run.js';

let root: string;
let markdown: string;
let json: ReportDocument;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-report-md-'));
  const baseline = await writeSyntheticRun(root, 'q2');
  const current = await writeSyntheticRun(root, 'q3');
  const doc = buildReport(await readPlannedRun(current), await readBaseline(baseline, root));
  const [md, js] = await renderReport(doc, ['md', 'json']);
  markdown = md!.content;
  json = JSON.parse(js!.content) as ReportDocument;
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** The Markdown table after `<!-- table: id -->`: header cells and body rows, unescaped. */
function markdownTable(md: string, id: string): { header: string[]; rows: string[][] } {
  const start = md.indexOf(`<!-- table: ${id} -->`);
  expect(start, `table ${id} is in the Markdown`).toBeGreaterThanOrEqual(0);
  const lines = md.slice(start).split('\n');
  const tableLines = lines.slice(lines.findIndex((l) => l.startsWith('|')));
  const body = tableLines.slice(
    0,
    tableLines.findIndex((l) => !l.startsWith('|')),
  );
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) =>
        c
          .trim()
          .replace(/\\\|/g, '|')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&'),
      );
  return { header: cells(body[0]!), rows: body.slice(2).map(cells) };
}

function expectedCell(value: unknown): string {
  return value === null || value === '' ? '–' : String(value);
}

describe('Markdown and JSON', () => {
  it('the JSON holds the tables of every section, including what changed', () => {
    const ids = collectTables(json).map((t) => t.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'readiness',
        'cost',
        'changes-recommendations',
        'changes-measurements',
        'headroom',
        'throughput-order-wave',
        'latency-month-end-billing',
        'usl',
        'db-time',
        'rec-workers-web',
        'rec-workers-web-slo',
        'rec-odoo-baseline',
        'rec-connection-budget',
        'rec-node-pool-web',
        'rec-node-pool-web-alternatives',
        'rec-autoscaling',
        'rec-database',
        'rec-database-settings',
        'rec-database-load',
        'tenants',
        'assumptions',
        'confidence',
      ]),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every JSON table is in the Markdown, cell for cell', () => {
    const tables: Table[] = collectTables(json);
    let numbers = 0;
    for (const table of tables) {
      const md = markdownTable(markdown, table.id);
      expect(md.header).toEqual(table.columns.map((c) => c.label));
      expect(md.rows).toHaveLength(table.rows.length);
      table.rows.forEach((row, i) => {
        table.columns.forEach((column, j) => {
          const value = row[column.key];
          if (typeof value === 'number') {
            numbers++;
            expect(Number(md.rows[i]![j]), `${table.id} row ${i} ${column.key}`).toBe(value);
          } else
            expect(md.rows[i]![j], `${table.id} row ${i} ${column.key}`).toBe(expectedCell(value));
        });
      });
    }
    expect(numbers).toBeGreaterThan(300);
  });

  it('no number appears in the Markdown that the JSON does not carry', () => {
    const numbersIn = (text: string) =>
      new Set((text.match(/-?\d+(?:\.\d+)?/g) ?? []).map((s) => Number(s)));
    const inJson = numbersIn(JSON.stringify({ ...json, charts: undefined }));
    const missing = [...numbersIn(markdown)].filter((n) => !inJson.has(n));
    expect(missing).toEqual([]);
  });

  it('the executive summary lines are the JSON’s, word for word', () => {
    expect(markdown).toContain(`**${json.summary.headline}**`);
    for (const sentence of json.summary.verdict) expect(markdown).toContain(sentence);
    expect(markdown).toContain(json.summary.costLine);
    for (const line of json.summary.toAdd) expect(markdown).toContain(`- ${line}`);
    expect(markdown).toContain(json.comparison!.headline);
  });
});
