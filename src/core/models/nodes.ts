// models/nodes.yaml: the node-type catalog the planner packs Odoo pods onto, the per-node
// DaemonSet overhead, and optionally the database instance classes it may recommend.
import { z } from 'zod';
import { loadYamlFile } from '../load-yaml.js';

const reservationSchema = z.union([
  z.literal('gke').describe('GKE tiers for CPU and memory, 100 MiB eviction threshold'),
  z.literal('eks').describe('EKS AMI: 11 MiB × maxPods + 255 MiB memory, GKE CPU tiers'),
  z
    .object({
      cpuMillicores: z.number().min(0),
      memoryMiB: z.number().min(0),
      evictionMiB: z.number().min(0).default(100),
    })
    .strict()
    .describe('Explicit kube-reserved + system-reserved'),
]);

export const nodeTypeSchema = z
  .object({
    name: z.string().min(1),
    vcpu: z.number().positive(),
    memoryGiB: z.number().positive(),
    reservation: reservationSchema.default('gke'),
    maxPods: z.number().int().positive().default(110).describe('Pods per node (EKS: ENI limit)'),
    pricePerMonth: z.number().min(0),
    zones: z.array(z.string().min(1)).min(1).optional().describe('Zones this type is offered in'),
  })
  .strict();

export const databaseInstanceSchema = z
  .object({
    name: z.string().min(1),
    vcpu: z.number().positive(),
    memoryGiB: z.number().positive(),
    pricePerMonth: z.number().min(0),
  })
  .strict();

export const nodesSchema = z
  .object({
    schemaVersion: z.literal(1).describe('Format version of this file'),
    currency: z.string().min(1).default('USD'),
    daemonSets: z
      .object({
        cpu: z.number().min(0).describe('cores per node taken by DaemonSets (CNI, logs, metrics)'),
        memoryMiB: z.number().min(0),
      })
      .strict()
      .default({ cpu: 0.2, memoryMiB: 300 }),
    nodeTypes: z.array(nodeTypeSchema).min(1),
    databaseInstances: z.array(databaseInstanceSchema).default([]),
  })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.nodeTypes.forEach((t, i) => {
      if (seen.has(t.name))
        ctx.addIssue({
          code: 'custom',
          path: ['nodeTypes', i, 'name'],
          message: `duplicate node type "${t.name}"`,
        });
      seen.add(t.name);
    });
  });

export type NodeType = z.infer<typeof nodeTypeSchema>;
export type DatabaseInstance = z.infer<typeof databaseInstanceSchema>;
export type NodeCatalog = z.infer<typeof nodesSchema>;

export function loadNodes(file: string): Promise<NodeCatalog> {
  return loadYamlFile(nodesSchema, file);
}
