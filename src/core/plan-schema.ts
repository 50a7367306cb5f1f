// plan.json as the report reads it (a run's own plan, or last quarter's for --compare): every
// field the report renders, with its type, so that a hand-edited or foreign plan is one line
// naming the file and the field, never a crash while rendering. It mirrors plan-types.ts field
// by field; objects are loose, so fields a later writer adds pass through.
// JSON writes an infinite number as null: the fields the planner may leave infinite (a p95 no
// worker count bounds) read null back as Infinity, as the planner meant it.
import { z } from 'zod';
import { TRANSACTION_CLASSES } from './classes.js';
import type {
  BillingConcurrencyCap,
  CapacityRunway,
  DatabaseRecommendation,
  NodePoolRecommendation,
  PlanJson,
  TenantDecision,
  UslFitSummary,
  WorkerPoolRecommendation,
} from './plan-types.js';
import { PLAN_SCHEMA_VERSION } from './plan-types.js';

const num = z.number();
/** A number the planner may leave infinite: JSON's null reads back as Infinity. */
const unbounded = z
  .number()
  .nullable()
  .transform((v) => v ?? Infinity);
const nullableNum = z.number().nullable();
const strings = z.array(z.string());
const transactionClass = z.enum(TRANSACTION_CLASSES);
const byClass = z.partialRecord(transactionClass, num);
const byClassOrMix = z.partialRecord(z.enum([...TRANSACTION_CLASSES, 'mix']), num);
const grade = z.enum(['high', 'medium', 'low']);
const placement = z.enum(['stay-shared', 'dedicated-database', 'dedicated-stack']);
const odooPool = z.enum(['web', 'cron', 'integration']);

const stepRef = z.looseObject({
  run: z.string(),
  index: num,
  label: z.string(),
  dir: z.string(),
});

const grounded = {
  evidence: z.looseObject({
    steps: z.array(stepRef),
    fits: z.array(
      z.looseObject({ fit: z.string(), r2: nullableNum, points: num, looMape: nullableNum }),
    ),
    inputs: z.record(z.string(), nullableNum),
    formulas: strings,
  }),
  assumptions: strings,
  confidence: z.looseObject({ grade, reasons: strings }),
};

const pair = z.tuple([nullableNum, nullableNum]);
const coefficients = z.looseObject({ sigma: num, kappa: num, lambda: num });
const errors = z.looseObject({ sigma: nullableNum, kappa: nullableNum, lambda: nullableNum });

const fit = z.looseObject({
  id: z.string(),
  scope: z.enum([...TRANSACTION_CLASSES, 'mix']),
  concurrencySource: z.enum(['vus', 'littles', 'input']),
  points: z.array(
    z.looseObject({
      n: num,
      x: num,
      fitted: nullableNum,
      looPredicted: nullableNum,
      step: stepRef.nullable(),
      transactions: nullableNum.optional(),
    }),
  ),
  coefficients,
  standardErrors: errors,
  interval95: z.looseObject({ sigma: pair, kappa: pair, lambda: pair }),
  r2: nullableNum,
  looMape: nullableNum,
  nStar: nullableNum,
  xMax: nullableNum,
  constraint: z.enum(['contention', 'coherency', 'limitless']),
  maxMeasuredN: num,
  curve: z.array(z.looseObject({ n: num, x: nullableNum })),
  warnings: strings,
}) as z.ZodType<UslFitSummary>;

const forecastPoint = z.looseObject({
  name: z.string(),
  date: z.string(),
  rates: byClass,
  total: num,
});

