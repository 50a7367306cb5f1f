// k6-operator manifests for one ladder step (`odoo-capacity k8s run`): a ConfigMap holding the
// step's k6 archive and a TestRun (k6.io/v1alpha1) with parallelism N — the same execution
// segments `run --segments N` uses locally — and runner resources. Each pod writes its JSON output
// and summary to a PersistentVolumeClaim under <run id>/<NN>-<label>/, which a collector pod
// mounting the same claim hands back (collect.ts). Secrets come from a Kubernetes Secret
// (secretKeyRef); the manifests hold none.
import { createHash } from 'node:crypto';
import { BadInputError } from '../core/errors.js';
import { stepDirName } from '../core/run-dir.js';
import type { LadderSpec } from '../core/run-types.js';
import { urlPasswords } from '../core/redact.js';
import type { SecretKind, TransportName } from '../core/target.js';
import { isCredentialName, outputTagArgs, type K6OutputSettings } from '../runner/k6-outputs.js';

export interface K8sTarget {
  url: string;
  db: string;
  user: string;
  auth: SecretKind;
  transport: TransportName;
}

/** Requests and limits of each k6 runner pod, as Kubernetes quantities. */
export interface RunnerResources {
  requests: { cpu: string; memory: string };
  limits: { cpu?: string; memory?: string };
}

/**
 * Requests equal to limits (the Guaranteed QoS class): a load generator that is throttled or
 * evicted mid-step measures itself, not Odoo. One CPU drives a few hundred transactions a second.
 */
export const DEFAULT_RESOURCES: RunnerResources = {
  requests: { cpu: '1', memory: '1Gi' },
  limits: { cpu: '1', memory: '1Gi' },
};

export interface K8sCluster {
  runId: string;
  namespace: string;
  parallelism: number;
  image: string;
  target: K8sTarget;
  /** The Secret holding the password or API key, and its key. */
  secretName: string;
  secretKey: string;
  /** A ReadWriteMany PersistentVolumeClaim the pods write their outputs to. */
  resultsClaim: string;
  /** One pod per node (k6-operator `separate`). */
  separate: boolean;
  resources: RunnerResources;
  /** k6 outputs beside the toolkit's own (`--k6-out`), when any. */
  outputs?: PodOutputs;
}

/** k6's outputs in the pods: added to K6_OUT, their K6_* settings, credentials from the Secret. */
export interface PodOutputs {
  outputs: string[];
  /** K6_* settings written into the TestRun as they are. */
  env: Record<string, string>;
  /** K6_* credentials, each read from the Secret: variable name → key in the Secret. */
  secretKeys: Record<string, string>;
}

/** The Secret's key for a credential variable: K6_PROMETHEUS_RW_PASSWORD → k6-prometheus-rw-password. */
export const credentialKey = (variable: string) => variable.toLowerCase().replaceAll('_', '-');

/**
 * The pods' share of `--k6-out` and the K6_* variables: nothing secret may go into a TestRun,
 * which anyone who can read it in the cluster sees, so credentials are read from the Secret
 * and a password inside a URL is refused.
 */
export function podOutputs(settings: K6OutputSettings, secretName: string): PodOutputs {
  const byCredential = `Give it as a credential variable instead (e.g. K6_PROMETHEUS_RW_USERNAME and K6_PROMETHEUS_RW_PASSWORD): k8s run reads those from the Secret ${secretName}.`;
  for (const output of settings.outputs) {
    if (output.includes(',')) {
      throw new BadInputError(
        `--k6-out ${JSON.stringify(settings.record.outputs[settings.outputs.indexOf(output)])}: k6-operator's pods get their outputs in K6_OUT, which k6 splits at commas`,
        { hint: "Give the output's settings as its K6_* variables instead of in its argument." },
      );
    }
    if (urlPasswords(output).length > 0) {
      throw new BadInputError(
        `--k6-out ${output.split('=')[0]}: a password inside its URL would be written into the TestRun`,
        { hint: byCredential },
      );
    }
  }
  const env: Record<string, string> = {};
  const secretKeys: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings.env)) {
    if (isCredentialName(name)) secretKeys[name] = credentialKey(name);
    else if (urlPasswords(value).length > 0)
      throw new BadInputError(
        `${name}: a password inside its URL would be written into the TestRun`,
        { hint: byCredential },
      );
    else env[name] = value;
  }
  return { outputs: settings.outputs, env, secretKeys };
}

