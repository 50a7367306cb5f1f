// The SVG charts: pure data → string, accessible (role, title, desc), escaped, deterministic,
// with drawn paths for every series, and a visible message instead of an empty plot.
import { describe, expect, it } from 'vitest';
import { callsChart } from '../../src/report/charts/calls-chart.js';
import { dbTimeChart } from '../../src/report/charts/db-time-chart.js';
import { headroomChart, headroomColour } from '../../src/report/charts/headroom-chart.js';
import { latencyChart } from '../../src/report/charts/latency-chart.js';
import { packingChart } from '../../src/report/charts/packing-chart.js';
import { throughputChart } from '../../src/report/charts/throughput-chart.js';

const throughputData = {
  class: 'order-wave',
  measured: [
    { n: 1, x: 1.6, valid: true },
    { n: 4, x: 5.9, valid: true },
    { n: 12, x: 11.2, valid: false },
  ],
  curve: [
    { n: 1, x: 1.6 },
    { n: 8, x: 10.2 },
    { n: 17, x: 11.7 },
    { n: 30, x: 10.4 },
  ],
  knee: { n: 17, x: 11.7 },
};

const latencyData = {
  class: 'stock-moves',
  loadLabel: 'arrival rate (tx/s)',
  points: [
    { load: 4, p50: 500, p95: 900, p99: 1300, valid: true },
    { load: 8, p50: 650, p95: 1250, p99: 1800, valid: true },
    { load: 16, p50: 1500, p95: 2900, p99: 4100, valid: false },
  ],
  sloP95Ms: 2000,
};

function paths(svg: string, cls?: string): string[] {
  const re = /<path d="([^"]*)"([^>]*?)\/?>/g;
  return [...svg.matchAll(re)]
    .filter((m) => cls === undefined || new RegExp(`class="[^"]*\\b${cls}\\b`).test(m[2]!))
    .map((m) => m[1]!);
}

