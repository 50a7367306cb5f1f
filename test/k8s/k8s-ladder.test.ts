// The `k8s run` ladder against a real kube-apiserver (OC_TEST_KUBECONFIG), real k6 and a load
// target over HTTP. There is no kubelet and no k6-operator: the test plays them. It marks the
// collector pod Ready, runs each TestRun's archive from its ConfigMap in real k6 as the TestRun's
// pods would (execution segments, the TestRun's args and env), writes their outputs to a
// folder standing for the claim, and sets the TestRun's stage. Collection reads that folder
// instead of `kubectl cp` (the one seam: exec needs a kubelet).
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readRun, readRunJson } from '../../src/core/run-dir.js';
import { RUN_SCHEMA_VERSION, type LadderSpec } from '../../src/core/run-types.js';
import { runK8sLadder, type K8sLadderRequest } from '../../src/k8s/k8s-ladder.js';
import { kubectl } from '../../src/k8s/kubectl.js';
import {
  DEFAULT_RESOURCES,
  podOutputs,
  stepManifests,
  type K8sCluster,
  type PodOutputs,
} from '../../src/k8s/manifests.js';
import { k6OutputSettings } from '../../src/runner/k6-outputs.js';
import { findPrometheus, startPrometheus } from '../helpers/prometheus.js';
import { buildArchive } from '../../src/runner/k6-archive.js';
import { loadVariables } from '../../src/runner/k6-environment.js';
import { k6Binary, PROBE_SCRIPT } from '../runner/helpers/k6.js';
import { startLoadTarget, type LoadTarget } from '../runner/helpers/load-target.js';
import { Secret } from '../../src/core/secret.js';
import { PgStatsSession } from '../../src/pgstats/stats-session.js';
import { startWatchedTenant } from '../helpers/postgres.js';
import { runAsPods } from './helpers/pods.js';
import { installTestRunCrd } from './helpers/crd.js';
import { describeWithApiServer, kubeconfig } from './helpers/apiserver.js';

const PASSWORD = 'k8s-ladder-pw-9c1d';
const KUBECTL = process.env.KUBECTL ?? 'kubectl';
const PROMETHEUS = findPrometheus('k8s run --k6-out into Prometheus');

interface TestRun {
  metadata: { name: string };
  spec: {
    parallelism: number;
    arguments?: string;
    script: { configMap: { name: string; file: string } };
    runner: { env: { name: string; value?: string }[]; volumeMounts: { subPath: string }[] };
  };
  status?: { stage?: string };
}

