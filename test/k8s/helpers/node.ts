// A real one-node cluster (scripts/kube-node.sh: kubelet, containerd, runc, a CNI bridge):
// OC_TEST_K8S_NODE names its kubeconfig. There is no kube-controller-manager and no k6-operator,
// so this file does their two jobs the tests need: binding a claim to a hostPath volume, and
// turning a TestRun into its runner pods, as k6-operator does, then setting its stage.
import { createConnection, createServer, type Socket } from 'node:net';
import { kubectl, type Kubectl } from '../../../src/k8s/kubectl.js';
import type { K8sCluster } from '../../../src/k8s/manifests.js';
import { segmentArgs } from '../../../src/runner/execution-segments.js';
import { installTestRunCrd } from './crd.js';
import type { TestRunSpec } from './pods.js';

export const nodeKubeconfig = process.env.OC_TEST_K8S_NODE;
/** The image kube-node.sh builds and imports (no registry). */
export const K6_IMAGE = process.env.OC_NODE_K6_IMAGE ?? 'docker.io/grafana/k6:odoo-capacity-test';
/** The host on the pods' bridge (kube-node.sh's CNI config). */
export const BRIDGE_HOST = '10.88.0.1';

const json = (value: unknown) => JSON.stringify(value);

/**
 * A ReadWriteMany claim on a hostPath folder, bound at once: the volume names the claim (uid
 * included, which the kubelet checks) and both statuses say Bound, as the PV controller would.
 */
export async function bindClaim(
  kc: Kubectl,
  namespace: string,
  claim: string,
  hostDir: string,
): Promise<void> {
  const volume = `${namespace}-${claim}`;
  await kc(['apply', '-f', '-'], {
    input: json({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: claim, annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } },
      spec: {
        accessModes: ['ReadWriteMany'],
        resources: { requests: { storage: '1Gi' } },
        storageClassName: '',
        volumeName: volume,
      },
    }),
  });
  const uid = (await kc(['get', 'pvc', claim, '-o', 'jsonpath={.metadata.uid}'])).trim();
  await kc(['apply', '-f', '-'], {
    input: json({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: volume },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteMany'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        hostPath: { path: hostDir, type: 'Directory' },
        claimRef: { namespace, name: claim, uid },
      },
    }),
  });
  const status = (kind: string, name: string, value: object) =>
    kc([
      'patch',
      kind,
      name,
      '--subresource=status',
      '--type=merge',
      '-p',
      json({ status: value }),
    ]);
  await status('pv', volume, { phase: 'Bound' });
  await status('pvc', claim, {
    phase: 'Bound',
    accessModes: ['ReadWriteMany'],
    capacity: { storage: '1Gi' },
  });
}

/**
 * Deletes the claim and its volume. Their protection finalizers wait for a controller that is not
 * running: taken off here, once no pod uses them.
 */
export async function releaseClaim(kc: Kubectl, namespace: string, claim: string): Promise<void> {
  const unprotect = json({ metadata: { finalizers: null } });
  for (const [kind, name] of [
    ['pvc', claim],
    ['pv', `${namespace}-${claim}`],
  ] as const) {
    await kc(['delete', kind, name, '--ignore-not-found', '--wait=false']);
    await kc(['patch', kind, name, '--type=merge', '-p', unprotect]).catch(() => undefined);
  }
}

