// `k8s run` on a real node (scripts/kube-node.sh; OC_TEST_K8S_NODE names its kubeconfig): pods
// run in containerd under a kubelet, write to a claim through their sub-path, and come back with
// a real `kubectl cp` from the collector pod. Only k6-operator is played (helpers/node.ts); the
// load target listens on this machine, reached from the pods' bridge.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRun } from '../../src/core/run-dir.js';
import { RUN_SCHEMA_VERSION, type LadderSpec } from '../../src/core/run-types.js';
import { runK8sLadder, type K8sLadderRequest } from '../../src/k8s/k8s-ladder.js';
import { kubectl } from '../../src/k8s/kubectl.js';
import { collectorPod, type K8sCluster } from '../../src/k8s/manifests.js';
import { buildArchive } from '../../src/runner/k6-archive.js';
import { loadVariables } from '../../src/runner/k6-environment.js';
import { k6Binary, PROBE_SCRIPT } from '../runner/helpers/k6.js';
import { startLoadTarget, type LoadTarget } from '../runner/helpers/load-target.js';
import { installTestRunCrd } from './helpers/crd.js';
import {
  bindClaim,
  releaseClaim,
  bridgeProxy,
  K6_IMAGE,
  nodeKubeconfig,
  playK6Operator,
} from './helpers/node.js';

const PASSWORD = 'k8s-node-pw-51e7';
const KUBECTL = process.env.KUBECTL ?? 'kubectl';

if (!nodeKubeconfig)
  console.log('k8s-node: skipped (set OC_TEST_K8S_NODE, see scripts/kube-node.sh)');