describeWithApiServer('k8s run ladder against a kube-apiserver', () => {
  const ns = `oc-ladder-${process.pid}`;
  let dir: string;
  let target: LoadTarget;
  const kc = (args: string[], input?: string) =>
    execFileSync(KUBECTL, ['-n', ns, ...args], {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
    }).toString();
  const kca = (args: string[], call?: { input?: string }) => kubectl({ namespace: ns })(args, call);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-k8s-ladder-'));
    // Slow enough past 10 tx/s that the second step's p50 is over twice the first's: the knee,
    // by far, so that a busy machine's own delays cannot hide it.
    target = await startLoadTarget({
      password: PASSWORD,
      delayMs: (rate) => (rate > 10 ? 250 : 5),
    });
    process.env.KUBECONFIG = kubeconfig;
    await installTestRunCrd(KUBECTL, kubeconfig!);
    execFileSync(KUBECTL, ['create', 'namespace', ns], {
      env: { ...process.env, KUBECONFIG: kubeconfig },
    });
    kc(['create', 'secret', 'generic', 'odoo-capacity-target', '--from-literal=password=x']);
    kc(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'odoo-capacity-results' },
        spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } },
      }),
    );
  });
  afterAll(async () => {
    await target?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** k6-operator and the kubelet, as far as the ladder can tell: pods Ready, TestRuns run. */
  function playCluster(
    claim: string,
    runTestRuns: boolean | ((name: string) => boolean) = true,
  ): { stop(): void; applied: string[] } {
    const applied: string[] = [];
    const busy = new Set<string>();
    let ticking = false;
    const timer = setInterval(() => {
      if (ticking) return;
      ticking = true;
      void tick().finally(() => (ticking = false));
    }, 300);
    // Never blocking: the load target answers from this process's event loop.
    async function tick() {
      // The collector pod: k6 runner pods (runner=true) are created ended, by runPods.
      const pods = JSON.parse(await kca(['get', 'pods', '-l', '!runner', '-o', 'json'])) as {
        items: { metadata: { name: string }; status?: { phase?: string } }[];
      };
      for (const pod of pods.items.filter((p) => p.status?.phase !== 'Running')) {
        await kca([
          'patch',
          'pod',
          pod.metadata.name,
          '--subresource=status',
          '--type=merge',
          '-p',
          JSON.stringify({
            status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
          }),
        ]);
      }
      const runs = JSON.parse(await kca(['get', 'testruns', '-o', 'json'])) as { items: TestRun[] };
      for (const run of runs.items.filter((r) => !r.status?.stage)) {
        if (busy.has(run.metadata.name)) continue;
        busy.add(run.metadata.name);
        applied.push(run.metadata.name);
        const runs =
          typeof runTestRuns === 'function' ? runTestRuns(run.metadata.name) : runTestRuns;
        if (runs) void runPods(run, claim);
      }
    }
    return { stop: () => clearInterval(timer), applied };
  }

  async function runPods(run: TestRun, claim: string): Promise<void> {
    const setStage = (stage: string) =>
      kca([
        'patch',
        'testrun',
        run.metadata.name,
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({ status: { stage } }),
      ]);
    await setStage('started');
    const configMap = JSON.parse(
      await kca(['get', 'configmap', run.spec.script.configMap.name, '-o', 'json']),
    ) as { binaryData: Record<string, string> };
    const archive = join(dir, run.spec.script.configMap.file);
    await writeFile(
      archive,
      Buffer.from(configMap.binaryData[run.spec.script.configMap.file]!, 'base64'),
    );
    const outcomes = await runAsPods(
      run.spec,
      archive,
      join(claim, run.spec.runner.volumeMounts[0]!.subPath),
      `${run.metadata.name}-`,
      { ODOO_PASSWORD: PASSWORD },
    );
    // The runner Jobs' pods, ended with k6's exit codes as the kubelet reports them.
    for (const [i, outcome] of outcomes.entries()) {
      const pod = `${run.metadata.name}-${i}`;
      await kca(['apply', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: pod, labels: { app: 'k6', k6_cr: run.metadata.name, runner: 'true' } },
          spec: { containers: [{ name: 'k6', image: 'grafana/k6:test' }] },
        }),
      });
      await kca([
        'patch',
        'pod',
        pod,
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({
          status: {
            phase: outcome.exitCode === 0 ? 'Succeeded' : 'Failed',
            containerStatuses: [
              {
                name: 'k6',
                image: 'grafana/k6:test',
                imageID: '',
                ready: false,
                restartCount: 0,
                state: {
                  terminated: {
                    exitCode: outcome.exitCode ?? 137,
                    reason: outcome.exitCode === 0 ? 'Completed' : 'Error',
                  },
                },
              },
            ],
          },
        }),
      ]);
    }
    // k6-operator: every runner Job inactive, failed or not → stopped → finished.
    await setStage('stopped');
    await setStage('finished');
  }

  const spec: LadderSpec = {
    profile: 'order-wave',
    model: 'open',
    warmupSeconds: 1,
    holdSeconds: 3,
    segments: 2,
    steps: [
      { label: 'rate-8', rate: 8 },
      { label: 'rate-16', rate: 16 },
      { label: 'rate-24', rate: 24 },
    ],
    caps: { maxRate: 1000, maxVus: 1000, maxSeconds: 3600, maxErrorRate: 0.05 },
  };

  /** runK8sLadder's request for run `runId`: the probe's archives, the claim a local folder. */
  async function request(
    runId: string,
    claim: string,
    extra: {
      interrupt?: AbortSignal;
      startTimeoutSeconds?: number;
      spec?: LadderSpec;
      url?: string;
      script?: string;
      outputs?: PodOutputs;
    } = {},
  ): Promise<K8sLadderRequest> {
    const ladder = extra.spec ?? spec;
    const cluster: K8sCluster = {
      runId,
      namespace: ns,
      parallelism: 2,
      image: 'grafana/k6:test',
      target: {
        url: extra.url ?? target.url,
        db: 'lab',
        user: 'admin',
        auth: 'password',
        transport: 'xmlrpc',
      },
      secretName: 'odoo-capacity-target',
      secretKey: 'password',
      resultsClaim: 'odoo-capacity-results',
      separate: false,
      resources: DEFAULT_RESOURCES,
      ...(extra.outputs && { outputs: extra.outputs }),
    };
    const archives = await Promise.all(
      ladder.steps.map((step, i) =>
        buildArchive(
          { path: k6Binary(), version: 'v0' } as never,
          extra.script ?? PROBE_SCRIPT,
          {
            ...loadVariables({ runId, profile: ladder.profile, ladder, step }),
            // VUs to spare: on a busy machine a slow answer must not turn into dropped arrivals,
            // which would stop the ladder for its load instead of at the knee.
            PROBE_MAX_VUS: '80',
          },
          join(dir, `${runId}-${i}.tar`),
        ),
      ),
    );
    process.env.KUBECONFIG = kubeconfig;
    return {
      kubectl: kubectl({ namespace: ns }),
      cluster,
      descriptor: {
        schemaVersion: RUN_SCHEMA_VERSION,
        runId,
        ladder,
        target: { ...cluster.target },
        script: PROBE_SCRIPT,
        k6Version: 'v0',
      },
      archives,
      runsDir: join(dir, 'runs'),
      environment: {},
      startTimeoutSeconds: extra.startTimeoutSeconds ?? 60,
      control: { interrupt: extra.interrupt ?? new AbortController().signal },
      pollMs: 300,
      collect: (claimPath, into) => cp(join(claim, claimPath), into, { recursive: true }),
    };
  }

  it('applies a step at a time, merges its pods, stops at the knee and cleans up', async () => {
    const claim = join(dir, 'claim');
    const ladder = await request('dist', claim);
    const cluster$ = playCluster(claim);
    let outcome;
    try {
      outcome = await runK8sLadder(ladder);
    } finally {
      cluster$.stop();
    }
    const onDisk = await readRun(outcome.dir);
    expect(onDisk.run.status).toBe('complete');
    expect(onDisk.run.stopReason?.kind, JSON.stringify(onDisk.run.stopReason)).toBe('knee');
    // The third step's TestRun was never applied: the knee stopped the ladder first.
    expect(cluster$.applied).toEqual(['oc-dist-01-rate-8', 'oc-dist-02-rate-16']);
    expect(onDisk.steps).toHaveLength(2);
    const first = onDisk.steps[0]!.step.classes['order-wave']!;
    // Both pods' outputs, merged: the hold's 8 arrivals a second for 3 s.
    expect(first.transactions + first.errors.total).toBe(24);
    // Each step's TestRun and ConfigMap, and the collector pod, are gone.
    expect(
      kc(['get', 'testruns,configmaps', '-l', 'odoo-capacity/run=oc-dist', '-o', 'name']),
    ).toBe('');
  });

  it('on Ctrl-C deletes the running TestRun and leaves the run partial', async () => {
    const claim = join(dir, 'claim-interrupt');
    const interrupt = new AbortController();
    const ladder = await request('stop', claim, { interrupt: interrupt.signal });
    // Pods are Ready, but the TestRun never finishes: the user interrupts it.
    const cluster$ = playCluster(claim, false);
    const waiting = setInterval(() => {
      if (cluster$.applied.length > 0) interrupt.abort();
    }, 100);
    let outcome;
    try {
      outcome = await runK8sLadder(ladder);
    } finally {
      clearInterval(waiting);
      cluster$.stop();
    }
    expect(outcome.run.status).toBe('partial');
    expect(outcome.run.stopReason).toEqual({
      kind: 'interrupted',
      detail: 'interrupted during step 1 (rate-8); its TestRun was deleted',
    });
    expect(kc(['get', 'testruns', '-l', 'odoo-capacity/run=oc-stop', '-o', 'name'])).toBe('');
  });

  it('resumes an interrupted ladder at its first missing step, past what the attempt left', async () => {
    const claim = join(dir, 'claim-resume');
    const interrupt = new AbortController();
    const first = await request('again', claim, { interrupt: interrupt.signal });
    // Step 1 runs; step 2's TestRun is applied, never finishes, and the user interrupts it.
    const cluster1 = playCluster(claim, (name) => name.endsWith('-01-rate-8'));
    const waiting = setInterval(() => {
      if (cluster1.applied.length > 1) interrupt.abort();
    }, 100);
    let partial;
    try {
      partial = await runK8sLadder(first);
    } finally {
      clearInterval(waiting);
      cluster1.stop();
    }
    expect(partial.run.status).toBe('partial');
    expect(partial.run.steps.map((s) => s.label)).toEqual(['rate-8']);
    // What an attempt can leave behind (a second Ctrl-C, a lost connection): step 2's TestRun,
    // finished, and a pod's output on the claim. Neither may pass for the resumed step's.
    const stale = stepManifests(first.cluster, spec, 2, first.archives[1]!);
    kc(['apply', '--server-side', '-f', '-'], JSON.stringify(stale.testRun));
    kc([
      'patch',
      'testrun',
      stale.testRun.metadata.name,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { stage: 'finished' } }),
    ]);
    await mkdir(join(claim, 'again', '02-rate-16'), { recursive: true });
    await writeFile(join(claim, 'again', '02-rate-16', 'stale-pod.ndjson'), 'not k6 output\n');

    const second = await request('again', claim);
    const cluster2 = playCluster(claim);
    let resumed;
    try {
      resumed = await runK8sLadder({
        ...second,
        resume: { dir: partial.dir, run: await readRunJson(partial.dir) },
      });
    } finally {
      cluster2.stop();
    }
    expect(cluster2.applied).toEqual(['oc-again-02-rate-16']);
    const onDisk = await readRun(resumed.dir);
    expect(onDisk.run.source).toBe('k8s');
    expect(onDisk.run.status).toBe('complete');
    // Judged against the first attempt's step 1, read back from the run directory.
    expect(onDisk.run.stopReason?.kind, JSON.stringify(onDisk.run.stopReason)).toBe('knee');
    expect(onDisk.run.steps.map((s) => s.dir)).toEqual(['steps/01-rate-8', 'steps/02-rate-16']);
    const second2 = onDisk.steps[1]!.step.classes['order-wave']!;
    expect(second2.transactions + second2.errors.total).toBe(48);
  });

  it('fails the run in one line when a TestRun does not finish in time', async () => {
    const claim = join(dir, 'claim-timeout');
    const ladder = await request('late', claim, { startTimeoutSeconds: 1 });
    const cluster$ = playCluster(claim, false);
    try {
      await expect(runK8sLadder(ladder)).rejects.toThrow(
        'TestRun oc-late-01-rate-8: not finished after 5 s (stage "none")',
      );
    } finally {
      cluster$.stop();
    }
    const run = await readRunJson(join(dir, 'runs', 'late'));
    expect(run.status).toBe('failed');
    expect(run.stopReason?.kind).toBe('failed');
  });

  it('fails the run in one line naming the pod whose k6 failed, though the TestRun finished', async () => {
    // k6-operator marks a TestRun finished once its runner Jobs end, failed or not: the pods'
    // exit codes are what tell a crashed step from a measured one.
    const script = join(dir, 'aborts.js');
    await writeFile(
      script,
      `import exec from 'k6/execution';
export const options = { vus: 1, iterations: 1 };
export default function () { exec.test.abort('the target refused the test'); }
`,
    );
    const claim = join(dir, 'claim-crash');
    const ladder = await request('crash', claim, { script });
    const cluster$ = playCluster(claim);
    try {
      await expect(runK8sLadder(ladder)).rejects.toThrow(
        'TestRun oc-crash-01-rate-8: pod oc-crash-01-rate-8-0: k6 exited 108 (script aborted)',
      );
    } finally {
      cluster$.stop();
    }
    const run = await readRunJson(join(dir, 'runs', 'crash'));
    expect(run.status).toBe('failed');
    expect(run.steps).toHaveLength(0);
  });

  it('reads PostgreSQL around each step when given a database', async () => {
    // A target whose every business call updates a table in a real PostgreSQL, watched through
    // a pg_monitor role as `k8s run --pg-url` would from the machine running the ladder.
    const tenant = await startWatchedTenant('mon-pw-k8s');
    const dbTarget = await startLoadTarget({
      password: PASSWORD,
      delayMs: () => 3,
      onCall: () => tenant.write(),
    });
    const stats = await PgStatsSession.open(new Secret(tenant.monitorUrl));
    const claim = join(dir, 'claim-pg');
    const twoSteps: LadderSpec = {
      ...spec,
      sampleIntervalSeconds: 1,
      steps: [
        { label: 'rate-4', rate: 4 },
        { label: 'rate-8', rate: 8 },
      ],
    };
    const ladder = await request('pg', claim, { spec: twoSteps, url: dbTarget.url });
    const cluster$ = playCluster(claim);
    let outcome;
    try {
      outcome = await runK8sLadder({ ...ladder, stats });
    } finally {
      cluster$.stop();
      await stats.close();
      await dbTarget.close();
      await tenant.stop();
    }
    const onDisk = await readRun(outcome.dir);
    expect(onDisk.run.status).toBe('complete');
    expect(onDisk.run.database?.statStatements).toBe(true);
    expect(onDisk.steps).toHaveLength(2);
    for (const [i, { step }] of onDisk.steps.entries()) {
      expect((await readdir(join(outcome.dir, onDisk.run.steps[i]!.dir))).sort()).toEqual([
        'histograms.json',
        'k6-summary.json',
        'pg-after.json',
        'pg-before.json',
        'pg-samples.ndjson',
        'step.json',
      ]);
      const c = step.classes['order-wave']!;
      const lab = step.database.databases.find((d) => d.datname === 'lab')!;
      // Both pods' business calls updated the lab database: its deltas show every one.
      expect(lab.xactCommit).toBeGreaterThanOrEqual(c.requests);
      expect(lab.topStatements[0]?.query).toMatch(/^UPDATE sale_order/);
      expect(step.database.activity.samples).toBeGreaterThanOrEqual(1);
    }
    // The monitor's password is in no file of the run directory.
    for (const file of await readdir(outcome.dir, { recursive: true, withFileTypes: true }))
      if (file.isFile())
        expect(await readFile(join(file.parentPath, file.name), 'utf8')).not.toContain(
          'mon-pw-k8s',
        );
  });

  it.skipIf(!PROMETHEUS)(
    'sends the pods’ metrics to Prometheus through --k6-out, tagged run, step and pod',
    async () => {
      const prometheus = await startPrometheus(PROMETHEUS!);
      try {
        const settings = k6OutputSettings(
          ['experimental-prometheus-rw'],
          {
            K6_PROMETHEUS_RW_SERVER_URL: `${prometheus.url}/api/v1/write`,
            K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
          },
          'k8s run --k6-out',
        );
        const claim = join(dir, 'claim-prom');
        const ladder = await request('prom', claim, {
          spec: { ...spec, steps: [{ label: 'rate-8', rate: 8 }] },
          outputs: podOutputs(settings, 'odoo-capacity-target'),
        });
        const cluster$ = playCluster(claim);
        let outcome;
        try {
          outcome = await runK8sLadder({ ...ladder, k6Outputs: settings.record });
        } finally {
          cluster$.stop();
        }
        const onDisk = await readRun(outcome.dir);
        expect(onDisk.run.k6.outputs).toEqual(['experimental-prometheus-rw']);
        expect(onDisk.run.k6.variables).toEqual([
          'K6_PROMETHEUS_RW_PUSH_INTERVAL',
          'K6_PROMETHEUS_RW_SERVER_URL',
          'K6_PROMETHEUS_RW_TREND_STATS',
        ]);
        // Each pod's series apart (k6-operator's instance_id), under the archive's run and step.
        const series = await prometheus.series('k6_oc_transactions_total{run="prom"}');
        expect(new Set(series.map((s) => s.instance_id))).toEqual(new Set(['1', '2']));
        for (const s of series)
          expect(s).toMatchObject({ step: 'rate-8', testrun_name: 'oc-prom-01-rate-8' });
        // The hold's transactions in Prometheus, summed over the pods, are step.json's.
        const [sum] = await prometheus.query(
          'sum(k6_oc_transactions_total{run="prom",step="rate-8",phase="hold"})',
        );
        expect(Number(sum?.value[1])).toBe(
          onDisk.steps[0]!.step.classes['order-wave']!.transactions,
        );
      } finally {
        await prometheus.stop();
      }
    },
  );
});