const workers = z.looseObject({
  ...grounded,
  pool: odooPool,
  classes: z.array(transactionClass),
  transactionRate: num,
  requestRate: num,
  serviceTimeMs: num,
  serviceCv2: num,
  arrivalCv2: num,
  workers: num,
  pods: num,
  podsLimitedBy: z.enum(['workers', 'cpu']).optional(),
  odooCpuCoresAtPeak: num.optional(),
  workersPerPod: num,
  cronThreadsPerPod: num,
  podCpu: num,
  podMemoryMiB: num,
  utilisation: unbounded,
  probabilityOfWait: unbounded,
  predictions: z.array(
    z.looseObject({
      class: transactionClass,
      rate: num,
      p95Ms: unbounded,
      sloP95Ms: nullableNum,
      meetsSlo: z.boolean(),
      uslMeanLatencyMs: nullableNum.optional(),
    }),
  ),
  limitedBy: z.enum(['slo', 'utilisation', 'minimum', 'n-star']),
  sloUnreachable: z.array(transactionClass),
  nStar: nullableNum,
  meetsSlo: z.boolean(),
  current: z.looseObject({ workers: num, pods: num }).nullable(),
}) as z.ZodType<WorkerPoolRecommendation>;

const nodePool = z.looseObject({
  ...grounded,
  pool: z.enum(['web', 'workers', 'integration']),
  odooPools: z.array(odooPool),
  nodeType: z.string(),
  allocatable: z.looseObject({ cpu: num, memoryMiB: num }),
  nodesForLoad: num,
  nodes: num,
  zones: num,
  nodesPerZone: z.array(num),
  packing: z.looseObject({
    nodes: z.array(z.looseObject({ pods: strings, cpu: num, memoryMiB: num })),
  }),
  utilisation: z.looseObject({ cpu: unbounded, memory: unbounded }),
  monthlyCost: num,
  currency: z.string(),
  alternatives: z.array(z.looseObject({ nodeType: z.string(), nodes: num, monthlyCost: num })),
}) as z.ZodType<NodePoolRecommendation>;

const database = z.looseObject({
  vcpu: z.looseObject({
    ...grounded,
    busyCoresAtPeak: num,
    dbMsPerTransaction: byClassOrMix,
    targetUtilisation: num,
    vcpu: num,
    current: nullableNum,
  }),
  memory: z.looseObject({
    ...grounded,
    ramGiB: num,
    sharedBuffersMiB: num,
    effectiveCacheSizeMiB: num,
    maintenanceWorkMemMiB: num,
    workMemMiB: num,
    walBuffersMiB: num,
    databaseSizeGiB: num,
    databaseSizeIn12MonthsGiB: num,
    hitRatio: nullableNum,
  }),
  connections: z.looseObject({
    ...grounded,
    maxConnections: num,
    pooler: z.looseObject({
      kind: z.literal('pgbouncer'),
      poolMode: z.literal('transaction'),
      defaultPoolSize: num,
      maxClientConn: num,
      sessionModeDatabases: strings,
      ini: strings,
    }),
  }),
  io: z.looseObject({ ...grounded, readIopsUpperBound: num, walMBps: num }),
  storage: z.looseObject({
    ...grounded,
    bytesPerTransaction: byClassOrMix,
    growthGiBPerMonth: num,
    provisionGiB: num.optional(),
  }),
  readReplica: z.looseObject({
    ...grounded,
    recommended: z.boolean(),
    readShare: nullableNum,
    threshold: num,
  }),
  instance: z
    .looseObject({ name: z.string(), vcpu: num, memoryGiB: num, monthlyCost: num })
    .nullable(),
}) as z.ZodType<DatabaseRecommendation>;

const runway = z.looseObject({
  ...grounded,
  currentCapacity: byClass,
  runsOutOn: z.string().nullable(),
  limitedBy: z.string().nullable(),
}) as z.ZodType<CapacityRunway>;

const tenant = z.looseObject({
  ...grounded,
  tenant: z.string(),
  database: z.string(),
  decision: placement,
  score: num,
  contributions: z.record(z.string(), num),
  metrics: z.looseObject({
    dbTimeShare: num,
    workerTimeShare: num,
    growthPerMonth: num,
    neighbourP95Degradation: nullableNum,
  }),
  reasons: strings,
  fired: z.array(
    z.looseObject({
      name: z.string(),
      value: z.union([num, z.string()]),
      threshold: z.union([num, z.string()]),
      effect: z.union([placement, z.literal('review')]),
    }),
  ),
}) as z.ZodType<TenantDecision>;

