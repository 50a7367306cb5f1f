// `k8s run` on a real node (scripts/kube-node.sh; OC_TEST_K8S_NODE) against a real Odoo 17.0
// (test/real-odoo's harness): the order-wave scenario, archived with the shipped workload as
// `k8s run` archives it, runs in two runner pods per step that reach Odoo through the pods'
// bridge; pools are topped up and PostgreSQL read from this machine, as the CLI does. Then `plan`
// reads the run directory.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkloadEnvelope } from '../../src/cli/ladder-options.js';
import { readRun } from '../../src/core/run-dir.js';
import { RUN_SCHEMA_VERSION, type LadderSpec } from '../../src/core/run-types.js';
import { Secret } from '../../src/core/secret.js';
import { runK8sLadder } from '../../src/k8s/k8s-ladder.js';
import { kubectl } from '../../src/k8s/kubectl.js';
import { OdooClient } from '../../src/odoo/client.js';
import { buildArchive } from '../../src/runner/k6-archive.js';
import { locateK6 } from '../../src/runner/k6-binary.js';
import { loadVariables } from '../../src/runner/k6-environment.js';
import { poolTopUp } from '../../src/runner/pool-top-up.js';
import { openStats, preflight } from '../../src/runner/run-ladder.js';
import { cleanEnv, hasStackTrace, runCli } from '../helpers/cli.js';
import { METRIC } from '../../scenarios/lib/metric-names.js';
import { REPO } from '../scenarios/run-k6.js';
import {
  SKIP_REASON,
  realOdooClient,
  startRealOdoo,
  type RealOdoo,
} from '../real-odoo/support/real-odoo.js';
import {
  bridgeProxy,
  nodeCluster,
  nodeKubeconfig,
  openNodeNamespace,
  playK6Operator,
} from './helpers/node.js';

/** Admin's password for the run: the harness's is "admin", the login the run directory names. */
const PASSWORD = `k8s-odoo-${Math.random().toString(36).slice(2)}`;
const RUN_ID = 'node-odoo';
const SEED = 'seed --products 20 --customers 8 --ready-orders 0 --delivered-orders 0 --stock 400';

if (!nodeKubeconfig)
  console.log('k8s-node-odoo: skipped (set OC_TEST_K8S_NODE, see scripts/kube-node.sh)');
if (SKIP_REASON) console.log(`k8s-node-odoo: skipped, ${SKIP_REASON}`);

