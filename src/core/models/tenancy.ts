// models/tenancy.yaml: weights, thresholds and overrides of tenant placement; assumptions to
// calibrate (docs/capacity-model.md, section 11).
import { z } from 'zod';
import { loadYamlFile } from '../load-yaml.js';

const fraction = z.number().min(0).max(1);

export const tenancySchema = z
  .object({
    schemaVersion: z.literal(1).describe('Format version of this file'),
    weights: z
      .object({
        dbTimeShare: z.number().min(0),
        workerTimeShare: z.number().min(0),
        growthPerMonth: z.number().min(0),
        neighbourP95Degradation: z.number().min(0),
      })
      .strict()
      .refine((w) => Object.values(w).some((v) => v > 0), 'at least one weight must be above 0'),
    thresholds: z
      .object({
        dbTimeShare: fraction.describe('Share of pool DB time: at or above → dedicated database'),
        workerTimeShare: fraction.describe(
          'Share of Odoo worker time: at or above → dedicated stack',
        ),
        growthPercentPerMonth: z.number().positive().describe('At or above → review'),
        neighbourP95Degradation: z
          .number()
          .positive()
          .describe('Neighbours p95 rise when this tenant peaks (0.25 = +25 %)'),
        customModules: z.number().int().positive().describe('At or above → dedicated stack'),
        score: z
          .object({
            dedicatedDatabase: z.number().positive(),
            dedicatedStack: z.number().positive(),
          })
          .strict()
          .refine((s) => s.dedicatedStack > s.dedicatedDatabase, {
            message: 'dedicatedStack must be above dedicatedDatabase',
          }),
        tenantsPerStamp: z.number().int().positive(),
        reviewSafety: z.number().min(1),
      })
      .strict(),
    overrides: z
      .object({
        dedicatedStackTiers: z.array(z.string()).default([]),
        dedicatedDatabaseCompliance: z.array(z.string()).default([]),
        dedicatedStackCompliance: z.array(z.string()).default([]),
        residencyOutsideSharedRegions: z
          .enum(['dedicated-database', 'dedicated-stack'])
          .default('dedicated-stack'),
      })
      .strict()
      .default({
        dedicatedStackTiers: [],
        dedicatedDatabaseCompliance: [],
        dedicatedStackCompliance: [],
        residencyOutsideSharedRegions: 'dedicated-stack',
      }),
  })
  .strict();

export type Tenancy = z.infer<typeof tenancySchema>;

export function loadTenancy(file: string): Promise<Tenancy> {
  return loadYamlFile(tenancySchema, file);
}
