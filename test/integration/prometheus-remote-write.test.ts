// `run --out experimental-prometheus-rw` into a real Prometheus: the metrics and tags the Grafana
// dashboard queries, the URL's password nowhere but k6 (PROMETHEUS_BIN, else skipped).
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/pg-local/postgres-provider.js';
import type { RunJson, StepJson } from '../../src/core/run-types.js';
import type { LabHandle } from '../../src/lab/server/index.js';
import {
  k6OutputArgs,
  k6OutputEnv,
  k6OutputSettings,
  outputProblems,
} from '../../src/runner/k6-outputs.js';
import { startK6 } from '../../src/runner/k6-process.js';
import { cleanEnv, hasStackTrace, runCli } from '../helpers/cli.js';
import { findPrometheus, startPrometheus, type PrometheusHandle } from '../helpers/prometheus.js';
import { filesWithText } from '../helpers/files.js';
import { expandedQueries, readDashboard } from '../helpers/grafana-dashboard.js';
import { k6Binary } from '../runner/helpers/k6.js';
import { startSeededLab } from '../scenarios/seeded-lab.js';

const PROMETHEUS = findPrometheus('prometheus-remote-write');

/** The remote-write password: long and distinct, so that any copy of it is found. */
const RW_PASSWORD = 'rw-pass-5b7e0c91d2';
const RUN_ID = 'prom-rw';

let root: string;
let prometheus: PrometheusHandle | undefined;
let lab: LabHandle | undefined;
const series = (match: string) => prometheus!.series(match);
const query = (expr: string) => prometheus!.query(expr);

beforeAll(async () => {
  if (!PROMETHEUS) return;
  root = await mkdtemp(join(tmpdir(), 'oc-prometheus-'));
  prometheus = await startPrometheus(PROMETHEUS);
  ({ lab } = await startSeededLab(['prom'], {
    products: 6,
    customers: 4,
    readyOrders: 0,
    deliveredOrders: 0,
    stock: 200,
    linesPerOrder: 2,
  }));
});

