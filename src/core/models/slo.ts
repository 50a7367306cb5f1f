// models/slo.yaml: the service levels each transaction class must hold, which become k6
// thresholds (p95 per class, error rate) and the abort guard that stops a run on a failing system.
import { z } from 'zod';
import { loadYamlFile } from '../load-yaml.js';
import { k6Duration } from './k6-duration.js';

const classSlo = z
  .object({
    p95Ms: z
      .number()
      .positive()
      .describe('p95 of the whole business transaction (all its calls), milliseconds'),
    p99Ms: z.number().positive().optional().describe('Optional p99 limit, milliseconds'),
    maxErrorRate: z
      .number()
      .min(0)
      .max(1)
      .describe('Highest share of failed business transactions, 0..1'),
  })
  .strict()
  .refine((s) => s.p99Ms === undefined || s.p99Ms >= s.p95Ms, {
    message: 'p99Ms must not be below p95Ms',
    path: ['p99Ms'],
  })
  .describe('The service level of one class');

export const sloSchema = z
  .object({
    schemaVersion: z.literal(1).describe('Format version of this file'),
    classes: z
      .object({
        'order-wave': classSlo,
        'stock-moves': classSlo,
        'carrier-burst': classSlo,
        'month-end-billing': classSlo,
      })
      .strict()
      .describe('Judged over the hold phase of each step'),
    abort: z
      .object({
        maxErrorRate: z
          .number()
          .gt(0)
          .max(1)
          .describe('Stop the whole run (k6 abortOnFail) when this share of transactions fails'),
        after: k6Duration.describe(
          'Judge the guard only after this long, so start-up noise does not stop a run',
        ),
      })
      .strict()
      .describe('The guard that stops a run before it hammers a failing system'),
  })
  .strict();

export type Slo = z.infer<typeof sloSchema>;

export function loadSlo(file: string): Promise<Slo> {
  return loadYamlFile(sloSchema, file);
}
