// Checks a rendered report the same way wherever it came from (a synthetic run or a real demo):
// the Markdown carries the JSON's tables cell for cell, and the HTML draws in a real browser.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ReportDocument } from '../../src/report/report-model.js';
import { collectTables } from '../../src/report/table.js';

/** The Markdown table after `<!-- table: id -->`: header cells and body rows, unescaped. */
export function markdownTable(md: string, id: string): { header: string[]; rows: string[][] } {
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

/**
 * Every JSON table with rows is in the Markdown, cell for cell (an empty one may be a sentence
 * there instead); returns how many numbers were compared.
 */
export function expectTablesInMarkdown(markdown: string, json: ReportDocument): number {
  let numbers = 0;
  for (const table of collectTables(json)) {
    if (table.rows.length === 0) continue;
    const md = markdownTable(markdown, table.id);
    expect(md.header, table.id).toEqual(table.columns.map((c) => c.label));
    expect(md.rows, table.id).toHaveLength(table.rows.length);
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
  return numbers;
}

/** Numbers in the Markdown that the JSON (charts aside) does not carry. */
export function numbersOnlyInMarkdown(markdown: string, json: ReportDocument): number[] {
  const numbersIn = (text: string) =>
    new Set((text.match(/-?\d+(?:\.\d+)?/g) ?? []).map((s) => Number(s)));
  const inJson = numbersIn(JSON.stringify({ ...json, charts: undefined }));
  return [...numbersIn(markdown)].filter((n) => !inJson.has(n));
}

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface OpenedReport {
  page: Page;
  url: string;
  consoleErrors: string[];
  requests: string[];
  close(): Promise<void>;
}

/** Opens an HTML file in Debian's headless Chromium; fails (never skips) when it is missing. */
export async function openInChromium(file: string): Promise<OpenedReport> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (apt-get update && apt-get install -y chromium) or set CHROMIUM_BIN. The browser test of the HTML report cannot run without it.`,
    );
  // A fresh profile directory per run, so no state from another run leaks in.
  const profile = await mkdtemp(join(tmpdir(), 'oc-chromium-profile-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1024, height: 900 },
  });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load' });
  return {
    page,
    url,
    consoleErrors,
    requests,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

export interface ChartGeometry {
  id: string;
  namespace: string;
  width: number;
  height: number;
  /** Data-mark paths with a drawn area (axes and reference lines do not count). */
  drawnPaths: number;
}

/** Every `svg.chart` on the page, with its size and its drawn data marks. */
export function chartGeometry(page: Page): Promise<ChartGeometry[]> {
  return page.$$eval('svg.chart', (svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      // Data marks only (lines, points, bars), not axes or reference lines.
      const marks = svg.querySelectorAll('path.series, path.usl, path.point, path.bar, path.pod');
      const drawn = [...marks].filter((p) => {
        const b = (p as unknown as { getBBox(): { width: number; height: number } }).getBBox();
        return b.width > 0 && b.height > 0;
      });
      return {
        id: svg.id,
        namespace: svg.namespaceURI ?? '',
        width: box.width,
        height: box.height,
        drawnPaths: drawn.length,
      };
    }),
  );
}

/** A chart is drawn: an SVG element with a visible size and at least two drawn data marks. */
export function expectChartDrawn(chart: ChartGeometry): void {
  expect(chart.namespace, chart.id).toBe('http://www.w3.org/2000/svg');
  expect(chart.width, chart.id).toBeGreaterThan(100);
  expect(chart.height, chart.id).toBeGreaterThan(100);
  expect(chart.drawnPaths, chart.id).toBeGreaterThanOrEqual(2);
}