describe.skipIf(!nodeKubeconfig || SKIP_REASON !== undefined)(
  'k8s run on a real node against a real Odoo 17.0',
  () => {
    const ns = `oc-node-odoo-${process.pid}`;
    const kc = kubectl({ namespace: ns });
    let odoo: RealOdoo;
    let client: OdooClient;
    let dir: string;
    let claimDir: string;
    let proxy: Awaited<ReturnType<typeof bridgeProxy>>;
    let namespace: Awaited<ReturnType<typeof openNodeNamespace>> | undefined;

    const saleOrders = () => client.call<number>('sale.order', 'search_count', [[]]);

    beforeAll(async () => {
      odoo = await startRealOdoo('17.0');
      const seeded = await runCli(SEED.split(' '), cleanEnv({ ...odoo.env }), 10 * 60_000);
      expect(seeded.code, seeded.stderr).toBe(0);
      const admin = realOdooClient(odoo);
      await admin.call('res.users', 'write', [
        [await admin.authenticate()],
        { password: PASSWORD },
      ]);
      odoo.env.ODOO_PASSWORD = PASSWORD;
      client = realOdooClient(odoo);

      process.env.KUBECONFIG = nodeKubeconfig;
      dir = await mkdtemp(join(tmpdir(), 'oc-k8s-node-odoo-'));
      claimDir = await mkdtemp(join(tmpdir(), 'oc-k8s-node-odoo-claim-'));
      namespace = await openNodeNamespace(kc, ns, PASSWORD, claimDir);
      proxy = await bridgeProxy(odoo.env.ODOO_URL);
    }, 20 * 60_000);

    afterAll(async () => {
      await proxy?.close();
      await namespace?.close();
      await odoo?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
      if (claimDir) await rm(claimDir, { recursive: true, force: true });
    });

    it(
      'climbs order-wave in pods, Odoo creating the orders, PostgreSQL measured; plan reads it',
      async () => {
        const spec: LadderSpec = {
          profile: 'order-wave',
          model: 'open',
          warmupSeconds: 5,
          holdSeconds: 10,
          segments: 2,
          steps: [
            { label: 'rate-1', rate: 1 },
            { label: 'rate-2', rate: 2 },
          ],
          caps: { maxRate: 1000, maxVus: 1000, maxSeconds: 3600, maxErrorRate: 0.05 },
        };
        const cluster = nodeCluster(RUN_ID, ns, {
          url: proxy.url,
          db: odoo.env.ODOO_DB,
          user: odoo.env.ODOO_USER,
          auth: 'password',
          transport: 'xmlrpc',
        });
        // As `k8s run` builds them: the shipped workload, each step's variables, no secret.
        const k6 = await locateK6({ install: false });
        const script = join(REPO, 'scenarios', 'order-wave.ts');
        const workload = await loadWorkloadEnvelope({ models: join(REPO, 'models') });
        const archives: Buffer[] = [];
        for (const [i, step] of spec.steps.entries()) {
          const env = loadVariables({
            runId: RUN_ID,
            profile: spec.profile,
            ladder: spec,
            step,
            workload,
          });
          archives.push(await buildArchive(k6, script, env, join(dir, `${i}.tar`)));
        }
        // Pools topped up and the version read from here, through Odoo's own address.
        const target = {
          url: odoo.env.ODOO_URL,
          db: odoo.env.ODOO_DB,
          user: odoo.env.ODOO_USER,
          secret: new Secret(PASSWORD),
          secretKind: 'password' as const,
        };
        const { odoo: version } = await preflight(target);
        const stats = await openStats(new Secret(odoo.env.PGURL), undefined);
        const before = await saleOrders();
        const operator = playK6Operator(kc);
        let outcome;
        try {
          outcome = await runK8sLadder({
            kubectl: kc,
            cluster,
            descriptor: {
              schemaVersion: RUN_SCHEMA_VERSION,
              runId: RUN_ID,
              ladder: spec,
              target: { ...cluster.target },
              script,
              workload,
              k6Version: k6.version,
            },
            ...(version && { odoo: version }),
            archives,
            runsDir: join(dir, 'runs'),
            environment: {},
            startTimeoutSeconds: 180,
            prepareStep: poolTopUp(new OdooClient(target)),
            stats,
            control: { interrupt: new AbortController().signal },
            pollMs: 500,
          });
        } finally {
          operator.stop();
          await stats?.close();
        }
        const created = (await saleOrders()) - before;

        const { run, steps } = await readRun(outcome.dir);
        const errors = steps.map(({ step }) => step.classes['order-wave']?.errors.byTag);
        expect(run.status, JSON.stringify({ stop: run.stopReason, errors })).toBe('complete');
        // Both steps ran; Odoo 17.0's reservation retries can double the second step's p50, which
        // the runner then names the knee (test/real-odoo's ladder sees it too).
        expect(['complete', 'knee']).toContain(run.stopReason!.kind);
        expect(run.target.odoo).toEqual({ serverVersion: '17.0', serverSerie: '17.0', lab: false });
        expect(operator.applied).toEqual([`oc-${RUN_ID}-01-rate-1`, `oc-${RUN_ID}-02-rate-2`]);
        expect(steps).toHaveLength(2);
        let transactions = 0;
        for (const { dir: name, step } of steps) {
          expect(
            step.valid,
            `${name}: ${step.invalidReasons.join('; ')} ${JSON.stringify(step.classes['order-wave']?.errors)}`,
          ).toBe(true);
          const c = step.classes['order-wave']!;
          expect(c.transactions, name).toBeGreaterThan(0);
          transactions += c.transactions;
          // Odoo's own database, read around the step from this machine.
          expect(existsSync(join(outcome.dir, name, 'pg-before.json')), name).toBe(true);
          expect(existsSync(join(outcome.dir, name, 'pg-after.json')), name).toBe(true);
          const own = step.database.databases.find((d) => d.datname === odoo.env.ODOO_DB);
          expect(own, name).toBeDefined();
          expect(own!.xactCommit, name).toBeGreaterThanOrEqual(c.requests);
          expect(
            own!.topStatements.some((s) => /sale_order/.test(s.query)),
            name,
          ).toBe(true);
          // Both pods ran, each its own segment: an output per pod, each with completed orders.
          const folder = basename(name);
          const stepDir = join(claimDir, RUN_ID, folder);
          const files = (await readdir(stepDir)).sort();
          expect(files).toEqual([
            `oc-${RUN_ID}-${folder}-1.ndjson.gz`,
            `oc-${RUN_ID}-${folder}-1.summary.json`,
            `oc-${RUN_ID}-${folder}-2.ndjson.gz`,
            `oc-${RUN_ID}-${folder}-2.summary.json`,
          ]);
          for (const pod of [1, 2]) {
            const summary = JSON.parse(
              await readFile(join(stepDir, `oc-${RUN_ID}-${folder}-${pod}.summary.json`), 'utf8'),
            ) as { metrics: Record<string, { count?: number }> };
            // --summary-export: a counter's total as `count`.
            expect(
              summary.metrics[METRIC.transactions]?.count ?? 0,
              `${name} pod ${pod}: ${METRIC.transactions}`,
            ).toBeGreaterThan(0);
          }
        }
        // Every transaction measured is a sale order Odoo really holds (warm-up ones too).
        expect(created).toBeGreaterThanOrEqual(transactions);
        console.log(
          `k8s-node-odoo: ${created} sale orders created; ` +
            steps
              .map(({ dir: name, step }) => {
                const c = step.classes['order-wave']!;
                return `${name} ${c.transactions} tx ${c.throughput.toFixed(2)}/s p50 ${c.latency.transaction.p50.toFixed(0)} ms p95 ${c.latency.transaction.p95.toFixed(0)} ms`;
              })
              .join('; '),
        );
        // Neither secret reached the run directory: the pods had the password by reference.
        for (const file of await readdir(outcome.dir, { recursive: true, withFileTypes: true }))
          if (file.isFile()) {
            const text = await readFile(join(file.parentPath, file.name), 'utf8');
            expect(text.includes(PASSWORD), file.name).toBe(false);
            expect(text.includes(odoo.env.PGURL), file.name).toBe(false);
          }

        const plan = await runCli(['plan', '--run', outcome.dir, '--json'], cleanEnv());
        expect(plan.code, plan.stderr).toBe(0);
        expect(hasStackTrace(plan.stderr)).toBe(false);
        expect(existsSync(join(outcome.dir, 'plan.json'))).toBe(true);
      },
      20 * 60_000,
    );
  },
);