const postingCollisions = z.looseObject({
  ...grounded,
  class: z.literal('month-end-billing'),
  maxCollisionRate: num,
  steps: z.array(
    z.looseObject({
      step: stepRef,
      valid: z.boolean(),
      concurrency: num,
      concurrencySource: z.enum(['vus', 'littles']),
      attempts: num,
      collisions: num,
      collisionRate: num,
      invoicesPosted: num,
      invoicesUnposted: num,
      overLimit: z.boolean(),
    }),
  ),
  status: z.enum(['no-collisions', 'within-limit', 'capped', 'over-limit-throughout']),
  cap: nullableNum,
  firstOverLimit: nullableNum,
  maxMeasured: num,
  forecastConcurrency: nullableNum,
  exceedsCap: z.boolean(),
  attempts: num,
  collisions: num,
  invoicesPosted: num,
  invoicesUnposted: num,
}) as z.ZodType<BillingConcurrencyCap>;

export const planSchema = z.looseObject({
  schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
  kind: z.literal('odoo-capacity-plan'),
  generatedAt: z.string(),
  tool: z.looseObject({ name: z.literal('odoo-capacity'), version: z.string() }),
  runs: z.array(
    z.looseObject({
      id: z.string(),
      dir: z.string(),
      profile: z.string(),
      model: z.enum(['open', 'closed']),
      status: z.string(),
      target: z.looseObject({
        url: z.string(),
        db: z.string(),
        odooVersion: z.string(),
        lab: z.boolean(),
      }),
      validSteps: num,
      invalidSteps: z.array(z.looseObject({ index: num, label: z.string(), reasons: strings })),
    }),
  ),
  environment: z.looseObject({
    name: z.string(),
    workers: num,
    pods: num,
    cpuPerPod: num,
    databaseVcpu: num,
    databaseMemoryGiB: num,
  }),
  models: strings,
  headroom: z.looseObject({
    targetUtilisation: num,
    databaseTargetUtilisation: num,
    spareNodes: num,
    zones: num,
    surviveZoneLoss: z.boolean(),
  }),
  forecast: z.looseObject({
    asOf: z.string(),
    horizonMonths: num,
    baseline: byClass,
    growthPerMonth: byClass,
    events: z.array(forecastPoint),
    peak: forecastPoint,
    peakRates: byClass,
  }),
  unmeasuredClasses: z.array(transactionClass),
  fits: z.array(fit),
  workers: z.array(workers),
  baseline: z.looseObject({
    concurrentUsers: num,
    concurrentUsersSource: z.enum(['forecast', 'littles-law']),
    workers: num,
    maxWorkersPerPod: num,
    ramMiB: num,
  }),
  memory: z.looseObject({
    perWorkerMiB: num,
    source: z.enum(['measured-working-set', 'odoo-rule-of-thumb']),
  }),
  connections: z.looseObject({
    ...grounded,
    worstCaseConnections: num,
    dbMaxconn: num,
    maxConnections: num,
    fitsWithoutPooler: z.boolean(),
    expectedPeakConnections: num,
  }),
  nodePools: z.array(nodePool),
  autoscaling: z
    .looseObject({
      ...grounded,
      pool: z.literal('web'),
      minReplicas: num,
      maxReplicas: num,
      metric: z.literal('request-concurrency'),
      targetConcurrencyPerPod: num,
      cpuTargetUtilisation: num,
      cappedAtNStar: z.boolean(),
    })
    .nullable(),
  database,
  runway,
  tenants: z.array(tenant).nullable(),
  postingCollisions: postingCollisions.nullable().optional(),
  feasibility: z.looseObject({ feasible: z.boolean(), reasons: strings }),
  assumptions: strings,
  warnings: strings,
}) as unknown as z.ZodType<PlanJson>;
