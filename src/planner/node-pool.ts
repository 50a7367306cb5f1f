// Node pools: pods bin-packed first-fit-decreasing per node type, spare nodes for N+k, spread
// over zones; the cheapest node type wins (F25–F26 in docs/capacity-model.md).
import type { NodeType } from '../core/models/nodes.js';
import type { NodePacking } from '../core/plan-types.js';
import { nodeAllocatable, type Resources } from './node-allocatable.js';

export interface PodSpec extends Resources {
  name: string;
}

export interface PackResult extends NodePacking {
  /** Pods larger than an empty node: they fit nowhere. */
  unplaced: PodSpec[];
}

const EPSILON = 1e-9;

/** First-fit decreasing by each pod's dominant share of the node. */
export function packNodes(
  pods: readonly PodSpec[],
  capacity: Resources,
  maxPods: number,
): PackResult {
  const share = (p: Resources) => Math.max(p.cpu / capacity.cpu, p.memoryMiB / capacity.memoryMiB);
  const order = [...pods].sort((a, b) => share(b) - share(a) || a.name.localeCompare(b.name));
  const nodes: NodePacking['nodes'] = [];
  const unplaced: PodSpec[] = [];
  for (const pod of order) {
    if (pod.cpu > capacity.cpu + EPSILON || pod.memoryMiB > capacity.memoryMiB + EPSILON) {
      unplaced.push(pod);
      continue;
    }
    let node = nodes.find(
      (n) =>
        n.pods.length < maxPods &&
        n.cpu + pod.cpu <= capacity.cpu + EPSILON &&
        n.memoryMiB + pod.memoryMiB <= capacity.memoryMiB + EPSILON,
    );
    if (!node) {
      node = { pods: [], cpu: 0, memoryMiB: 0 };
      nodes.push(node);
    }
    node.pods.push(pod.name);
    node.cpu += pod.cpu;
    node.memoryMiB += pod.memoryMiB;
  }
  return { nodes, unplaced };
}

export interface NodePoolPolicy {
  /** N+k: spare nodes beyond what the load needs. */
  spareNodes: number;
  zones: number;
  surviveZoneLoss: boolean;
}

export interface NodePoolSizing {
  nodeType: string;
  allocatable: Resources;
  nodesForLoad: number;
  nodes: number;
  nodesPerZone: number[];
  packing: NodePacking;
  utilisation: { cpu: number; memory: number };
  monthlyCost: number;
}

export type NodePoolFit = { ok: true; sizing: NodePoolSizing } | { ok: false; reason: string };

/** Nodes to run: the load's, plus k spares, enough to lose a zone if asked, spread evenly. */
export function nodesWithRedundancy(nodesForLoad: number, policy: NodePoolPolicy): number {
  if (nodesForLoad === 0) return 0;
  const z = policy.zones;
  let nodes = nodesForLoad + policy.spareNodes;
  if (z > 1 && policy.surviveZoneLoss)
    nodes = Math.max(nodes, Math.ceil((nodesForLoad * z) / (z - 1)));
  return z > 1 ? Math.ceil(nodes / z) * z : nodes;
}

export function sizeNodePool(
  pods: readonly PodSpec[],
  nodeType: NodeType,
  daemonSets: Resources,
  policy: NodePoolPolicy,
): NodePoolFit {
  if (nodeType.zones && nodeType.zones.length < policy.zones)
    return {
      ok: false,
      reason: `${nodeType.name} is offered in ${nodeType.zones.length} zone(s); the policy spreads over ${policy.zones}`,
    };
  const allocatable = nodeAllocatable(nodeType);
  const capacity = {
    cpu: allocatable.cpu - daemonSets.cpu,
    memoryMiB: allocatable.memoryMiB - daemonSets.memoryMiB,
  };
  if (capacity.cpu <= 0 || capacity.memoryMiB <= 0)
    return { ok: false, reason: `${nodeType.name} has no room left after its DaemonSets` };
  const packing = packNodes(pods, capacity, nodeType.maxPods);
  if (packing.unplaced.length > 0) {
    const pod = packing.unplaced[0]!;
    return {
      ok: false,
      reason: `pod ${pod.name} (${round(pod.cpu)} CPU, ${Math.round(pod.memoryMiB)} MiB) is larger than ${nodeType.name}'s ${round(capacity.cpu)} CPU, ${Math.round(capacity.memoryMiB)} MiB left for pods`,
    };
  }
  const nodesForLoad = packing.nodes.length;
  const nodes = nodesWithRedundancy(nodesForLoad, policy);
  const perZone = Array.from(
    { length: policy.zones },
    (_, i) => Math.floor(nodes / policy.zones) + (i < nodes % policy.zones ? 1 : 0),
  );
  const total = pods.reduce(
    (s, p) => ({ cpu: s.cpu + p.cpu, memoryMiB: s.memoryMiB + p.memoryMiB }),
    {
      cpu: 0,
      memoryMiB: 0,
    },
  );
  return {
    ok: true,
    sizing: {
      nodeType: nodeType.name,
      allocatable,
      nodesForLoad,
      nodes,
      nodesPerZone: perZone,
      packing: { nodes: packing.nodes },
      utilisation: {
        cpu: nodesForLoad ? total.cpu / (nodesForLoad * capacity.cpu) : 0,
        memory: nodesForLoad ? total.memoryMiB / (nodesForLoad * capacity.memoryMiB) : 0,
      },
      monthlyCost: nodes * nodeType.pricePerMonth,
    },
  };
}

export interface NodePoolChoice {
  best: NodePoolSizing | null;
  /** Every type that fits, cheapest first (best included). */
  fitting: NodePoolSizing[];
  rejected: { nodeType: string; reason: string }[];
}

/** Tries every node type; the cheapest fit wins, fewer nodes breaking ties. */
export function chooseNodePool(
  pods: readonly PodSpec[],
  nodeTypes: readonly NodeType[],
  daemonSets: Resources,
  policy: NodePoolPolicy,
): NodePoolChoice {
  const fitting: NodePoolSizing[] = [];
  const rejected: NodePoolChoice['rejected'] = [];
  for (const type of nodeTypes) {
    const fit = sizeNodePool(pods, type, daemonSets, policy);
    if (fit.ok) fitting.push(fit.sizing);
    else rejected.push({ nodeType: type.name, reason: fit.reason });
  }
  fitting.sort((a, b) => a.monthlyCost - b.monthlyCost || a.nodes - b.nodes);
  return { best: fitting[0] ?? null, fitting, rejected };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
