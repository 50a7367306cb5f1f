// The HTML report in Debian's headless Chromium: charts draw, no console error, nothing fetched
// beyond the file. Without Chromium this test FAILS, saying how to install it.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBaseline, readPlannedRun } from '../../src/report/read-run.js';
import { buildReport } from '../../src/report/report-model.js';
import { renderReport } from '../../src/report/render.js';
import { writeSyntheticRun } from '../fixtures/report/synthetic-run.js';
import {
  chartGeometry,
  expectChartDrawn,
  openInChromium,
  type OpenedReport,
} from '../helpers/report-checks.js';

const OUTPUT = join(import.meta.dirname, '..', '..', 'test-output', 'report-browser');

let root: string;
let opened: OpenedReport;
let page: Page;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-report-browser-'));
  const baseline = await writeSyntheticRun(root, 'q2');
  const current = await writeSyntheticRun(root, 'q3');
  const doc = buildReport(await readPlannedRun(current), await readBaseline(baseline, root));
  const [html] = await renderReport(doc, ['html']);
  await mkdir(OUTPUT, { recursive: true });
  const file = join(OUTPUT, 'report.html');
  await writeFile(file, html!.content);
  opened = await openInChromium(file);
  page = opened.page;
}, 120_000);

afterAll(async () => {
  await opened?.close();
  await rm(root, { recursive: true, force: true }).catch(() => undefined);
});

describe('the HTML report in headless Chromium', () => {
  it('draws every chart: an SVG with a visible size and drawn paths', async () => {
    const charts = await chartGeometry(page);
    // headroom, DB time, node-pool packing, the whole mix's USL, throughput + latency per class,
    // and the slowest calls of each step.
    expect(charts.map((c) => c.id).sort()).toEqual(
      [
        'chart-headroom',
        'chart-db-time',
        'chart-packing-web',
        'chart-throughput-all-classes-mix',
        ...['order-wave', 'stock-moves', 'carrier-burst', 'month-end-billing'].flatMap((c) => [
          `chart-throughput-${c}`,
          `chart-latency-${c}`,
        ]),
        ...[4, 8, 12, 16, 20, 24, 28, 32].map((rate) => `chart-calls-rate-${rate}`),
      ].sort(),
    );
    for (const chart of charts) expectChartDrawn(chart);
  });

  it('gives every chart an accessible name from its title', async () => {
    const images = page.getByRole('img');
    const count = await images.count();
    expect(count).toBe(await page.locator('svg.chart').count());
    for (let i = 0; i < count; i++)
      expect(await images.nth(i).getAttribute('aria-labelledby')).toMatch(/-title .+-desc$/);
    await expect(
      page.getByRole('img', { name: /Throughput against concurrency: order-wave/ }).count(),
    ).resolves.toBe(1);
  });

  it('logs no error to the console', () => {
    expect(opened.consoleErrors).toEqual([]);
  });

  it('is self-contained: the browser requests nothing but the file itself', () => {
    expect(opened.requests).toEqual([opened.url]);
  });

  it('shows the verdict and what changed, and keeps a screenshot in test-output/', async () => {
    await expect(page.locator('.verdict').innerText()).resolves.toMatch(
      /^Today's platform is not ready for the forecast peak/,
    );
    await expect(page.locator('#changes h2').innerText()).resolves.toBe(
      'What changed since last quarter',
    );
    const shot = join(OUTPUT, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot)).toBe(true);
  });
});
