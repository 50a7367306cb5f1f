// models/environment.yaml: the environment under test (Odoo workers and pods, nodes, database),
// recorded in run.json and sized from by the planner.
import { z } from 'zod';
import { LAB_SERIES } from '../../lab/contract.js';
import { loadYamlFile } from '../load-yaml.js';

export const environmentSchema = z
  .object({
    name: z.string().min(1).describe('A name for reports, e.g. "staging-eu1"'),
    production: z
      .boolean()
      .default(false)
      .describe('Load against production needs --allow-production'),
    tenancy: z
      .enum(['multi-tenant', 'dedicated'])
      .describe('Shared workers and cluster, or one stack per tenant'),
    odoo: z
      .object({
        version: z.enum(LAB_SERIES).describe('Odoo series'),
        pods: z.number().int().positive().describe('Odoo HTTP pods (replicas)'),
        workersPerPod: z.number().int().positive().describe('--workers in each pod'),
        cronWorkersPerPod: z
          .number()
          .int()
          .min(0)
          .default(1)
          .describe('--max-cron-threads in each pod'),
        dbMaxconn: z.number().int().positive().default(64).describe('--db_maxconn (per process)'),
        cpuPerPod: z.number().positive().describe('CPU request per pod, in cores'),
        memoryPerPodMiB: z.number().positive().describe('Memory request per pod, MiB'),
        limitTimeRealSeconds: z.number().positive().default(120),
      })
      .strict(),
    nodes: z
      .object({
        type: z.string().describe('Node type name from models/nodes.yaml'),
        count: z.number().int().positive(),
        zones: z.number().int().positive().default(1),
      })
      .strict(),
    database: z
      .object({
        instance: z.string().describe('Instance class, e.g. db.r6g.xlarge or "2 vCPU / 8 GiB VM"'),
        vcpu: z.number().positive(),
        memoryGiB: z.number().positive(),
        maxConnections: z.number().int().positive().default(100),
        storageGiB: z.number().positive().optional(),
        storage: z.enum(['ssd', 'nvme', 'san', 'hdd']).default('ssd'),
      })
      .strict(),
  })
  .strict();

export type Environment = z.infer<typeof environmentSchema>;

/** The node type of this machine running the lab, in the shipped environment.yaml and nodes.yaml. */
export const LAB_NODE_TYPE = 'local-2c-24g';
/** The name of the shipped environment.yaml, which describes the lab on this machine. */
export const LAB_ENVIRONMENT_NAME = 'lab-local';

/**
 * True when an environment (as loaded, or as run.json records it) still describes the lab on this
 * machine, as the shipped models/environment.yaml does: its name or its node type is the lab's.
 */
export function describesLab(
  environment: Environment | Record<string, never>,
): environment is Environment {
  if (!('name' in environment)) return false;
  return environment.name === LAB_ENVIRONMENT_NAME || environment.nodes.type === LAB_NODE_TYPE;
}

export function loadEnvironment(file: string): Promise<Environment> {
  return loadYamlFile(environmentSchema, file);
}
