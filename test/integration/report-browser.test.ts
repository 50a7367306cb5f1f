// The HTML report in a real browser: Debian's headless Chromium (driven by playwright-core)
// opens report.html from disk; every chart draws paths, the console shows no error, the page
// asks for nothing beyond its own file, and a screenshot is kept under test-output/.
// Without Chromium this test FAILS, saying how to install it: it is never skipped silently.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBaseline, readPlannedRun } from '../../src/report/read-run.js';
import { buildReport } from '../../src/report/report-model.js';
import { renderReport } from '../../src/report/render.js';
import { writeSyntheticRun } from '../fixtures/report/synthetic-run.js';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const OUTPUT = join(import.meta.dirname, '..', '..', 'test-output', 'report-browser');
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

let root: string;
let profile: string;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const requests: string[] = [];
let htmlUrl: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (apt-get update && apt-get install -y chromium) or set CHROMIUM_BIN. The browser test of the HTML report cannot run without it.`,
    );
  root = await mkdtemp(join(tmpdir(), 'oc-report-browser-'));
  const baseline = await writeSyntheticRun(root, 'q2');
  const current = await writeSyntheticRun(root, 'q3');
  const doc = buildReport(await readPlannedRun(current), await readBaseline(baseline, root));
  const [html] = await renderReport(doc, ['html']);
  await mkdir(OUTPUT, { recursive: true });
  const file = join(OUTPUT, 'report.html');
  await writeFile(file, html!.content);
  htmlUrl = pathToFileURL(file).href;

  // A fresh profile directory per run, so no state from another run leaks in.
  profile = await mkdtemp(join(tmpdir(), 'oc-chromium-profile-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1024, height: 900 },
  });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(htmlUrl, { waitUntil: 'load' });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await rm(profile, { recursive: true, force: true }).catch(() => undefined);
  await rm(root, { recursive: true, force: true }).catch(() => undefined);
});

interface ChartGeometry {
  id: string;
  namespace: string;
  width: number;
  height: number;
  /** Data-mark paths with a drawn area (axes and reference lines do not count). */
  drawnPaths: number;
}

describe('the HTML report in headless Chromium', () => {
  it('draws every chart: an SVG with a visible size and drawn paths', async () => {
    const charts: ChartGeometry[] = await page.$$eval('svg.chart', (svgs) =>
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
    // headroom, DB time, node-pool packing, the whole mix's USL, and throughput + latency per class.
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
      ].sort(),
    );
    for (const chart of charts) {
      expect(chart.namespace, chart.id).toBe('http://www.w3.org/2000/svg');
      expect(chart.width, chart.id).toBeGreaterThan(100);
      expect(chart.height, chart.id).toBeGreaterThan(100);
      expect(chart.drawnPaths, chart.id).toBeGreaterThanOrEqual(2);
    }
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
    expect(consoleErrors).toEqual([]);
  });

  it('is self-contained: the browser requests nothing but the file itself', () => {
    expect(requests).toEqual([htmlUrl]);
  });

  it('shows the verdict and what changed, and keeps a screenshot in test-output/', async () => {
    await expect(page.locator('.verdict').innerText()).resolves.toMatch(/^Not ready/);
    await expect(page.locator('#changes h2').innerText()).resolves.toBe(
      'What changed since last quarter',
    );
    const shot = join(OUTPUT, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot)).toBe(true);
  });
});