describe.skipIf(!nodeKubeconfig)('k8s run on a real node', () => {
  const ns = `oc-node-${process.pid}`;
  const kc = kubectl({ namespace: ns });
  let dir: string;
  let claimDir: string;
  let target: LoadTarget;
  let proxy: Awaited<ReturnType<typeof bridgeProxy>>;

  const cluster = (runId: string, url = ''): K8sCluster => ({
    runId,
    namespace: ns,
    parallelism: 2,
    image: K6_IMAGE,
    target: { url, db: 'lab', user: 'admin', auth: 'password', transport: 'xmlrpc' },
    secretName: 'odoo-capacity-target',
    secretKey: 'password',
    resultsClaim: 'odoo-capacity-results',
    separate: false,
    // Small: the node has two CPUs, shared with everything else on this machine.
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
  });

  const ladder = (steps: LadderSpec['steps']): LadderSpec => ({
    profile: 'order-wave',
    model: 'open',
    warmupSeconds: 1,
    holdSeconds: 3,
    segments: 2,
    steps,
    caps: { maxRate: 1000, maxVus: 1000, maxSeconds: 3600, maxErrorRate: 0.05 },
  });

  /** runK8sLadder's request: the default collection (kubectl cp from the collector pod). */
  async function ladderRequest(
    runId: string,
    spec: LadderSpec,
    script = PROBE_SCRIPT,
  ): Promise<K8sLadderRequest> {
    const c = cluster(runId, proxy.url);
    const archives = await Promise.all(
      spec.steps.map((step, i) =>
        buildArchive(
          { path: k6Binary(), version: 'v0' } as never,
          script,
          {
            ...loadVariables({ runId, profile: spec.profile, ladder: spec, step }),
            PROBE_MAX_VUS: '40',
          },
          join(dir, `${runId}-${i}.tar`),
        ),
      ),
    );
    return {
      kubectl: kc,
      cluster: c,
      descriptor: {
        schemaVersion: RUN_SCHEMA_VERSION,
        runId,
        ladder: spec,
        target: { ...c.target },
        script,
        k6Version: 'v0',
      },
      archives,
      runsDir: join(dir, 'runs'),
      environment: {},
      startTimeoutSeconds: 120,
      control: { interrupt: new AbortController().signal },
      pollMs: 500,
    };
  }

  /** Waits until the pod has ended, and returns its status. */
  async function ended(pod: string) {
    await kc(['wait', '--for=jsonpath={.status.phase}=Succeeded', `pod/${pod}`, '--timeout=90s'], {
      timeoutMs: 100_000,
    }).catch(() => undefined);
    return JSON.parse(await kc(['get', 'pod', pod, '-o', 'json'])) as {
      status: {
        phase: string;
        containerStatuses: { state: { terminated?: { exitCode: number; reason: string } } }[];
      };
    };
  }

  beforeAll(async () => {
    process.env.KUBECONFIG = nodeKubeconfig;
    dir = await mkdtemp(join(tmpdir(), 'oc-k8s-node-'));
    claimDir = await mkdtemp(join(tmpdir(), 'oc-k8s-node-claim-'));
    await installTestRunCrd(KUBECTL, nodeKubeconfig!);
    await kubectl({ namespace: 'default' })(['create', 'namespace', ns]);
    await kc([
      'create',
      'secret',
      'generic',
      'odoo-capacity-target',
      `--from-literal=password=${PASSWORD}`,
    ]);
    await bindClaim(kc, ns, 'odoo-capacity-results', claimDir);
    target = await startLoadTarget({ password: PASSWORD, delayMs: () => 3 });
    proxy = await bridgeProxy(target.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await target?.close();
    // No kube-controller-manager: a namespace never ends deleting, so its objects go one by one.
    await kc(['delete', 'pods,testruns.k6.io,configmaps,secrets', '--all', '--wait=true'], {
      timeoutMs: 120_000,
    }).catch(() => undefined);
    await releaseClaim(kc, ns, 'odoo-capacity-results').catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await rm(claimDir, { recursive: true, force: true });
  });

  it('runs k6 in a pod from the local image, its exit code in the pod status', async () => {
    await kc([
      'run',
      'k6-version',
      `--image=${K6_IMAGE}`,
      '--restart=Never',
      '--command',
      '--',
      'k6',
      'version',
    ]);
    const pod = await ended('k6-version');
    expect(pod.status.phase).toBe('Succeeded');
    expect(pod.status.containerStatuses[0]!.state.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(await kc(['logs', 'k6-version'])).toMatch(/^k6 v\d+\.\d+\.\d+/);
  });

  it('hands back what a pod wrote under its sub-path, through the collector and kubectl cp', async () => {
    await kc(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'writer' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'w',
              image: K6_IMAGE,
              command: ['sh', '-c', 'echo "from $(hostname)" > /results/out.txt'],
              volumeMounts: [{ name: 'results', mountPath: '/results', subPath: 'cp/01-rate-4' }],
            },
          ],
          volumes: [
            { name: 'results', persistentVolumeClaim: { claimName: 'odoo-capacity-results' } },
          ],
        },
      }),
    });
    expect((await ended('writer')).status.phase).toBe('Succeeded');
    const collector = collectorPod(cluster('cp'));
    await kc(['apply', '-f', '-'], { input: JSON.stringify(collector) });
    await kc(['wait', '--for=condition=Ready', `pod/${collector.metadata.name}`, '--timeout=90s'], {
      timeoutMs: 100_000,
    });
    const local = join(dir, 'copied');
    await kc(['cp', `${collector.metadata.name}:/results/cp/01-rate-4`, local]);
    expect(await readFile(join(local, 'out.txt'), 'utf8')).toBe('from writer\n');
    // The collector mounts the claim read-only.
    expect(
      await kc([
        'exec',
        collector.metadata.name,
        '--',
        'sh',
        '-c',
        'touch /results/cp/x 2>&1; true',
      ]),
    ).toMatch(/Read-only file system/);
    await kc(['delete', 'pod', collector.metadata.name, '--wait=false']);
  });

  it('climbs a ladder whose steps run as pods and come back through kubectl cp', async () => {
    const spec = ladder([
      { label: 'rate-4', rate: 4 },
      { label: 'rate-8', rate: 8 },
    ]);
    const runId = 'node';
    const callsBefore = target.calls;
    const operator = playK6Operator(kc);
    let outcome;
    try {
      outcome = await runK8sLadder(await ladderRequest(runId, spec));
    } finally {
      operator.stop();
    }
    const onDisk = await readRun(outcome.dir);
    expect(onDisk.run.status, JSON.stringify(onDisk.run.stopReason)).toBe('complete');
    expect(operator.applied).toEqual(['oc-node-01-rate-4', 'oc-node-02-rate-8']);
    expect(onDisk.steps).toHaveLength(2);
    // Both pods' outputs, copied off the claim and merged: each hold's arrivals, 3 s at its rate.
    for (const [i, rate] of [4, 8].entries()) {
      const c6 = onDisk.steps[i]!.step.classes['order-wave']!;
      expect(c6.transactions + c6.errors.total).toBe(rate * 3);
    }
    // Every call went through the bridge to the target on this machine.
    expect(target.calls).toBeGreaterThan(callsBefore);
    // On the claim, each step's folder holds both pods' outputs, named by the kubelet's $(POD_NAME).
    expect((await readdir(join(claimDir, runId, '01-rate-4'))).sort()).toEqual([
      'oc-node-01-rate-4-1.ndjson.gz',
      'oc-node-01-rate-4-1.summary.json',
      'oc-node-01-rate-4-2.ndjson.gz',
      'oc-node-01-rate-4-2.summary.json',
    ]);
    // The secret reached the pods by reference only: not in the run directory.
    for (const file of await readdir(outcome.dir, { recursive: true, withFileTypes: true }))
      if (file.isFile())
        expect(await readFile(join(file.parentPath, file.name), 'utf8')).not.toContain(PASSWORD);
  });
  it('fails the run naming the pod whose k6 failed, from the exit code the kubelet saw', async () => {
    // One iteration that stops the test: k6 exits 108 in the pod that runs it.
    const script = join(dir, 'abort.js');
    await writeFile(
      script,
      "import exec from 'k6/execution';\nexport default () => exec.test.abort('refused');\n",
    );
    const spec = ladder([{ label: 'rate-4', rate: 4 }]);
    const request = await ladderRequest('crash', spec, script);
    const operator = playK6Operator(kc);
    try {
      await expect(runK8sLadder(request)).rejects.toThrow(
        /^TestRun oc-crash-01-rate-4: pod oc-crash-01-rate-4-[12]: k6 exited 108 \(script aborted\)$/,
      );
    } finally {
      operator.stop();
    }
  });
});
