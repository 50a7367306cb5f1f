// The Markdown carries the same numbers as the JSON: every table of report.json appears in
// report.md cell for cell, and no number appears in the Markdown that the JSON does not have.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBaseline, readPlannedRun } from '../../src/report/read-run.js';
import { buildReport, type ReportDocument } from '../../src/report/report-model.js';
import { renderReport } from '../../src/report/render.js';
import { collectTables } from '../../src/report/table.js';
import { writeSyntheticRun } from '../fixtures/report/synthetic-run.js';
import { expectTablesInMarkdown, numbersOnlyInMarkdown } from '../helpers/report-checks.js';

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
        'posting-collisions',
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
    expect(expectTablesInMarkdown(markdown, json)).toBeGreaterThan(300);
  });

  it('no number appears in the Markdown that the JSON does not carry', () => {
    expect(numbersOnlyInMarkdown(markdown, json)).toEqual([]);
  });

  it('the executive summary lines are the JSON’s, word for word', () => {
    expect(markdown).toContain(`**${json.summary.headline}**`);
    for (const sentence of json.summary.verdict) expect(markdown).toContain(sentence);
    expect(markdown).toContain(json.summary.costLine);
    for (const line of json.summary.toAdd) expect(markdown).toContain(`- ${line}`);
    expect(markdown).toContain(json.comparison!.headline);
    expect(json.postingCollisions!.finding.length).toBeGreaterThan(0);
    for (const line of json.postingCollisions!.finding) expect(markdown).toContain(line);
    expect(markdown).toContain('## Month-end billing: posting collisions');
  });
});