export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
};

export interface StepManifests {
  configMap: Manifest;
  testRun: Manifest;
}

export const RESULTS_MOUNT = '/results';
/** Kubernetes refuses a ConfigMap whose data and binaryData together pass 1 MiB (bytes, decoded). */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;
const TREND_STATS = 'min,med,avg,p(90),p(95),p(99),max,count';
/** k6-operator's own pattern for a resource quantity (the TestRun CRD's openAPIV3Schema). */
const QUANTITY =
  /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

/** A Kubernetes quantity from a flag, or one line naming the flag. */
export function quantity(flag: string, value: string): string {
  if (!QUANTITY.test(value)) {
    throw new BadInputError(`${flag}: not a Kubernetes quantity: "${value}"`, {
      hint: 'CPU as 500m or 2, memory as 512Mi or 2Gi.',
    });
  }
  return value;
}

/**
 * A Kubernetes name: k6-operator derives Job and Service names from a TestRun's, and a Service
 * name must be a DNS-1035 label (a letter first, at most 63 characters with its suffix).
 */
export function k8sName(...parts: string[]): string {
  const name = `oc-${parts.join('-')}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/-$/, '');
  if (name.length <= NAME_MAX) return name;
  // Cut, but kept apart: a long run id must not give every step the same name.
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 7);
  return `${name.slice(0, NAME_MAX - hash.length - 1).replace(/-$/, '')}-${hash}`;
}

/**
 * Names of at most 50 characters: k6-operator names a TestRun's Jobs `<name>-<i>` and their
 * pods add `-<5 characters>`, all within the 63 of a DNS label.
 */
const NAME_MAX = 50;

export function archiveKey(index: number, label: string): string {
  return `${stepDirName(index, label)}.tar`;
}

const mib = (bytes: number) => `${(bytes / CONFIGMAP_LIMIT_BYTES).toFixed(2)} MiB`;

/**
 * Each step's archive goes in a ConfigMap of its own (a TestRun reads its script from one
 * ConfigMap key, so an archive cannot be split further); one over the limit is refused.
 */
export function checkArchiveSize(bytes: number, step: string): void {
  if (bytes > CONFIGMAP_LIMIT_BYTES) {
    throw new BadInputError(
      `step ${step}: the k6 archive is ${mib(bytes)} (${bytes} bytes), over the ConfigMap limit of 1 MiB (${CONFIGMAP_LIMIT_BYTES} bytes)`,
      {
        hint: 'Make the script import less (large JSON data, unused modules), or shrink the workload passed as OC_WORKLOAD.',
      },
    );
  }
}

export function runLabels(runId: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'odoo-capacity', 'odoo-capacity/run': k8sName(runId) };
}

/** The env of every runner pod: what targetVariables gives a local k6, the secret by reference. */
function runnerEnv(cluster: K8sCluster): Record<string, unknown>[] {
  const { outputs } = cluster;
  const secretVariable = cluster.target.auth === 'api_key' ? 'ODOO_API_KEY' : 'ODOO_PASSWORD';
  return [
    { name: 'ODOO_URL', value: cluster.target.url },
    { name: 'ODOO_DB', value: cluster.target.db },
    { name: 'ODOO_USER', value: cluster.target.user },
    { name: 'ODOO_TRANSPORT', value: cluster.target.transport },
    {
      name: secretVariable,
      valueFrom: { secretKeyRef: { name: cluster.secretName, key: cluster.secretKey } },
    },
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    // k6's outputs as K6_* variables, not command-line arguments: k6-operator's initializer runs
    // `k6 archive` with the arguments, through `sh -c` for `arguments` (where p(90) is a syntax
    // error), and `k6 archive` refuses --out. Kubernetes expands $(POD_NAME), defined above.
    // k6 splits K6_OUT at commas into one output each, as repeated --out flags.
    {
      name: 'K6_OUT',
      value: [`json=${RESULTS_MOUNT}/$(POD_NAME).ndjson.gz`, ...(outputs?.outputs ?? [])].join(','),
    },
    { name: 'K6_SUMMARY_EXPORT', value: `${RESULTS_MOUNT}/$(POD_NAME).summary.json` },
    { name: 'K6_SUMMARY_TREND_STATS', value: TREND_STATS },
    ...Object.entries(outputs?.env ?? {}).map(([name, value]) => ({ name, value })),
    ...Object.entries(outputs?.secretKeys ?? {}).map(([name, key]) => ({
      name,
      valueFrom: { secretKeyRef: { name: cluster.secretName, key } },
    })),
  ];
}

function resourcesOf(r: RunnerResources): Record<string, unknown> {
  const limits = Object.fromEntries(Object.entries(r.limits).filter(([, v]) => v !== undefined));
  return { requests: r.requests, ...(Object.keys(limits).length > 0 && { limits }) };
}

const TAG_VALUE = /^[A-Za-z0-9._:+@-]+$/;

/**
 * Tags `run` and `step` on every sample the pods send to an output, as a local run's --tag flags.
 * Not in the archive: k6-operator adds `--tag instance_id=… --tag testrun_name=…` to `k6 run`,
 * and tags given on the command line replace an archive's. Arguments are split at spaces for
 * `k6 run` and go through `sh -c` in the initializer, so only plain values pass.
 */
function tagArguments(runId: string, label: string): string {
  for (const [what, value] of [
    ['run id', runId],
    ['step label', label],
  ] as const) {
    if (!TAG_VALUE.test(value)) {
      throw new BadInputError(
        `${what} ${JSON.stringify(value)}: with --k6-out it becomes a k6 --tag in the TestRun's arguments, which allow only letters, digits and . _ : + @ -`,
        { hint: 'Rename it (--id, or the ladder’s step labels).' },
      );
    }
  }
  return outputTagArgs({ run: runId, step: label }).join(' ');
}