afterAll(async () => {
  await prometheus?.stop();
  await lab?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe.skipIf(!PROMETHEUS)('run --out experimental-prometheus-rw', () => {
  it('sends the run’s metrics, tagged, to Prometheus, and its password nowhere else', async () => {
    const env = cleanEnv({
      ODOO_URL: lab!.url,
      ODOO_DB: 'prom',
      ODOO_USER: 'admin',
      ODOO_PASSWORD: 'admin',
      K6_PROMETHEUS_RW_SERVER_URL: `http://oc:${RW_PASSWORD}@127.0.0.1:${new URL(prometheus!.url).port}/api/v1/write`,
      K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
      // k6's web dashboard, with no server: its HTML export proves its variables reach k6.
      K6_WEB_DASHBOARD_PORT: '-1',
      K6_WEB_DASHBOARD_PERIOD: '1s',
      K6_WEB_DASHBOARD_EXPORT: join(root, 'dashboard.html'),
      // Not an output setting: the ladder sets the load.
      K6_VUS: '50',
    });
    for (const key of Object.keys(env)) {
      if (key.startsWith('K6_') && !/^K6_(BIN|PROMETHEUS_RW_|WEB_DASHBOARD_|VUS$)/.test(key))
        delete env[key];
    }
    const runsDir = join(root, 'runs');
    const result = await runCli(
      [
        'run',
        '--runs-dir',
        runsDir,
        '--id',
        RUN_ID,
        '--class',
        'order-wave',
        '--rates',
        '2',
        '--warmup',
        '1s',
        '--hold',
        '3s',
        '--no-seed',
        '--out',
        'experimental-prometheus-rw',
        '--out',
        'web-dashboard',
      ],
      env,
      120_000,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/K6_VUS is not passed to k6: the runner sets the load/);

    // The series the dashboard reads, with the tags it filters on.
    const names = new Set((await series(`{run="${RUN_ID}"}`)).map((s) => s.__name__));
    for (const name of [
      'k6_oc_transactions_total',
      'k6_oc_transaction_duration_p95',
      'k6_oc_transaction_failed_rate',
      'k6_http_reqs_total',
      'k6_http_req_duration_p95',
      'k6_vus',
    ]) {
      expect(names, name).toContain(name);
    }
    // Requests: the scenario's carry the class and phase; setup()'s (authenticate, look-ups) not.
    const requests = await series(`k6_http_reqs_total{run="${RUN_ID}"}`);
    const held = requests.filter((s) => s.phase === 'hold');
    expect(held.length).toBeGreaterThan(0);
    for (const s of requests) {
      expect(s, JSON.stringify(s)).toMatchObject({ run: RUN_ID, step: 'rate-2' });
      expect(s.model, JSON.stringify(s)).toMatch(/^[a-z_]+(\.[a-z_]+)*$/);
      if (s.class === undefined) expect(s.group).toBe('::setup');
      else expect(s).toMatchObject({ class: 'order-wave', scenario: 'order-wave' });
      // The call's key (model.method): k6's own `method` tag is the HTTP method.
      if (s.call !== undefined) expect(s.call.startsWith(`${s.model}.`), s.call).toBe(true);
    }
    expect(held.map((s) => s.model)).toContain('sale.order');

    // The dashboard's every query is valid PromQL, and those an order-wave run feeds show it.
    const withData = new Set<string>();
    const grafana = await readDashboard();
    const variables = {
      run: RUN_ID,
      step: '.*',
      class: '.*',
      phase: 'hold',
      __rate_interval: '1m',
    };
    for (const { panel, expr } of expandedQueries(grafana, variables)) {
      if ((await query(expr)).length > 0) withData.add(panel);
    }
    expect([...withData]).toEqual(
      expect.arrayContaining([
        'Transactions per second',
        'Transaction latency p95',
        'Failed transactions',
        'Requests per second by call',
        'Request latency p95 by call',
        'Slowest calls',
        'Failed requests by call',
        'Virtual users',
        'Order confirmation p95',
      ]),
    );

    // The same transactions as step.json's: those of the hold, counted by the runner.
    const [step] = (await readdir(join(runsDir, RUN_ID, 'steps'))).sort();
    const stepJson = JSON.parse(
      await readFile(join(runsDir, RUN_ID, 'steps', step!, 'step.json'), 'utf8'),
    ) as StepJson;
    const transactions = await query(
      `sum(k6_oc_transactions_total{run="${RUN_ID}",step="rate-2",class="order-wave",phase="hold"})`,
    );
    expect(Number(transactions[0]?.value[1])).toBe(stepJson.classes['order-wave']!.transactions);

    // run.json says which outputs and variables were used; the password is in no file, no line.
    const run = JSON.parse(await readFile(join(runsDir, RUN_ID, 'run.json'), 'utf8')) as RunJson;
    expect(run.k6.outputs).toEqual(['experimental-prometheus-rw', 'web-dashboard']);
    expect(run.k6.variables).toEqual([
      'K6_PROMETHEUS_RW_PUSH_INTERVAL',
      'K6_PROMETHEUS_RW_SERVER_URL',
      'K6_PROMETHEUS_RW_TREND_STATS',
      'K6_WEB_DASHBOARD_EXPORT',
      'K6_WEB_DASHBOARD_HOST',
      'K6_WEB_DASHBOARD_PERIOD',
      'K6_WEB_DASHBOARD_PORT',
    ]);
    const dashboardHtml = await readFile(join(root, 'dashboard.html'), 'utf8');
    expect(dashboardHtml).toMatch(/<html/i);
    expect(dashboardHtml).not.toContain(RW_PASSWORD);
    for (const { path, text } of await filesWithText(join(runsDir, RUN_ID))) {
      expect(text, path).not.toContain(RW_PASSWORD);
    }
    expect(result.stdout + result.stderr).not.toContain(RW_PASSWORD);
  });
});

// A remote write that fails (nothing listens) leaves k6's exit code 0: the runner says so itself.
describe('an output that fails during a step', () => {
  it('is named from k6’s stderr, its password masked, while k6 exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-rw-down-'));
    try {
      const script = join(dir, 'tick.js');
      await writeFile(
        script,
        `export const options = { vus: 1, duration: '2s' };\nexport default function () {}\n`,
      );
      const closed = await freePort();
      const settings = k6OutputSettings(['experimental-prometheus-rw'], {
        K6_PROMETHEUS_RW_SERVER_URL: `http://oc:${RW_PASSWORD}@127.0.0.1:${closed}/api/v1/write`,
        K6_PROMETHEUS_RW_PUSH_INTERVAL: '500ms',
      });
      const outcome = await startK6({
        binary: k6Binary(),
        args: ['run', '--quiet', ...k6OutputArgs(settings, { run: 'r', step: 's' }), script],
        env: k6OutputEnv(settings, 0),
        timeoutMs: 60_000,
        label: 'step 1 (rate-2)',
      }).done;
      expect(outcome.exitCode).toBe(0);
      const problems = outputProblems(outcome.stderrTail, 'step 1 (rate-2)');
      expect(problems).toEqual([
        expect.stringMatching(
          /^step 1 \(rate-2\): k6 output Prometheus remote write: Failed to send .*connection refused/,
        ),
      ]);
      expect(problems[0]).not.toContain(RW_PASSWORD);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('run --out with a value that is no k6 output', () => {
  it('stops with one line and exit 2 before anything is written', async () => {
    const runsDir = await mkdtemp(join(tmpdir(), 'oc-bad-out-'));
    try {
      const env = cleanEnv({ ODOO_URL: 'http://127.0.0.1:9', ODOO_DB: 'x', ODOO_PASSWORD: 'y' });
      const result = await runCli(
        [
          'run',
          '--runs-dir',
          runsDir,
          '--class',
          'order-wave',
          '--rates',
          '2',
          '--hold',
          '2s',
        ].concat(['--out', 'experimental-prometheus-rw', '--out', 'prometheus rw']),
        env,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^error: run --out "prometheus rw": not a k6 output \(expected <name> or <name>=<argument>\)$/m,
      );
      expect(hasStackTrace(result.stderr)).toBe(false);
      expect(await readdir(runsDir)).toEqual([]);
    } finally {
      await rm(runsDir, { recursive: true, force: true });
    }
  });
});
