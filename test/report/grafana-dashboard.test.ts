// The Grafana dashboard checked without Grafana: every query reads a series k6's remote write
// makes, and every metric the scenarios emit has a panel (real Prometheus: test/integration).
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC } from '../../scenarios/lib/metric-names.js';
import { PROMETHEUS_TREND_STATS } from '../../src/runner/k6-outputs.js';
import {
  expandedQueries,
  queryPanels,
  readDashboard,
  type Dashboard,
  type Panel,
} from '../helpers/grafana-dashboard.js';

type Kind = 'counter' | 'rate' | 'trend' | 'gauge';
/** The kind of each metric the dashboard may read: the scenarios' (METRIC) and k6's own. */
const KINDS: Record<string, Kind> = {
  [METRIC.transactionDuration]: 'trend',
  [METRIC.transactions]: 'counter',
  [METRIC.transactionFailed]: 'rate',
  [METRIC.faults]: 'counter',
  [METRIC.retryableFaults]: 'counter',
  [METRIC.orderConfirmLatency]: 'trend',
  [METRIC.stockValidationSuccess]: 'rate',
  [METRIC.shipmentUpdateDelay]: 'trend',
  [METRIC.invoicePostThroughput]: 'counter',
  [METRIC.postingAttempts]: 'counter',
  [METRIC.postingCollisions]: 'counter',
  [METRIC.invoicesUnposted]: 'counter',
  http_reqs: 'counter',
  http_req_duration: 'trend',
  http_req_failed: 'rate',
  dropped_iterations: 'counter',
  vus: 'gauge',
  vus_max: 'gauge',
};

/** The series names k6's remote write gives a metric of a kind. */
function seriesNames(metric: string, kind: Kind): string[] {
  const name = `k6_${metric}`;
  if (kind === 'counter') return [`${name}_total`];
  if (kind === 'rate') return [`${name}_rate`];
  if (kind === 'gauge') return [name];
  return PROMETHEUS_TREND_STATS.split(',').map(
    (stat) => `${name}_${stat.replace(/^p\((\d+)\)$/, 'p$1')}`,
  );
}

const KNOWN = new Map(
  Object.entries(KINDS).flatMap(([metric, kind]) =>
    seriesNames(metric, kind).map((series) => [series, metric] as const),
  ),
);

let dashboard: Dashboard;
beforeAll(async () => {
  dashboard = await readDashboard();
});

describe('deploy/grafana/odoo-capacity.json', () => {
  it('knows the kind of every metric the scenarios emit', () => {
    for (const metric of Object.values(METRIC)) {
      expect(
        KINDS[metric],
        `${metric}: add its kind here and a panel to the dashboard`,
      ).toBeDefined();
    }
  });

  it('queries only series k6 sends for the toolkit’s metrics, and plots every one of them', () => {
    const queries = expandedQueries(dashboard, {});
    expect(queries.length).toBeGreaterThanOrEqual(10);
    const plotted = new Set<string>();
    for (const { panel, expr } of queries) {
      const series = expr.match(/\bk6_[a-z0-9_]+/g) ?? [];
      expect(series.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      for (const name of series) {
        expect(KNOWN.has(name), `${panel}: ${name} is no series k6 sends`).toBe(true);
        plotted.add(KNOWN.get(name)!);
      }
    }
    expect([...plotted].sort()).toEqual(Object.keys(KINDS).sort());
  });

  it('filters on its own variables: run and step everywhere, class and phase where tagged', () => {
    const defined = new Set(dashboard.templating.list.map((v) => v.name));
    expect([...defined]).toEqual(
      expect.arrayContaining(['datasource', 'run', 'step', 'class', 'phase']),
    );
    const builtins = new Set(['__rate_interval', '__interval', '__range']);
    for (const { panel, expr } of expandedQueries(dashboard, {})) {
      for (const [, name] of expr.matchAll(/\$\{?(\w+)\}?/g)) {
        expect(defined.has(name!) || builtins.has(name!), `${panel}: $${name}`).toBe(true);
      }
      expect(expr, panel).toMatch(/run=~"\$run",step=~"\$step"/);
      // dropped_iterations and the VU gauges carry no class or phase tag (docs/contracts.md).
      if (!/k6_(vus|vus_max|dropped_iterations_total)\{/.test(expr)) {
        expect(expr, panel).toMatch(/class=~"\$class",phase=~"\$phase"/);
      }
    }
  });

  it('lays its panels out on Grafana’s 24-column grid without overlap, each with its own id', () => {
    const panels = dashboard.panels as (Panel & {
      id: number;
      gridPos: { x: number; y: number; w: number; h: number };
    })[];
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const taken = new Set<string>();
    for (const { title, gridPos: g } of panels) {
      expect(g.x + g.w, title).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(taken.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
          taken.add(`${x},${y}`);
        }
      }
    }
  });

  it('reads every panel from the datasource variable', () => {
    for (const panel of queryPanels(dashboard)) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
  });
});