/** The ConfigMap and the TestRun of step `index` (1-based) of the ladder. */
export function stepManifests(
  cluster: K8sCluster,
  spec: LadderSpec,
  index: number,
  archive: Buffer,
  /** The step's folder on the claim, under the run's (default <NN>-<label>). */
  claimFolder?: string,
): StepManifests {
  const step = spec.steps[index - 1]!;
  const folder = stepDirName(index, step.label);
  checkArchiveSize(archive.length, folder);
  const labels = { ...runLabels(cluster.runId), 'odoo-capacity/step': k8sName(folder) };
  const name = k8sName(cluster.runId, folder);
  const key = archiveKey(index, step.label);
  const configMap: Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: cluster.namespace, labels },
    binaryData: { [key]: archive.toString('base64') },
  };
  const testRun: Manifest = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name, namespace: cluster.namespace, labels },
    spec: {
      parallelism: cluster.parallelism,
      separate: cluster.separate,
      script: { configMap: { name, file: key } },
      ...(cluster.outputs && { arguments: tagArguments(cluster.runId, step.label) }),
      runner: {
        image: cluster.image,
        metadata: { labels },
        resources: resourcesOf(cluster.resources),
        env: runnerEnv(cluster),
        volumes: [{ name: 'results', persistentVolumeClaim: { claimName: cluster.resultsClaim } }],
        volumeMounts: [
          // The kubelet creates the sub-path: one folder per run and step on the claim.
          {
            name: 'results',
            mountPath: RESULTS_MOUNT,
            subPath: `${cluster.runId}/${claimFolder ?? folder}`,
          },
        ],
      },
    },
  };
  return { configMap, testRun };
}

/**
 * A pod that mounts the results claim and idles, so that `kubectl cp` can read what the finished
 * runner pods wrote (their own containers have exited). Deleted when the ladder ends.
 */
export function collectorPod(cluster: K8sCluster, attempt?: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      // A resumed run's own: the one before may still be terminating.
      name: attempt
        ? k8sName(cluster.runId, 'collector', attempt)
        : k8sName(cluster.runId, 'collector'),
      namespace: cluster.namespace,
      labels: runLabels(cluster.runId),
    },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'collector',
          image: cluster.image,
          command: ['sleep', '86400'],
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
          volumeMounts: [{ name: 'results', mountPath: RESULTS_MOUNT, readOnly: true }],
        },
      ],
      volumes: [{ name: 'results', persistentVolumeClaim: { claimName: cluster.resultsClaim } }],
    },
  };
}
