// models/forecast.yaml: busy-hour demand per class, growth, peak events, the headroom policy and
// how classes map onto Odoo's web, cron and integration pools.
import { z } from 'zod';
import { TRANSACTION_CLASSES } from '../classes.js';
import { loadYamlFile } from '../load-yaml.js';

const transactionClass = z.enum(TRANSACTION_CLASSES);
const perClass = <T extends z.ZodType>(value: T) => z.partialRecord(transactionClass, value);

/** A date: YYYY-MM-DD for a one-off event, MM-DD for one that comes back every year. */
const eventDate = z
  .string()
  .regex(/^(\d{4}-)?\d{2}-\d{2}$/, 'expected YYYY-MM-DD, or MM-DD for a yearly event')
  .refine((s) => {
    const [m, d] = s.slice(-5).split('-').map(Number) as [number, number];
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
  }, 'not a calendar date');

const poolSchema = z
  .object({
    classes: z.array(transactionClass).describe('Transaction classes this pool serves'),
    arrivalCv2: z
      .number()
      .min(0)
      .default(1)
      .describe('Squared coefficient of variation of arrivals: 1 Poisson, >1 bursty'),
    minWorkers: z.number().int().min(1).default(2),
    cronThreads: z.number().int().min(0).default(0).describe('--max-cron-threads per pod'),
  })
  .strict();

export const forecastSchema = z
  .object({
    schemaVersion: z.literal(1).describe('Format version of this file'),
    asOf: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional()
      .describe('The date "today" means; default: the day the plan runs'),
    horizonMonths: z.number().int().positive().max(60).default(12),
    baseline: perClass(z.number().min(0)).describe(
      "Today's busy-hour rates, business transactions per second",
    ),
    growthPercentPerMonth: z
      .object({ default: z.number().default(0) })
      .catchall(z.number())
      .default({ default: 0 })
      .superRefine((value, ctx) => {
        for (const key of Object.keys(value))
          if (key !== 'default' && !(TRANSACTION_CLASSES as readonly string[]).includes(key))
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: `unknown transaction class; expected default or one of ${TRANSACTION_CLASSES.join(', ')}`,
            });
      }),
    peaks: z
      .array(
        z
          .object({
            name: z.string().min(1),
            date: eventDate,
            multipliers: perClass(z.number().positive()).describe('× the grown baseline'),
          })
          .strict(),
      )
      .default([]),
    concurrentUsers: z
      .number()
      .positive()
      .optional()
      .describe("Concurrent users at the peak, for Odoo's rule of thumb (users / 6)"),
    busyHoursPerMonth: z
      .number()
      .positive()
      .default(200)
      .describe('Hours per month at the busy-hour rate: turns rates into monthly volume'),
    headroom: z
      .object({
        targetUtilisation: z.number().gt(0).max(1).default(0.7),
        databaseTargetUtilisation: z.number().gt(0).max(1).default(0.6),
        redundancy: z.enum(['N+0', 'N+1', 'N+2']).default('N+1'),
        zones: z.number().int().positive().default(1),
        surviveZoneLoss: z.boolean().default(false),
      })
      .strict()
      .default({
        targetUtilisation: 0.7,
        databaseTargetUtilisation: 0.6,
        redundancy: 'N+1',
        zones: 1,
        surviveZoneLoss: false,
      }),
    pools: z
      .object({ web: poolSchema, cron: poolSchema, integration: poolSchema })
      .strict()
      .default({
        web: {
          classes: ['order-wave', 'stock-moves'],
          arrivalCv2: 1,
          minWorkers: 2,
          cronThreads: 0,
        },
        cron: { classes: ['month-end-billing'], arrivalCv2: 1, minWorkers: 1, cronThreads: 2 },
        integration: { classes: ['carrier-burst'], arrivalCv2: 2, minWorkers: 2, cronThreads: 0 },
      })
      .superRefine((pools, ctx) => {
        const owner = new Map<string, string>();
        for (const [pool, spec] of Object.entries(pools))
          for (const c of spec.classes) {
            if (owner.has(c))
              ctx.addIssue({
                code: 'custom',
                path: [pool, 'classes'],
                message: `${c} is already served by the ${owner.get(c)} pool`,
              });
            owner.set(c, pool);
          }
      }),
    database: z
      .object({
        readReplicaShare: z
          .number()
          .gt(0)
          .max(1)
          .default(0.3)
          .describe('Read-only share of DB time above which a read replica pays off'),
        storageHeadroom: z.number().min(1).default(1.3),
      })
      .strict()
      .default({ readReplicaShare: 0.3, storageHeadroom: 1.3 }),
  })
  .strict();

export type Forecast = z.infer<typeof forecastSchema>;
export type PoolSpec = z.infer<typeof poolSchema>;

export function loadForecast(file: string): Promise<Forecast> {
  return loadYamlFile(forecastSchema, file);
}
