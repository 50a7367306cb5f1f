// models/tenants.yaml: facts about each tenant (one Odoo database each) that statistics cannot
// show: SLA tier, compliance and residency, custom modules, expected growth, contract terms.
import { z } from 'zod';
import { loadYamlFile } from '../load-yaml.js';

export const tenantSchema = z
  .object({
    name: z.string().min(1),
    database: z.string().min(1).describe('The Odoo database (dbfilter) of this tenant'),
    slaTier: z.string().min(1).default('standard'),
    compliance: z.array(z.string().min(1)).default([]).describe('e.g. gdpr, pci-dss, itar'),
    residency: z.string().min(1).optional().describe('Region the data must stay in'),
    customModules: z.number().int().min(0).default(0),
    growthPercentPerMonth: z.number().default(0),
    dedicatedByContract: z.boolean().default(false),
  })
  .strict();

export const tenantsSchema = z
  .object({
    schemaVersion: z.literal(1).describe('Format version of this file'),
    sharedPool: z
      .object({
        regions: z.array(z.string().min(1)).min(1).describe('Regions the shared stack runs in'),
      })
      .strict(),
    tenants: z.array(tenantSchema).min(1),
  })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.tenants.forEach((t, i) => {
      if (seen.has(t.database))
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', i, 'database'],
          message: `database "${t.database}" is listed twice`,
        });
      seen.add(t.database);
    });
  });

export type Tenant = z.infer<typeof tenantSchema>;
export type Tenants = z.infer<typeof tenantsSchema>;

export function loadTenants(file: string): Promise<Tenants> {
  return loadYamlFile(tenantsSchema, file);
}
