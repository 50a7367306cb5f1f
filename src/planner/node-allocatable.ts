// What a node offers pods: capacity minus kube and system reservations minus the eviction
// threshold (F25 in docs/capacity-model.md).
import type { NodeType } from '../core/models/nodes.js';

// A type, not an interface: plan.json's allocatable (a loose object, open to more keys) takes it.
export type Resources = {
  /** Cores. */
  cpu: number;
  memoryMiB: number;
};

/** Tiered reservation: fraction of each slice of capacity, in order. */
function tiered(amount: number, tiers: readonly (readonly [number, number])[]): number {
  let reserved = 0;
  let left = amount;
  for (const [size, fraction] of tiers) {
    const slice = Math.min(left, size);
    reserved += slice * fraction;
    left -= slice;
    if (left <= 0) break;
  }
  return reserved;
}

/** GKE CPU: 6 % of the 1st core, 1 % of the 2nd, 0.5 % of cores 3–4, 0.25 % above 4. */
export function gkeCpuReserved(cores: number): number {
  return tiered(cores, [
    [1, 0.06],
    [1, 0.01],
    [2, 0.005],
    [Infinity, 0.0025],
  ]);
}

/** GKE memory: 25 % of the first 4 GiB, 20 % of the next 4, 10 % of the next 8, 6 % of the next 112, 2 % above 128. */
export function gkeMemoryReservedMiB(memoryMiB: number): number {
  return tiered(memoryMiB, [
    [4096, 0.25],
    [4096, 0.2],
    [8192, 0.1],
    [112 * 1024, 0.06],
    [Infinity, 0.02],
  ]);
}

/** EKS AMI: 11 MiB per pod the node may run, plus 255 MiB. */
export function eksMemoryReservedMiB(maxPods: number): number {
  return 11 * maxPods + 255;
}

const EVICTION_MIB = 100;

export function nodeAllocatable(node: NodeType): Resources {
  const memoryMiB = node.memoryGiB * 1024;
  const r = node.reservation;
  if (r === 'gke')
    return {
      cpu: node.vcpu - gkeCpuReserved(node.vcpu),
      memoryMiB: memoryMiB - gkeMemoryReservedMiB(memoryMiB) - EVICTION_MIB,
    };
  if (r === 'eks')
    return {
      cpu: node.vcpu - gkeCpuReserved(node.vcpu),
      memoryMiB: memoryMiB - eksMemoryReservedMiB(node.maxPods) - EVICTION_MIB,
    };
  return {
    cpu: node.vcpu - r.cpuMillicores / 1000,
    memoryMiB: memoryMiB - r.memoryMiB - r.evictionMiB,
  };
}
