// Node-pool and autoscaling recommendations: one pool each for web, workers/cron and integration,
// packed from the recommended Odoo pods; HPA bounds for the web pool from the queue model and N*.
import type { NodeCatalog } from '../core/models/nodes.js';
import type { Forecast } from '../core/models/forecast.js';
import type {
  AutoscalingRecommendation,
  HeadroomPolicy,
  NodePoolRecommendation,
  WorkerPoolRecommendation,
} from '../core/plan-types.js';
import { chooseNodePool, type PodSpec } from './node-pool.js';

const NODE_POOLS: {
  pool: NodePoolRecommendation['pool'];
  odooPools: WorkerPoolRecommendation['pool'][];
}[] = [
  { pool: 'web', odooPools: ['web'] },
  { pool: 'workers', odooPools: ['cron'] },
  { pool: 'integration', odooPools: ['integration'] },
];

export function headroomPolicy(forecast: Forecast): HeadroomPolicy {
  const h = forecast.headroom;
  return {
    targetUtilisation: h.targetUtilisation,
    databaseTargetUtilisation: h.databaseTargetUtilisation,
    spareNodes: Number(h.redundancy.slice(2)),
    zones: h.zones,
    surviveZoneLoss: h.surviveZoneLoss,
  };
}

export interface NodePlan {
  pools: NodePoolRecommendation[];
  /** Node pools no node type can hold, with why. */
  unfit: string[];
}

export function recommendNodePools(
  workers: readonly WorkerPoolRecommendation[],
  catalog: NodeCatalog,
  policy: HeadroomPolicy,
): NodePlan {
  const pools: NodePoolRecommendation[] = [];
  const unfit: string[] = [];
  for (const { pool, odooPools } of NODE_POOLS) {
    const members = workers.filter((w) => odooPools.includes(w.pool));
    const pods: PodSpec[] = members.flatMap((w) =>
      Array.from({ length: w.pods }, (_, i) => ({
        name: `${w.pool}-${i + 1}`,
        cpu: w.podCpu,
        memoryMiB: w.podMemoryMiB,
      })),
    );
    if (pods.length === 0) continue;
    const choice = chooseNodePool(pods, catalog.nodeTypes, catalog.daemonSets, policy);
    if (!choice.best) {
      unfit.push(
        `${pool} node pool: no node type fits (${choice.rejected.map((r) => r.reason).join('; ')})`,
      );
      continue;
    }
    const best = choice.best;
    pools.push({
      pool,
      odooPools,
      nodeType: best.nodeType,
      allocatable: best.allocatable,
      nodesForLoad: best.nodesForLoad,
      nodes: best.nodes,
      zones: policy.zones,
      nodesPerZone: best.nodesPerZone,
      packing: best.packing,
      utilisation: best.utilisation,
      monthlyCost: best.monthlyCost,
      currency: catalog.currency,
      alternatives: choice.fitting
        .slice(1)
        .map((f) => ({ nodeType: f.nodeType, nodes: f.nodes, monthlyCost: f.monthlyCost })),
      evidence: {
        steps: members.flatMap((m) => m.evidence.steps),
        fits: members.flatMap((m) => m.evidence.fits),
        inputs: {
          pods: pods.length,
          podCpu: pods[0]!.cpu,
          podMemoryMiB: pods[0]!.memoryMiB,
          daemonSetCpu: catalog.daemonSets.cpu,
          daemonSetMemoryMiB: catalog.daemonSets.memoryMiB,
        },
        formulas: ['F25', 'F26'],
      },
      assumptions: [
        'pod requests are packed up to allocatable: the headroom is in the worker count',
        `N+${policy.spareNodes} spare nodes${policy.zones > 1 ? `, spread over ${policy.zones} zones` : ''}${policy.surviveZoneLoss ? ', enough to lose a zone' : ''}`,
        `prices from models/nodes.yaml (${catalog.currency} per month)`,
      ],
      confidence: members.reduce(
        (worst, m) => (rank(m.confidence.grade) < rank(worst.grade) ? m.confidence : worst),
        {
          grade: 'high' as const,
          reasons: ['follows from the worker pools'],
        } as NodePoolRecommendation['confidence'],
      ),
    });
  }
  return { pools, unfit };
}

function rank(g: 'low' | 'medium' | 'high'): number {
  return ['low', 'medium', 'high'].indexOf(g);
}

/**
 * HPA for the web pool: minimum = pods for today's busy hour (at least 2 when spares are asked
 * for), maximum = pods for the forecast peak, never more pods than N* workers can use.
 */
export function recommendAutoscaling(
  peak: WorkerPoolRecommendation | undefined,
  today: WorkerPoolRecommendation | null,
  policy: HeadroomPolicy,
): AutoscalingRecommendation | null {
  if (!peak) return null;
  const perPod = peak.workersPerPod;
  const minReplicas = Math.max(policy.spareNodes > 0 ? 2 : 1, today?.pods ?? 1);
  let maxReplicas = Math.max(minReplicas, peak.pods);
  let capped = false;
  if (peak.nStar !== null && maxReplicas * perPod > peak.nStar) {
    maxReplicas = Math.max(minReplicas, Math.floor(peak.nStar / perPod));
    capped = true;
  }
  return {
    pool: 'web',
    minReplicas,
    maxReplicas,
    metric: 'request-concurrency',
    targetConcurrencyPerPod: perPod * policy.targetUtilisation,
    cpuTargetUtilisation: policy.targetUtilisation,
    cappedAtNStar: capped,
    evidence: {
      steps: peak.evidence.steps,
      fits: peak.evidence.fits,
      inputs: {
        podsAtPeak: peak.pods,
        podsToday: today?.pods ?? 0,
        workersPerPod: perPod,
        ...(peak.nStar !== null ? { nStar: peak.nStar } : {}),
      },
      formulas: ['F3', 'F11–F15'],
    },
    assumptions: [
      'Odoo workers block on each request: in-flight requests per pod track saturation better than CPU when the database is the bottleneck',
      capped
        ? `maxReplicas is cut at N*=${peak.nStar} workers: the workload stays database-bound, more pods would not add throughput`
        : 'maxReplicas is the pod count the forecast peak needs at the target utilisation',
    ],
    confidence: peak.confidence,
  };
}