describe('SVG charts', () => {
  const all = {
    throughput: throughputChart(throughputData),
    latency: latencyChart(latencyData),
    dbTime: dbTimeChart({
      rows: [
        { statementClass: 'UPDATE stock_quant', totalMs: 1200, sharePct: 60 },
        { statementClass: 'SELECT sale_order', totalMs: 800, sharePct: 40 },
      ],
    }),
    calls: callsChart({
      step: 'rate-8',
      rows: [
        { class: 'order-wave', call: 'sale.order.action_confirm', p95: 577, p99: 857 },
        { class: 'stock-moves', call: 'stock.picking.button_validate', p95: 410, p99: 640 },
        { class: 'order-wave', call: 'res.partner.search_read', p95: 98.5, p99: 120 },
      ],
    }),
    headroom: headroomChart({
      items: [
        { resource: 'Odoo HTTP workers', utilisationPct: 121.3 },
        { resource: 'database CPU', utilisationPct: 62 },
      ],
    }),
    packing: packingChart({
      pool: 'web',
      nodeType: 'n2-standard-8',
      allocatable: { cpu: 8, memoryMiB: 16384 },
      nodes: [
        { pods: ['web-1', 'web-2', 'cron-1'], cpu: 5, memoryMiB: 9216 },
        { pods: ['web-3'], cpu: 2, memoryMiB: 3072 },
      ],
      spareNodes: 1,
    }),
  };

  it.each(Object.entries(all))(
    'the %s chart is one accessible <svg> with a title and a description',
    (_name, svg) => {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.match(/<svg /g)).toHaveLength(1);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg).toMatch(/role="img"/);
      const labelledBy = /aria-labelledby="([^"]+)"/.exec(svg)![1]!.split(' ');
      expect(svg).toContain(`<title id="${labelledBy[0]}">`);
      expect(svg).toContain(`<desc id="${labelledBy[1]}">`);
      expect(svg).not.toMatch(/<script|href=|url\(|@import/);
    },
  );

  it.each(Object.entries(all))(
    'the %s chart has drawn paths with finite coordinates',
    (_name, svg) => {
      const drawn = paths(svg).filter((d) => /[MLHVACZ]/i.test(d) && d.length > 4);
      expect(drawn.length).toBeGreaterThan(2);
      for (const d of paths(svg)) expect(d).not.toMatch(/NaN|Infinity|undefined/);
    },
  );

  it('draws the slowest call on top, each call named with its class and p95', () => {
    const bars = [...all.calls.matchAll(/<path d="M[\d.]+,([\d.]+)[^"]*" class="bar"/g)].map((m) =>
      Number(m[1]),
    );
    expect(bars).toHaveLength(3);
    expect(bars).toEqual([...bars].sort((a, b) => a - b));
    expect(all.calls).toContain('sale.order.action_confirm (order-wave)');
    expect(all.calls).toContain('577 ms (p99 857)');
    expect(callsChart({ step: 'rate-8', rows: [] })).toContain('No per-call statistics');
  });

  it('is deterministic: the same data gives the same bytes', () => {
    expect(throughputChart(throughputData)).toBe(all.throughput);
    expect(latencyChart(latencyData)).toBe(all.latency);
  });

  it('draws the USL curve and the knee when the plan has a fit, and connects the points when not', () => {
    expect(paths(all.throughput, 'usl')).toHaveLength(1);
    expect(paths(all.throughput, 'knee')).toHaveLength(1);
    expect(all.throughput).toContain('knee N* = 17');
    const beyond = throughputChart({
      ...throughputData,
      knee: { n: 17, x: 11.7, extrapolated: true },
    });
    expect(beyond).toContain('knee N* = 17 (extrapolated)');
    expect(beyond).toContain('beyond the measured range');
    const noFit = throughputChart({ ...throughputData, curve: [], knee: undefined });
    expect(paths(noFit, 'usl')).toHaveLength(0);
    expect(paths(noFit, 'knee')).toHaveLength(0);
    expect(paths(noFit, 'measured-line')).toHaveLength(1);
  });

  it('marks steps that did not count as hollow points', () => {
    expect(paths(all.throughput, 'valid')).toHaveLength(2);
    expect(paths(all.throughput, 'invalid')).toHaveLength(1);
  });

  it('draws one line per percentile and the p95 SLO', () => {
    for (const series of ['p50', 'p95', 'p99'])
      expect(paths(all.latency, series)[0]).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){2}$/);
    expect(paths(all.latency, 'slo')).toHaveLength(1);
    expect(all.latency).toContain('p95 SLO 2000 ms');
  });

  it('puts a higher percentile above a lower one (SVG y grows downwards)', () => {
    const lastY = (d: string) => Number(d.split(',').at(-1));
    const [p50, p95, p99] = ['p50', 'p95', 'p99'].map((s) => lastY(paths(all.latency, s)[0]!));
    expect(p99!).toBeLessThan(p95!);
    expect(p95!).toBeLessThan(p50!);
  });

  it('escapes text from the data, so a hostile label stays text', () => {
    const svg = dbTimeChart({
      rows: [{ statementClass: '<script>alert("x")</script> & co', totalMs: 5, sharePct: 100 }],
    });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
  });

  it('draws bars in proportion to their values', () => {
    const widths = paths(all.dbTime, 'bar').map((d) => Number(/h([\d.]+)/.exec(d)![1]));
    expect(widths[0]! / widths[1]!).toBeCloseTo(1200 / 800, 1);
  });

  it('colours a resource past capacity red and draws the 100 % line', () => {
    expect(headroomColour(121.3)).not.toBe(headroomColour(62));
    expect(all.headroom).toContain(`fill="${headroomColour(121.3)}"`);
    expect(paths(all.headroom, 'reference')).toHaveLength(1);
  });

  it('draws each node’s requested CPU and memory as a share of its allocatable, and the spare nodes', () => {
    // node 1: 5 of 8 CPU = 63 %, 9216 of 16384 MiB = 56 %; node 2: 25 % and 19 %.
    expect(paths(all.packing, 'cpu')).toHaveLength(2);
    expect(paths(all.packing, 'memoryMiB')).toHaveLength(2);
    for (const share of ['63 %', '56 %', '25 %', '19 %'])
      expect(all.packing).toContain(`>${share}<`);
    // Three nodes × two resources of allocatable background; the spare node has no bars.
    expect(paths(all.packing, 'allocatable')).toHaveLength(6);
    expect(all.packing).toContain('spare (N+k)');
    expect(all.packing).toContain('<title>node 1: web-1, web-2, cron-1</title>');
  });

  it('says so visibly when there is nothing to draw', () => {
    const svg = latencyChart({ ...latencyData, points: [] });
    expect(svg).toContain('No measured steps for this class.');
    expect(dbTimeChart({ rows: [] })).toContain('pg_stat_statements');
  });
});
