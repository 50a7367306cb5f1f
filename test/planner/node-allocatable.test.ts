// Node allocatable against the providers' published reservation figures.
import { describe, expect, it } from 'vitest';
import { nodeTypeSchema } from '../../src/core/models/nodes.js';
import {
  eksMemoryReservedMiB,
  gkeCpuReserved,
  gkeMemoryReservedMiB,
  nodeAllocatable,
} from '../../src/planner/node-allocatable.js';

const node = (fields: Record<string, unknown>) =>
  nodeTypeSchema.parse({ name: 'n', pricePerMonth: 1, ...fields });

describe('node allocatable', () => {
  it('reserves GKE CPU by tier: 60 m for one core, 70 m for two, 80 m for four, 90 m for eight', () => {
    expect(gkeCpuReserved(1)).toBeCloseTo(0.06, 9);
    expect(gkeCpuReserved(2)).toBeCloseTo(0.07, 9);
    expect(gkeCpuReserved(4)).toBeCloseTo(0.08, 9);
    expect(gkeCpuReserved(8)).toBeCloseTo(0.09, 9);
  });

  it('reserves GKE memory by tier: 1 GiB of 4, 2.6 GiB of 16, 3.56 GiB of 32', () => {
    expect(gkeMemoryReservedMiB(4096)).toBeCloseTo(1024, 6);
    expect(gkeMemoryReservedMiB(16 * 1024)).toBeCloseTo(1024 + 819.2 + 819.2, 6);
    expect(gkeMemoryReservedMiB(32 * 1024)).toBeCloseTo(2662.4 + 0.06 * 16 * 1024, 6);
    // Above 128 GiB the last tier is 2 %.
    expect(gkeMemoryReservedMiB(256 * 1024) - gkeMemoryReservedMiB(128 * 1024)).toBeCloseTo(
      0.02 * 128 * 1024,
      6,
    );
  });

  it('reserves 574 MiB on an EKS m5.large (29 pods), as the EKS AMI does', () => {
    expect(eksMemoryReservedMiB(29)).toBe(574);
  });

  it('leaves 3.92 cores and about 13.3 GiB of a GKE e2-standard-4 to pods', () => {
    const a = nodeAllocatable(node({ vcpu: 4, memoryGiB: 16, reservation: 'gke' }));
    expect(a.cpu).toBeCloseTo(3.92, 9);
    expect(a.memoryMiB / 1024).toBeCloseTo(13.3, 1);
  });

  it('uses explicit reservations when the catalog gives them', () => {
    const a = nodeAllocatable(
      node({
        vcpu: 2,
        memoryGiB: 8,
        reservation: { cpuMillicores: 250, memoryMiB: 512, evictionMiB: 0 },
      }),
    );
    expect(a).toEqual({ cpu: 1.75, memoryMiB: 8192 - 512 });
  });
});
