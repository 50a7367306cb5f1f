// models/workload/*.yaml: each transaction class's arrival rate, executor and payload shapes,
// handed to k6 as OC_WORKLOAD; every field is required so a direct `k6 run` needs no defaults.
import { z } from 'zod';
import { loadYamlFile } from '../load-yaml.js';
import { k6Duration } from './k6-duration.js';
import { sloSchema, type Slo } from './slo.js';

const positiveInt = z.number().int().positive();

const countDistribution = z
  .discriminatedUnion('distribution', [
    z
      .object({
        distribution: z.literal('fixed'),
        value: positiveInt.describe('Always this many'),
      })
      .strict(),
    z
      .object({
        distribution: z.literal('uniform'),
        min: positiveInt.describe('Smallest count'),
        max: positiveInt.describe('Largest count'),
      })
      .strict()
      .refine((d) => d.min <= d.max, { message: 'min must not exceed max', path: ['max'] }),
    z
      .object({
        distribution: z.literal('geometric'),
        mean: z.number().min(1).describe('Mean count: 1 + a geometric variable'),
        max: positiveInt.describe('Counts above this are cut to it'),
      })
      .strict(),
    z
      .object({
        distribution: z.literal('empirical'),
        weights: z
          .array(
            z
              .object({
                value: positiveInt.describe('A count'),
                weight: z.number().positive().describe('Its relative frequency'),
              })
              .strict(),
          )
          .min(1)
          .describe('Observed counts and how often each occurs'),
      })
      .strict(),
  ])
  .describe('A whole-number count drawn per transaction: fixed, uniform, geometric or empirical');

const productSkew = z
  .object({
    zipfS: z
      .number()
      .min(0)
      .max(5)
      .describe(
        'Zipf exponent of product popularity: rank r (OC-P-0001 is rank 1) weighs 1/r^s; 0 is uniform, about 1 is typical of SKU sales',
      ),
  })
  .strict()
  .describe('How concentrated demand is on hot products (hot quants contend on row locks)');

const loadFields = {
  executor: z
    .enum(['open', 'closed'])
    .describe(
      'open: arrivals at `rate` whatever the response time (k6 arrival-rate executors); closed: `vus` looping back to back (constant-vus)',
    ),
  rate: z
    .number()
    .positive()
    .describe(
      'Open model: business transactions per second; with `stages` the starting rate, with `burst` the rate between spikes',
    ),
  duration: k6Duration.describe('How long the class runs (the hold; a warm-up comes on top)'),
  stages: z
    .array(
      z
        .object({
          rate: z.number().min(0).describe('Rate reached at the end of the stage, transactions/s'),
          duration: k6Duration.describe('Length of the stage; stages are stretched to `duration`'),
        })
        .strict(),
    )
    .min(1)
    .optional()
    .describe('Open model: a ramping profile (k6 ramping-arrival-rate) instead of a constant rate'),
  burst: z
    .object({
      peakRate: z.number().positive().describe('Rate during a spike, transactions/s'),
      spikeSeconds: z.number().positive().describe('Length of each spike, seconds'),
      periodSeconds: z.number().positive().describe('One spike every this many seconds'),
    })
    .strict()
    .refine((b) => b.periodSeconds >= b.spikeSeconds + 3, {
      message: 'periodSeconds must exceed spikeSeconds by at least 3 (1 s ramps each side)',
      path: ['periodSeconds'],
    })
    .optional()
    .describe('Open model: short spikes at a high rate, `rate` in between'),
  vus: positiveInt.describe('Closed model: VUs'),
  preAllocatedVUs: positiveInt.describe('Open model: VUs k6 starts up front'),
  maxVUs: positiveInt.describe(
    'Open model: the most VUs k6 may use when responses slow down; past it, iterations are dropped (and the step is invalid)',
  ),
};

const classLoad = z.object(loadFields).strict();

function loadRules(c: z.infer<typeof classLoad>, ctx: z.RefinementCtx): void {
  if (c.preAllocatedVUs > c.maxVUs) {
    ctx.addIssue({
      code: 'custom',
      message: 'preAllocatedVUs must not exceed maxVUs',
      path: ['preAllocatedVUs'],
    });
  }
  if (c.stages && c.burst) {
    ctx.addIssue({ code: 'custom', message: 'give stages or burst, not both', path: ['burst'] });
  }
}

