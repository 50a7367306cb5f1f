// Bin-packing and node-pool sizing: first-fit decreasing and its edge cases, N+k, zones, cost.
import { describe, expect, it } from 'vitest';
import { nodeTypeSchema } from '../../src/core/models/nodes.js';
import {
  chooseNodePool,
  nodesWithRedundancy,
  packNodes,
  sizeNodePool,
  type PodSpec,
} from '../../src/planner/node-pool.js';

const pod = (name: string, cpu: number, memoryMiB: number): PodSpec => ({ name, cpu, memoryMiB });
const node = (fields: Record<string, unknown>) =>
  nodeTypeSchema.parse({
    name: 'n',
    reservation: { cpuMillicores: 0, memoryMiB: 0, evictionMiB: 0 },
    pricePerMonth: 100,
    ...fields,
  });
const noDaemons = { cpu: 0, memoryMiB: 0 };
const single = { spareNodes: 0, zones: 1, surviveZoneLoss: false };

describe('packNodes (first-fit decreasing)', () => {
  it('packs nothing into no nodes', () => {
    expect(packNodes([], { cpu: 4, memoryMiB: 8192 }, 110)).toEqual({ nodes: [], unplaced: [] });
  });

  it('fits a pod exactly the size of the node, and opens a node for the next one', () => {
    const r = packNodes([pod('a', 4, 8192), pod('b', 4, 8192)], { cpu: 4, memoryMiB: 8192 }, 110);
    expect(r.nodes.map((n) => n.pods)).toEqual([['a'], ['b']]);
  });

  it('reports a pod larger than an empty node instead of placing it', () => {
    const r = packNodes([pod('big', 5, 100), pod('ok', 1, 100)], { cpu: 4, memoryMiB: 8192 }, 110);
    expect(r.unplaced.map((p) => p.name)).toEqual(['big']);
    expect(r.nodes).toHaveLength(1);
  });

  it('places the largest first, so small pods fill the gaps (3+1, 3+1, 2+2 on 4-core nodes)', () => {
    const pods = [
      pod('s1', 1, 10),
      pod('m1', 2, 10),
      pod('l1', 3, 10),
      pod('s2', 1, 10),
      pod('l2', 3, 10),
      pod('m2', 2, 10),
    ];
    const r = packNodes(pods, { cpu: 4, memoryMiB: 8192 }, 110);
    expect(r.nodes).toHaveLength(3);
    expect(r.nodes.map((n) => n.cpu)).toEqual([4, 4, 4]);
  });

  it('packs by the dominant resource: memory-heavy pods fill a node before its CPU does', () => {
    const pods = [pod('a', 0.5, 6000), pod('b', 0.5, 6000), pod('c', 0.5, 6000)];
    const r = packNodes(pods, { cpu: 4, memoryMiB: 16384 }, 110);
    expect(r.nodes.map((n) => n.pods.length)).toEqual([2, 1]);
  });

  it('honours the node’s pod limit', () => {
    const pods = Array.from({ length: 5 }, (_, i) => pod(`p${i}`, 0.1, 10));
    const r = packNodes(pods, { cpu: 4, memoryMiB: 8192 }, 2);
    expect(r.nodes.map((n) => n.pods.length)).toEqual([2, 2, 1]);
  });
});

describe('node pool sizing', () => {
  it('adds spare nodes for N+1 and N+2', () => {
    expect(nodesWithRedundancy(3, { ...single, spareNodes: 1 })).toBe(4);
    expect(nodesWithRedundancy(3, { ...single, spareNodes: 2 })).toBe(5);
    expect(nodesWithRedundancy(0, { ...single, spareNodes: 2 })).toBe(0);
  });

  it('spreads over zones evenly and survives the loss of one (×Z/(Z−1))', () => {
    // 4 nodes of load over 3 zones: losing a zone must leave 4, so 6 nodes, 2 per zone.
    expect(nodesWithRedundancy(4, { spareNodes: 1, zones: 3, surviveZoneLoss: true })).toBe(6);
    // Without zone-loss survival: 4 + 1 spare, rounded up to a multiple of 3.
    expect(nodesWithRedundancy(4, { spareNodes: 1, zones: 3, surviveZoneLoss: false })).toBe(6);
    expect(nodesWithRedundancy(2, { spareNodes: 0, zones: 2, surviveZoneLoss: true })).toBe(4);
  });

  it('leaves room for the DaemonSets on every node', () => {
    const pods = [pod('a', 1.9, 100), pod('b', 1.9, 100)];
    const type = node({ vcpu: 4, memoryGiB: 8 });
    const roomy = sizeNodePool(pods, type, noDaemons, single);
    const crowded = sizeNodePool(pods, type, { cpu: 0.3, memoryMiB: 0 }, single);
    expect(roomy.ok && roomy.sizing.nodesForLoad).toBe(1);
    expect(crowded.ok && crowded.sizing.nodesForLoad).toBe(2);
  });

  it('rejects a node type offered in fewer zones than the policy spreads over', () => {
    const fit = sizeNodePool(
      [pod('a', 1, 100)],
      node({ vcpu: 4, memoryGiB: 8, zones: ['z1'] }),
      noDaemons,
      {
        ...single,
        zones: 3,
      },
    );
    expect(fit.ok).toBe(false);
  });

  it('picks the cheapest node type that fits and prices the pool per month', () => {
    const pods = Array.from({ length: 6 }, (_, i) => pod(`web-${i}`, 1.5, 3000));
    const small = node({ name: 'small', vcpu: 2, memoryGiB: 4, pricePerMonth: 50 });
    const large = node({ name: 'large', vcpu: 8, memoryGiB: 32, pricePerMonth: 180 });
    const tiny = node({ name: 'tiny', vcpu: 1, memoryGiB: 2, pricePerMonth: 10 });
    const choice = chooseNodePool(pods, [small, large, tiny], noDaemons, {
      ...single,
      spareNodes: 1,
    });
    // small: one pod per node → 6 + 1 = 7 × 50 = 350; large: 5 pods per node → 2 + 1 = 3 × 180 = 540.
    expect(choice.best?.nodeType).toBe('small');
    expect(choice.best?.nodes).toBe(7);
    expect(choice.best?.monthlyCost).toBe(350);
    expect(choice.fitting.map((f) => f.nodeType)).toEqual(['small', 'large']);
    expect(choice.rejected).toEqual([
      { nodeType: 'tiny', reason: expect.stringMatching(/larger than tiny/) },
    ]);
  });

  it('has no answer when no node type can hold a pod', () => {
    const choice = chooseNodePool(
      [pod('huge', 64, 1000)],
      [node({ vcpu: 4, memoryGiB: 8 })],
      noDaemons,
      single,
    );
    expect(choice.best).toBeNull();
    expect(choice.rejected).toHaveLength(1);
  });
});
