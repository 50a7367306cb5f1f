// k6-operator manifests for a distributed ladder (`odoo-capacity k8s`): one ConfigMap holding each
// step's k6 archive and the workload, and one TestRun per step with parallelism N — the same
// execution segments `run --segments N` uses locally. Each pod writes its JSON output and summary
// to a PersistentVolumeClaim, under <run id>/<NN>-<label>/, which `run --import` reads back.
// Secrets come from a Kubernetes Secret (secretKeyRef); the manifests hold none.
import { stepDirName } from '../core/run-dir.js';
import type { WorkloadEnvelope } from '../core/models/workload.js';
import type { LadderSpec } from '../core/run-types.js';
import type { SecretKind } from '../core/target.js';

export interface K8sTarget {
  url: string;
  db: string;
  user: string;
  auth: SecretKind;
}

export interface K8sManifestRequest {
  runId: string;
  spec: LadderSpec;
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
  /** Each step's k6 archive, in ladder order. */
  archives: Buffer[];
  workload?: WorkloadEnvelope;
}

export type Manifest = Record<string, unknown> & {
  kind: string;
  metadata: { name: string } & Record<string, unknown>;
};

export const RESULTS_MOUNT = '/results';
const TREND_STATS = 'min,med,avg,p(90),p(95),p(99),max,count';

/**
 * A Kubernetes name: k6-operator derives Job and Service names from a TestRun's, and a Service
 * name must be a DNS-1035 label (a letter first, at most 63 characters with its suffix).
 */
export function k8sName(...parts: string[]): string {
  const name = `oc-${parts.join('-')}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-');
  return name.slice(0, 50).replace(/-$/, '');
}

export function archiveKey(index: number, label: string): string {
  return `${stepDirName(index, label)}.tar`;
}

export function buildManifests(request: K8sManifestRequest): Manifest[] {
  const { spec, runId } = request;
  const labels = { 'app.kubernetes.io/name': 'odoo-capacity', 'odoo-capacity/run': k8sName(runId) };
  const configMapName = k8sName(runId, 'scenario');
  const configMap: Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMapName, namespace: request.namespace, labels },
    data: {
      'workload.json': JSON.stringify(request.workload ?? null),
      'ladder.json': JSON.stringify(spec),
    },
    binaryData: Object.fromEntries(
      spec.steps.map((step, i) => [
        archiveKey(i + 1, step.label),
        request.archives[i]!.toString('base64'),
      ]),
    ),
  };
  const secretVariable = request.target.auth === 'api_key' ? 'ODOO_API_KEY' : 'ODOO_PASSWORD';
  const testRuns = spec.steps.map((step, i): Manifest => {
    const folder = stepDirName(i + 1, step.label);
    const out = `${RESULTS_MOUNT}/$(POD_NAME)`;
    return {
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      metadata: {
        name: k8sName(runId, folder),
        namespace: request.namespace,
        labels: { ...labels, 'odoo-capacity/step': k8sName(folder) },
      },
      spec: {
        parallelism: request.parallelism,
        separate: request.separate,
        script: { configMap: { name: configMapName, file: archiveKey(i + 1, step.label) } },
        // Kubernetes expands $(POD_NAME) in the container command from the env below.
        arguments: `--out json=${out}.ndjson.gz --summary-export ${out}.summary.json --summary-trend-stats ${TREND_STATS}`,
        runner: {
          image: request.image,
          env: [
            { name: 'ODOO_URL', value: request.target.url },
            { name: 'ODOO_DB', value: request.target.db },
            { name: 'ODOO_USER', value: request.target.user },
            {
              name: secretVariable,
              valueFrom: { secretKeyRef: { name: request.secretName, key: request.secretKey } },
            },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ],
          volumes: [
            { name: 'results', persistentVolumeClaim: { claimName: request.resultsClaim } },
          ],
          volumeMounts: [
            // The kubelet creates the sub-path: one folder per run and step on the claim.
            { name: 'results', mountPath: RESULTS_MOUNT, subPath: `${runId}/${folder}` },
          ],
        },
      },
    };
  });
  return [configMap, ...testRuns];
}