const transferShape = {
  quantityPerLine: countDistribution.describe('Units per line'),
  productSkew,
};

/**
 * What the billing job does when posting collides with a concurrent one (fault 2, "Another entry
 * with the same name already exists."): bounded exponential backoff with jitter.
 */
const postRetry = z
  .object({
    maxAttempts: positiveInt
      .max(20)
      .describe(
        'account.move action_post calls per batch at most, the first included; 1 never retries',
      ),
    backoffMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .describe('Wait before the first retry, ms; it doubles on each further retry'),
    maxBackoffMs: z
      .number()
      .int()
      .min(0)
      .max(300_000)
      .describe('The longest wait between two attempts, ms'),
  })
  .strict()
  .refine((p) => p.backoffMs <= p.maxBackoffMs, {
    message: 'backoffMs must not exceed maxBackoffMs',
    path: ['backoffMs'],
  })
  .describe(
    'Posting collisions (two batches numbered the same invoice at once) are retried: the waits are backoffMs × 2^(retry − 1), capped at maxBackoffMs, each drawn between half and all of it',
  );

export const workloadSchema = z
  .object({
    schemaVersion: z.literal(1).describe('Format version of this file'),
    name: z.string().min(1).describe('A name for reports, e.g. "mid-size-3pl"'),
    description: z.string().optional().describe('Who this workload models, and from what data'),
    classes: z
      .object({
        'order-wave': classLoad
          .extend({
            payload: z
              .object({
                linesPerOrder: countDistribution.describe('Order lines per sale order'),
                ...transferShape,
              })
              .strict()
              .describe('Sale orders created and confirmed'),
          })
          .superRefine(loadRules)
          .describe('Sale orders created and confirmed (stock reserved at confirmation)'),
        'stock-moves': classLoad
          .extend({
            payload: z
              .object({
                mix: z
                  .object({
                    deliveries: z.number().min(0).describe('Ready deliveries validated'),
                    receipts: z.number().min(0).describe('Supplier receipts created and validated'),
                    internalTransfers: z
                      .number()
                      .min(0)
                      .describe('Internal transfers created, reserved and validated'),
                    inventoryAdjustments: z
                      .number()
                      .min(0)
                      .describe('Quants counted and applied (stock.quant action_apply_inventory)'),
                  })
                  .strict()
                  .refine(
                    (m) =>
                      m.deliveries + m.receipts + m.internalTransfers + m.inventoryAdjustments > 0,
                    {
                      message: 'at least one weight must be positive',
                    },
                  )
                  .describe('Relative weights of the warehouse operations'),
                linesPerTransfer: countDistribution.describe(
                  'Lines per receipt or internal transfer',
                ),
                ...transferShape,
              })
              .strict()
              .describe('The operation mix, and the shape of receipts and internal transfers'),
          })
          .describe(
            'Warehouse operations: validate deliveries, receipts, internal transfers, adjustments',
          ),
        'carrier-burst': classLoad
          .superRefine(loadRules)
          .describe(
            'Carrier status updates: write the tracking reference, read the picking, look it up by origin',
          ),
        'month-end-billing': classLoad
          .extend({
            payload: z
              .object({
                batchSize: positiveInt
                  .max(500)
                  .describe('Delivered orders invoiced by one sale.advance.payment.inv call'),
                postRetry,
              })
              .strict()
              .describe('How many orders one invoicing call takes, and how posting is retried'),
          })
          .superRefine(loadRules)
          .describe('Delivered orders invoiced in batches, then the invoices posted'),
      })
      .strict()
      .describe('One entry per transaction class'),
  })
  .strict();

export type WorkloadModel = z.infer<typeof workloadSchema>;

export function loadWorkload(file: string): Promise<WorkloadModel> {
  return loadYamlFile(workloadSchema, file);
}

/** OC_WORKLOAD (docs/contracts.md): the validated workload and SLOs k6 is given, as run.json keeps them. */
export const workloadEnvelopeSchema = z
  .object({ workload: workloadSchema, slo: sloSchema })
  .strict();

export type WorkloadEnvelope = z.infer<typeof workloadEnvelopeSchema>;

/** The OC_WORKLOAD value: the one place the envelope is serialised for k6. */
export function workloadEnvironment(workload: WorkloadModel, slo: Slo): string {
  return JSON.stringify({ workload, slo });
}