/** Forwards connections to `target` (127.0.0.1) from the bridge's host address, for the pods. */
export async function bridgeProxy(
  target: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  // A pod torn down may leave its end open: close() ends what is left rather than wait for it.
  const open = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = createConnection({ host: hostname, port: Number(port) });
    for (const socket of [inbound, outbound]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    }
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, BRIDGE_HOST, resolve);
  });
  const address = server.address() as { port: number };
  return {
    url: `http://${BRIDGE_HOST}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
      }),
  };
}

/** What k6-operator reads of a TestRun to make its runner pods. */
type TestRun = {
  metadata: { name: string };
  spec: TestRunSpec & {
    script: { configMap: { name: string; file: string } };
    runner: {
      image: string;
      metadata?: { labels?: Record<string, string> };
      resources?: object;
      volumes?: object[];
      volumeMounts?: object[];
    };
  };
  status?: { stage?: string };
};

interface Pod {
  status?: { phase?: string };
}

/**
 * k6-operator as far as a ladder sees it: each new TestRun becomes `parallelism` runner pods
 * (k6 run on the archive from its ConfigMap, mounted at /test, with the execution segment, the
 * TestRun's arguments and k6-operator's tags), stage started; once every pod has ended, stopped
 * then finished. The pods are real: the kubelet runs them, and their exit codes are k6's.
 */
export function playK6Operator(kc: Kubectl): { stop(): void; applied: string[] } {
  const applied: string[] = [];
  const running = new Set<string>();
  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    void tick()
      .catch(() => undefined)
      .finally(() => (ticking = false));
  }, 500);
  async function tick() {
    const runs = JSON.parse(await kc(['get', 'testruns', '-o', 'json'])) as { items: TestRun[] };
    for (const run of runs.items) {
      const name = run.metadata.name;
      if (!run.status?.stage && !running.has(name)) {
        running.add(name);
        applied.push(name);
        await kc(['apply', '-f', '-'], {
          input: json({ kind: 'List', apiVersion: 'v1', items: runnerPods(run) }),
        });
        await setStage(kc, name, 'started');
      } else if (run.status?.stage === 'started') {
        const pods = JSON.parse(
          await kc(['get', 'pods', '-l', `k6_cr=${name},runner=true`, '-o', 'json']),
        ) as { items: Pod[] };
        const ended = pods.items.filter((p) =>
          ['Succeeded', 'Failed'].includes(p.status?.phase ?? ''),
        );
        if (pods.items.length > 0 && ended.length === pods.items.length) {
          await setStage(kc, name, 'stopped');
          await setStage(kc, name, 'finished');
        }
      }
    }
  }
  return { stop: () => clearInterval(timer), applied };
}

const setStage = (kc: Kubectl, name: string, stage: string) =>
  kc([
    'patch',
    'testrun',
    name,
    '--subresource=status',
    '--type=merge',
    '-p',
    json({ status: { stage } }),
  ]);

function runnerPods(run: TestRun): object[] {
  const { name } = run.metadata;
  const { runner, parallelism: n, script } = run.spec;
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${name}-${i + 1}`,
      labels: { ...runner.metadata?.labels, app: 'k6', k6_cr: name, runner: 'true' },
    },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'k6',
          image: runner.image,
          command: [
            'k6',
            'run',
            '--quiet',
            ...segmentArgs(i, n),
            ...(run.spec.arguments ? run.spec.arguments.split(' ') : []),
            `/test/${script.configMap.file}`,
            ...['--tag', `instance_id=${i + 1}`, '--tag', `testrun_name=${name}`],
          ],
          env: runner.env,
          resources: runner.resources,
          volumeMounts: [
            ...(runner.volumeMounts ?? []),
            { name: 'k6-test-volume', mountPath: '/test' },
          ],
        },
      ],
      volumes: [
        ...(runner.volumes ?? []),
        { name: 'k6-test-volume', configMap: { name: script.configMap.name } },
      ],
    },
  }));
}

/** The Secret and the results claim every `k8s run` on the node uses. */
export const NODE_SECRET = 'odoo-capacity-target';
export const NODE_CLAIM = 'odoo-capacity-results';

/**
 * A namespace for a run on the node: the TestRun CRD installed, the Secret with `password`, and
 * the results claim bound to `claimDir`. Its `close` deletes what the run left, one kind at a
 * time (no kube-controller-manager: a namespace never ends deleting), and frees the claim.
 */
export async function openNodeNamespace(
  kc: Kubectl,
  namespace: string,
  password: string,
  claimDir: string,
): Promise<{ close(): Promise<void> }> {
  await installTestRunCrd(process.env.KUBECTL ?? 'kubectl', nodeKubeconfig!);
  await kubectl({ namespace: 'default' })(['create', 'namespace', namespace]);
  await kc(['create', 'secret', 'generic', NODE_SECRET, `--from-literal=password=${password}`]);
  await bindClaim(kc, namespace, NODE_CLAIM, claimDir);
  return {
    close: async () => {
      await kc(['delete', 'pods,testruns.k6.io,configmaps,secrets', '--all', '--wait=true'], {
        timeoutMs: 120_000,
      }).catch(() => undefined);
      await releaseClaim(kc, namespace, NODE_CLAIM).catch(() => undefined);
    },
  };
}

/** A run's cluster on the node: `parallelism` pods of the local image, small, the password's Secret. */
export function nodeCluster(
  runId: string,
  namespace: string,
  target: K8sCluster['target'],
  parallelism = 2,
): K8sCluster {
  return {
    runId,
    namespace,
    parallelism,
    image: K6_IMAGE,
    target,
    secretName: NODE_SECRET,
    secretKey: 'password',
    resultsClaim: NODE_CLAIM,
    separate: false,
    // Small: the node has two CPUs, shared with everything else on this machine.
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
  };
}
