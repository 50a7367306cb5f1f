// Kubernetes manifests from a plan: one Deployment per worker pool and the web pool's HPA,
// written as YAML text so every value carries its comment. Pure.
import type { PlanJson, WorkerPoolRecommendation } from '../../core/plan-types.js';
import { header, show } from './settings.js';

/** A Kubernetes CPU quantity: whole cores, else millicores. */
export function cpuQuantity(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.ceil(cores * 1000)}m`;
}

/** A Kubernetes memory quantity in MiB, rounded up. */
export function memoryQuantity(mib: number): string {
  return `${Math.ceil(mib)}Mi`;
}

function imageOf(plan: PlanJson): string {
  const series = plan.runs[0]?.target.odooVersion.match(/^\d+\.\d+/)?.[0] ?? '17.0';
  return `odoo:${series}`;
}

function deployment(plan: PlanJson, pool: WorkerPoolRecommendation, hpa: boolean): string[] {
  const at = `plan.json workers[${pool.pool}]`;
  const name = `odoo-${pool.pool}`;
  const labels = [
    `      app.kubernetes.io/name: odoo`,
    `      app.kubernetes.io/component: ${pool.pool}`,
  ];
  const memoryWhy =
    plan.memory.source === 'measured-working-set'
      ? `measured working set × 1.15 (F24), ${show(plan.memory.perWorkerMiB)} MiB`
      : `Odoo's rule of thumb ${show(plan.memory.perWorkerMiB)} MiB (F17: no working set measured)`;
  return [
    `# ${pool.pool} pool: ${pool.pods} pods × ${pool.workersPerPod} workers (${at}); workers and limits in odoo-${pool.pool}.conf`,
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    '  labels:',
    ...labels.map((l) => l.slice(2)),
    'spec:',
    hpa
      ? `  # replicas: left to the HorizontalPodAutoscaler ${name} below (${at}.pods = ${pool.pods} at the forecast peak)`
      : `  # ${at}.pods: pods for the forecast peak at the target utilisation (F11–F16)`,
    ...(hpa ? [] : [`  replicas: ${pool.pods}`]),
    '  selector:',
    '    matchLabels:',
    ...labels,
    '  template:',
    '    metadata:',
    '      labels:',
    ...labels.map((l) => `  ${l}`),
    '    spec:',
    '      containers:',
    '        - name: odoo',
    `          # the Odoo series the runs measured (plan.json runs[0].target.odooVersion); use your own image`,
    `          image: ${imageOf(plan)}`,
    '          resources:',
    '            requests:',
    `              # ${at}.podCpu: the vCPU per pod of models/environment.yaml, which sets workers ≤ 2×vCPU+1 (F16)`,
    `              cpu: '${cpuQuantity(pool.podCpu)}'`,
    `              # ${at}.podMemoryMiB = per-worker memory × (${pool.workersPerPod} workers + ${pool.cronThreadsPerPod} cron threads): ${memoryWhy}`,
    `              memory: ${memoryQuantity(pool.podMemoryMiB)}`,
    '            limits:',
    '              # memory limit = request: a pod past it is OOM-killed rather than starving its node;',
    '              # no CPU limit, so that a busy worker is throttled by its neighbours, not by the quota',
    `              memory: ${memoryQuantity(pool.podMemoryMiB)}`,
  ];
}

function autoscaler(plan: PlanJson): string[] {
  const a = plan.autoscaling!;
  return [
    '# the web pool scales between the pods of today’s busy hour and of the forecast peak (plan.json autoscaling)',
    'apiVersion: autoscaling/v2',
    'kind: HorizontalPodAutoscaler',
    'metadata:',
    '  name: odoo-web',
    'spec:',
    '  scaleTargetRef:',
    '    apiVersion: apps/v1',
    '    kind: Deployment',
    '    name: odoo-web',
    `  # autoscaling.minReplicas: pods for today's busy hour (${a.evidence.inputs.podsToday ?? '?'}), at least 2 with spare nodes`,
    `  minReplicas: ${a.minReplicas}`,
    a.cappedAtNStar
      ? `  # autoscaling.maxReplicas: cut at the USL peak N* (F3): more pods would not add throughput`
      : `  # autoscaling.maxReplicas: pods the forecast peak needs (F11–F15)`,
    `  maxReplicas: ${a.maxReplicas}`,
    '  metrics:',
    `    # The plan's primary signal is in-flight requests per pod, target ${show(a.targetConcurrencyPerPod, 1)}`,
    '    # (autoscaling.targetConcurrencyPerPod = workers per pod × target utilisation); it needs a',
    '    # custom metrics adapter (a Pods metric). CPU at the target utilisation is the fallback:',
    '    - type: Resource',
    '      resource:',
    '        name: cpu',
    '        target:',
    '          type: Utilization',
    `          # autoscaling.cpuTargetUtilisation (models/forecast.yaml headroom.targetUtilisation)`,
    `          averageUtilization: ${Math.round(a.cpuTargetUtilisation * 100)}`,
  ];
}

export function kubernetesManifests(plan: PlanJson, planFile: string): string {
  const docs = plan.workers.map((w) =>
    deployment(plan, w, w.pool === 'web' && plan.autoscaling !== null),
  );
  if (plan.autoscaling && plan.workers.some((w) => w.pool === 'web')) docs.push(autoscaler(plan));
  return [
    ...header(plan, planFile, 'Kubernetes manifests for the Odoo worker pools.', '#'),
    docs.map((d) => d.join('\n')).join('\n---\n'),
    '',
  ].join('\n');
}
