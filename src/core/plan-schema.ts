// The plan.json document (written by `plan` into runs/<id>/plan.json) and the tenant placement
// document (`tenant --json`), each described once as a zod schema, one schema per section of the
// document, with its type from z.infer (plan-types.ts exports the types under their names). The
// planner builds them; the reports read them back through the whole schema, so a hand-edited or
// foreign plan is one line naming the file and the field, never a crash while rendering. Every
// recommendation carries its evidence, its assumptions and a confidence grade.
//
// Objects are loose: fields a later writer adds pass through. Fields added after the first
// release of schema version 1 are optional, so earlier plans stay readable. Units: rates are per
// second; latencies in milliseconds; memory in MiB unless the field name says GiB; money per month
// in the catalog's currency; shares and utilisations are fractions 0–1.
//
// JSON writes a non-finite number as null. The fields the planner may leave infinite (a p95 no
// worker count bounds) read null back as Infinity, and the statistics it may leave undefined
// (standard errors from too few points) read null back as NaN: what the planner had in memory.
import { z } from 'zod';
import { TRANSACTION_CLASSES } from './classes.js';

export const PLAN_SCHEMA_VERSION = 1 as const;
export const TENANT_PLACEMENT_SCHEMA_VERSION = 1 as const;

const num = z.number();
const nullableNum = z.number().nullable();
/** A number the planner may leave infinite: JSON's null reads back as Infinity. */
const unbounded = z
  .number()
  .nullable()
  .transform((v) => v ?? Infinity);
/** A statistic the planner may leave undefined (NaN): JSON's null reads back as NaN. */
const statistic = z
  .number()
  .nullable()
  .transform((v) => v ?? NaN);
const strings = z.array(z.string());
const transactionClass = z.enum(TRANSACTION_CLASSES);
const classOrMix = z.enum([...TRANSACTION_CLASSES, 'mix']);
/** Rates and amounts by class; other keys are refused (they would be silently lost). */
const byClass = z.partialRecord(transactionClass, num);
const byClassOrMix = z.partialRecord(classOrMix, num);

// ---------------------------------------------------------------------------------------------
// What every recommendation carries

/** high: well-determined fit, forecast inside the measured range; low: extrapolated or assumed. */
const confidenceGradeSchema = z.enum(['high', 'medium', 'low']);
export type ConfidenceGrade = z.infer<typeof confidenceGradeSchema>;

const confidenceSchema = z.looseObject({
  grade: confidenceGradeSchema,
  /** Why this grade, one short sentence each ("R² 0.97 over 7 steps", "no working set measured"). */
  reasons: strings,
});
export type Confidence = z.infer<typeof confidenceSchema>;

/** A ladder step that a number came from: `runs/<run>/<dir>/step.json` (dir is `steps/NN-label`). */
const stepRefSchema = z.looseObject({
  run: z.string(),
  index: num,
  label: z.string(),
  dir: z.string(),
});
export type StepRef = z.infer<typeof stepRefSchema>;

const fitQualitySchema = z.looseObject({
  /** Id of the fit in PlanJson.fits, e.g. "usl:order-wave". */
  fit: z.string(),
  r2: statistic,
  points: num,
  /** Leave-one-out mean absolute percentage error of the throughput prediction (0.05 = 5 %). */
  looMape: nullableNum,
});
export type FitQuality = z.infer<typeof fitQualitySchema>;

/** Where a recommendation comes from. */
const evidenceSchema = z.looseObject({
  /** The steps whose measurements it uses (valid steps only, unless a reason says otherwise). */
  steps: z.array(stepRefSchema),
  /** The model fits it relies on, with their quality. */
  fits: z.array(fitQualitySchema),
  /** The measured or derived numbers it uses, named, with their unit in the key ("serviceTimeMs"). */
  inputs: z.record(z.string(), statistic),
  /** Which formula, by its F-number in docs/capacity-model.md ("F11–F15", "F25"). */
  formulas: strings,
});
export type Evidence = z.infer<typeof evidenceSchema>;

/** What every recommendation carries; each recommendation's schema extends it. */
const groundedSchema = z.looseObject({
  evidence: evidenceSchema,
  /** Things taken as true without a measurement; the report lists them. */
  assumptions: strings,
  confidence: confidenceSchema,
});
export type Grounded = z.infer<typeof groundedSchema>;

// ---------------------------------------------------------------------------------------------
// fits: Universal Scalability Law fits

const uslCoefficientsSchema = z.looseObject({
  /** Contention (σ ≥ 0). */
  sigma: num,
  /** Coherency (κ ≥ 0). */
  kappa: num,
  /** Throughput of one unit of concurrency (λ, transactions/s). */
  lambda: num,
});
export type UslCoefficients = z.infer<typeof uslCoefficientsSchema>;
/** σ, κ or λ by name (keyof UslCoefficients is any string: the object is loose). */
export type UslCoefficientName = keyof typeof uslCoefficientsSchema.shape;

const uslPointSchema = z.looseObject({
  /** Concurrency: VUs for closed steps, Little's law (X·R) for open steps. */
  n: num,
  /** Measured throughput, transactions/s. */
  x: num,
  fitted: statistic,
  /** Prediction for this point by the fit made without it (leave-one-out). */
  looPredicted: nullableNum,
  step: stepRefSchema.nullable(),
  /**
   * Transactions completed in the step's window, which the throughput counts: its noise. Absent
   * from plans written before it was recorded, and null for points given as numbers (fit).
   */
  transactions: nullableNum.optional(),
});
export type UslPoint = z.infer<typeof uslPointSchema>;

const uslConstraintSchema = z.enum(['contention', 'coherency', 'limitless']);
export type UslConstraint = z.infer<typeof uslConstraintSchema>;

const interval95 = z.tuple([statistic, statistic]);

const uslFitSchema = z.looseObject({
  /** "usl:<class>" or "usl:mix". */
  id: z.string(),
  scope: classOrMix,
  /** Where N came from: "vus" (closed ladder), "littles" (open ladder), "input" (numbers given). */
  concurrencySource: z.enum(['vus', 'littles', 'input']),
  points: z.array(uslPointSchema),
  coefficients: uslCoefficientsSchema,
  /** NaN (null in JSON) when there are too few points to estimate them. */
  standardErrors: z.looseObject({ sigma: statistic, kappa: statistic, lambda: statistic }),
  /** Two-sided 95 % intervals: coefficient ± SE · t(0.975, n − 3). */
  interval95: z.looseObject({ sigma: interval95, kappa: interval95, lambda: interval95 }),
  r2: statistic,
  looMape: nullableNum,
  /** Peak concurrency ⌊√((1−σ)/κ)⌋; null when κ = 0 (no retrograde region). */
  nStar: nullableNum,
  /** X(N*); with κ = 0 the asymptote λ/σ (null when σ = 0 too). */
  xMax: nullableNum,
  constraint: uslConstraintSchema,
  /** Largest measured N: N* beyond it is an extrapolation. */
  maxMeasuredN: num,
  /** The fitted curve sampled for charts: from 0 to max(2·maxMeasuredN, N*·1.2). */
  curve: z.array(z.looseObject({ n: num, x: statistic })),
  warnings: strings,
});
export type UslFitSummary = z.infer<typeof uslFitSchema>;

// ---------------------------------------------------------------------------------------------
// headroom, forecast and runway

const headroomSchema = z.looseObject({
  /** Target utilisation of Odoo workers and node allocatable (e.g. 0.7). */
  targetUtilisation: num,
  /** Target utilisation of database vCPU. */
  databaseTargetUtilisation: num,
  /** Spare nodes per pool: 1 for N+1, 2 for N+2. */
  spareNodes: num,
  zones: num,
  /** Keep serving the peak after losing a whole zone (×Z/(Z−1)). */
  surviveZoneLoss: z.boolean(),
});
export type HeadroomPolicy = z.infer<typeof headroomSchema>;

const forecastPointSchema = z.looseObject({
  name: z.string(),
  date: z.string(),
  /** Business transactions per second per class at that date. */
  rates: byClass,
  total: num,
});
export type ForecastPoint = z.infer<typeof forecastPointSchema>;

const forecastSchema = z.looseObject({
  asOf: z.string(),
  horizonMonths: num,
  /** Today's busy-hour rates, transactions/s. */
  baseline: byClass,
  /** Compound growth per class, fraction per month (0.03 = 3 %/month). */
  growthPerMonth: byClass,
  /** Every peak event in the horizon, with grown rates. */
  events: z.array(forecastPointSchema),
  /** The event the plan is sized for (largest total demand). */
  peak: forecastPointSchema,
  /** Per class, the largest rate over the events: what each pool is sized for. */
  peakRates: byClass,
});
export type ForecastSummary = z.infer<typeof forecastSchema>;

const runwaySchema = groundedSchema.extend({
  /** Transactions/s the environment under test sustains within the SLOs, at the forecast mix. */
  currentCapacity: byClass,
  /** First date the forecast exceeds today's capacity; null when not within the horizon. */
  runsOutOn: z.string().nullable(),
  /** The class and the limit that runs out first ("web workers", "database vCPU"). */
  limitedBy: z.string().nullable(),
});
export type CapacityRunway = z.infer<typeof runwaySchema>;

// ---------------------------------------------------------------------------------------------
// workers, baseline, memory, connections: Odoo workers

const odooPoolSchema = z.enum(['web', 'cron', 'integration']);
export type OdooPool = z.infer<typeof odooPoolSchema>;

const classPredictionSchema = z.looseObject({
  class: transactionClass,
  /** Forecast peak rate, transactions/s. */
  rate: num,
  /** Predicted p95 of the whole business transaction at the recommended workers; Infinity (null
   * in JSON) when the pool cannot keep up at all. */
  p95Ms: unbounded,
  /** SLO p95; null when models/slo.yaml gives none for this class. */
  sloP95Ms: nullableNum,
  meetsSlo: z.boolean(),
  /**
   * Cross-check from the class's USL fit: mean transaction latency at this rate on the deployment
   * that was measured (R = N/X solved on the curve); null past its X_max or without a fit.
   */
  uslMeanLatencyMs: nullableNum.optional(),
});
export type ClassPrediction = z.infer<typeof classPredictionSchema>;

const workerPoolSchema = groundedSchema.extend({
  pool: odooPoolSchema,
  classes: z.array(transactionClass),
  /** Σ forecast peak rates of the pool's classes, transactions/s. */
  transactionRate: num,
  /** XML-RPC requests/s reaching the workers (transactions × requests per transaction). */
  requestRate: num,
  /** Mean single-request service time at low load, and its squared coefficient of variation. */
  serviceTimeMs: num,
  serviceCv2: num,
  arrivalCv2: num,
  /** Total HTTP workers across the pool's pods (pods × workersPerPod). */
  workers: num,
  pods: num,
  /** What set the pod count: workers at ≤ 2×vCPU+1 per pod, or the Odoo CPU the load needs. */
  podsLimitedBy: z.enum(['workers', 'cpu']).optional(),
  /** Odoo CPU the pool's classes need at the forecast peak (low-load latency − DB time, × rate). */
  odooCpuCoresAtPeak: num.optional(),
  workersPerPod: num,
  cronThreadsPerPod: num,
  podCpu: num,
  podMemoryMiB: num,
  /** Offered load / workers at the forecast peak. */
  utilisation: unbounded,
  /** Probability that a request waits for a worker (Erlang C, G/G/c corrected). */
  probabilityOfWait: unbounded,
  predictions: z.array(classPredictionSchema),
  /** What decided the count. */
  limitedBy: z.enum(['slo', 'utilisation', 'minimum', 'n-star']),
  /** Classes whose p95 misses the SLO even with no queueing: no worker count helps. */
  sloUnreachable: z.array(transactionClass),
  /** USL peak concurrency that caps the count: null when no fit measured its peak. */
  nStar: nullableNum,
  meetsSlo: z.boolean(),
  /** What runs today (from models/environment.yaml), for comparison. */
  current: z.looseObject({ workers: num, pods: num }).nullable(),
});
export type WorkerPoolRecommendation = z.infer<typeof workerPoolSchema>;

/** Odoo's own rule of thumb (deploy.rst), shown beside the plan as the baseline. */
const baselineSchema = z.looseObject({
  /** Concurrent users the rule is applied to, and where that number comes from. */
  concurrentUsers: num,
  concurrentUsersSource: z.enum(['forecast', 'littles-law']),
  /** users / 6. */
  workers: num,
  /** (2 × vCPU) + 1 per pod of the environment under test. */
  maxWorkersPerPod: num,
  /** workers × (0.8 × 150 MB + 0.2 × 1024 MB). */
  ramMiB: num,
});
export type OdooBaseline = z.infer<typeof baselineSchema>;

const memorySchema = z.looseObject({
  /** Per worker, MiB. */
  perWorkerMiB: num,
  source: z.enum(['measured-working-set', 'odoo-rule-of-thumb']),
});
export type MemoryEstimate = z.infer<typeof memorySchema>;

const connectionsSchema = groundedSchema.extend({
  /** Σ pods × (1 + workers + cron threads) × db_maxconn (F18). */
  worstCaseConnections: num,
  dbMaxconn: num,
  maxConnections: num,
  /** Whether worst case < max_connections without a pooler. */
  fitsWithoutPooler: z.boolean(),
  /** A request holds at most two connections (odony): the realistic peak. */
  expectedPeakConnections: num,
});
export type ConnectionBudget = z.infer<typeof connectionsSchema>;

// ---------------------------------------------------------------------------------------------
// nodePools and autoscaling

const nodePackingSchema = z.looseObject({
  /** Pods placed on each node, by name, in first-fit-decreasing order. */
  nodes: z.array(z.looseObject({ pods: strings, cpu: num, memoryMiB: num })),
});
export type NodePacking = z.infer<typeof nodePackingSchema>;

const nodePoolOptionSchema = z.looseObject({
  nodeType: z.string(),
  nodes: num,
  monthlyCost: num,
});
export type NodePoolOption = z.infer<typeof nodePoolOptionSchema>;

const nodePoolSchema = groundedSchema.extend({
  /** One pool each for web, workers/cron and integration. */
  pool: z.enum(['web', 'workers', 'integration']),
  odooPools: z.array(odooPoolSchema),
  nodeType: z.string(),
  /** Allocatable per node after kube and system reservations and eviction threshold. */
  allocatable: z.looseObject({ cpu: num, memoryMiB: num }),
  /** Nodes the pods need at the target utilisation. */
  nodesForLoad: num,
  /** With N+k and zone spread: what to run. */
  nodes: num,
  zones: num,
  nodesPerZone: z.array(num),
  packing: nodePackingSchema,
  /** Requests / allocatable over the nodes the load needs. */
  utilisation: z.looseObject({ cpu: unbounded, memory: unbounded }),
  monthlyCost: num,
  currency: z.string(),
  /** The other node types that fit, cheapest first. */
  alternatives: z.array(nodePoolOptionSchema),
});
export type NodePoolRecommendation = z.infer<typeof nodePoolSchema>;

const autoscalingSchema = groundedSchema.extend({
  pool: z.literal('web'),
  minReplicas: num,
  maxReplicas: num,
  /** Primary metric: in-flight requests per pod (workers are blocking); CPU as the fallback. */
  metric: z.literal('request-concurrency'),
  targetConcurrencyPerPod: num,
  cpuTargetUtilisation: num,
  /** True when maxReplicas was cut at the USL N*: more pods would not add throughput. */
  cappedAtNStar: z.boolean(),
});
export type AutoscalingRecommendation = z.infer<typeof autoscalingSchema>;

// ---------------------------------------------------------------------------------------------
// database

const databaseVcpuSchema = groundedSchema.extend({
  /** DB busy cores at the forecast peak (Σ DB ms per transaction × rate). */
  busyCoresAtPeak: num,
  dbMsPerTransaction: byClassOrMix,
  targetUtilisation: num,
  vcpu: num,
  current: nullableNum,
});
export type DatabaseVcpu = z.infer<typeof databaseVcpuSchema>;

const databaseMemorySchema = groundedSchema.extend({
  ramGiB: num,
  sharedBuffersMiB: num,
  effectiveCacheSizeMiB: num,
  maintenanceWorkMemMiB: num,
  workMemMiB: num,
  walBuffersMiB: num,
  /** Database size at the end of the run and in a year, GiB. */
  databaseSizeGiB: num,
  databaseSizeIn12MonthsGiB: num,
  /** Buffer hit ratio over the valid steps (blks_hit / (hit + read)). */
  hitRatio: nullableNum,
});
export type DatabaseMemory = z.infer<typeof databaseMemorySchema>;

const databaseConnectionsSchema = groundedSchema.extend({
  maxConnections: num,
  pooler: z.looseObject({
    kind: z.literal('pgbouncer'),
    poolMode: z.literal('transaction'),
    /** Server connections per database and user: (2 × cores) + spindles (F22). */
    defaultPoolSize: num,
    maxClientConn: num,
    /** Odoo's bus uses LISTEN/NOTIFY: this database entry stays in session mode. */
    sessionModeDatabases: strings,
    /** A pgbouncer.ini fragment to start from. */
    ini: strings,
  }),
});
export type DatabaseConnections = z.infer<typeof databaseConnectionsSchema>;

const databaseIoSchema = groundedSchema.extend({
  /** Upper bound: blocks read from outside shared buffers, per second, at the forecast peak. */
  readIopsUpperBound: num,
  walMBps: num,
});
export type DatabaseIo = z.infer<typeof databaseIoSchema>;

const databaseStorageSchema = groundedSchema.extend({
  bytesPerTransaction: byClassOrMix,
  growthGiBPerMonth: num,
  /** Storage to provision: the size a year out × forecast.yaml database.storageHeadroom. */
  provisionGiB: num.optional(),
});
export type DatabaseStorage = z.infer<typeof databaseStorageSchema>;

const readReplicaSchema = groundedSchema.extend({
  recommended: z.boolean(),
  /** Share of statement time spent in read-only statements. */
  readShare: nullableNum,
  threshold: num,
});
export type ReadReplica = z.infer<typeof readReplicaSchema>;

const databaseSchema = z.looseObject({
  vcpu: databaseVcpuSchema,
  memory: databaseMemorySchema,
  connections: databaseConnectionsSchema,
  io: databaseIoSchema,
  storage: databaseStorageSchema,
  readReplica: readReplicaSchema,
  /** The smallest catalog instance that fits vCPU and RAM, when models/nodes.yaml lists them. */
  instance: z
    .looseObject({ name: z.string(), vcpu: num, memoryGiB: num, monthlyCost: num })
    .nullable(),
});
export type DatabaseRecommendation = z.infer<typeof databaseSchema>;

// ---------------------------------------------------------------------------------------------
// postingCollisions: month-end billing's posting collisions

/** One step's posting, as step.json measured it, against the billing concurrency. */
const postingCollisionStepSchema = z.looseObject({
  step: stepRefSchema,
  /** Whether the runner counted the step (collisions are shown either way). */
  valid: z.boolean(),
  /** Billing transactions in flight: VUs (closed steps) or Little's law N = X·R (open steps). */
  concurrency: num,
  concurrencySource: z.enum(['vus', 'littles']),
  /** account.move action_post calls, retries included. */
  attempts: num,
  /** Calls refused as a posting collision (fault 2, another entry with the same name). */
  collisions: num,
  /** collisions / attempts. */
  collisionRate: num,
  invoicesPosted: num,
  /** Invoices left unposted when the billing job's retries ran out. */
  invoicesUnposted: num,
  /** The collision rate above maxCollisionRate, or invoices left unposted. */
  overLimit: z.boolean(),
});
export type PostingCollisionStep = z.infer<typeof postingCollisionStepSchema>;

/**
 * - no-collisions: no step collided;
 * - within-limit: collisions, never over the limit;
 * - capped: over the limit from some concurrency on, within it below: the cap;
 * - over-limit-throughout: over the limit already at the lowest concurrency measured.
 */
const billingCapStatusSchema = z.enum([
  'no-collisions',
  'within-limit',
  'capped',
  'over-limit-throughout',
]);
export type BillingCapStatus = z.infer<typeof billingCapStatusSchema>;

/**
 * A finding, not an error: concurrent invoicing runs collide on invoice numbers, so the billing
 * concurrency the data support is capped where collisions pass the stated limit.
 */
const postingCollisionsSchema = groundedSchema.extend({
  class: z.literal('month-end-billing'),
  /** The collision rate (collisions / posting attempts) taken as acceptable. */
  maxCollisionRate: num,
  /** Every step that posted, valid or not, by concurrency. */
  steps: z.array(postingCollisionStepSchema),
  status: billingCapStatusSchema,
  /** Billing transactions to run at once at most: the highest concurrency measured within the
   * limit below the first over it. Null when the data set no cap. */
  cap: nullableNum,
  /** The lowest concurrency measured over the limit; null when no step was over it. */
  firstOverLimit: nullableNum,
  /** The highest concurrency measured. */
  maxMeasured: num,
  /** Billing transactions the forecast peak keeps in flight (Little's law); null without a
   * forecast billing rate. */
  forecastConcurrency: nullableNum,
  /** The forecast peak needs more billing concurrency than the cap. */
  exceedsCap: z.boolean(),
  attempts: num,
  collisions: num,
  invoicesPosted: num,
  invoicesUnposted: num,
});
export type BillingConcurrencyCap = z.infer<typeof postingCollisionsSchema>;

// ---------------------------------------------------------------------------------------------
// tenants (and the tenant placement document)

const placementDecisionSchema = z.enum(['stay-shared', 'dedicated-database', 'dedicated-stack']);
export type PlacementDecision = z.infer<typeof placementDecisionSchema>;

const firedThresholdSchema = z.looseObject({
  /** The tenancy.yaml key, e.g. "thresholds.dbTimeShare" or "overrides.residency". */
  name: z.string(),
  value: z.union([num, z.string()]),
  threshold: z.union([num, z.string()]),
  /** The least isolation this rule asks for. */
  effect: z.union([placementDecisionSchema, z.literal('review')]),
});
export type FiredThreshold = z.infer<typeof firedThresholdSchema>;

const tenantMetricsSchema = z.looseObject({
  /** Share of the pool's DB statement time. */
  dbTimeShare: num,
  /** Share of the pool's Odoo worker time (proxy: share of transactions, see assumptions). */
  workerTimeShare: num,
  /** Growth, fraction per month. */
  growthPerMonth: num,
  /** How much the neighbours' p95 rises while this tenant peaks (0.3 = +30 %); null: not measured. */
  neighbourP95Degradation: nullableNum,
});
export type TenantMetrics = z.infer<typeof tenantMetricsSchema>;

const tenantDecisionSchema = groundedSchema.extend({
  tenant: z.string(),
  database: z.string(),
  decision: placementDecisionSchema,
  /** Weighted score (tenancy.yaml weights × metric / its threshold). */
  score: num,
  /** Each metric's part of the score, by metric. */
  contributions: z.record(tenantMetricsSchema.keyof(), num),
  metrics: tenantMetricsSchema,
  reasons: strings,
  fired: z.array(firedThresholdSchema),
});
export type TenantDecision = z.infer<typeof tenantDecisionSchema>;

export const tenantPlacementSchema = z.looseObject({
  schemaVersion: z.literal(TENANT_PLACEMENT_SCHEMA_VERSION),
  kind: z.literal('odoo-capacity-tenant-placement'),
  generatedAt: z.string(),
  /** The run directories the statistics came from. */
  runs: strings,
  decisions: z.array(tenantDecisionSchema),
  /** Databases measured that tenants.yaml does not describe. */
  unknownDatabases: strings,
  warnings: strings,
});
export type TenantPlacementJson = z.infer<typeof tenantPlacementSchema>;

// ---------------------------------------------------------------------------------------------
// runs, environment, feasibility, and the document

/** The run(s) measured: id, directory, profile, and the steps that were valid. */
const plannedRunSchema = z.looseObject({
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
});

/** The environment under test, as models/environment.yaml described it. */
const plannedEnvironmentSchema = z.looseObject({
  name: z.string(),
  workers: num,
  pods: num,
  cpuPerPod: num,
  databaseVcpu: num,
  databaseMemoryGiB: num,
});

const feasibilitySchema = z.looseObject({
  /** False when the forecast peak cannot meet the SLOs with the node catalog given (exit 1). */
  feasible: z.boolean(),
  reasons: strings,
});
export type PlanFeasibility = z.infer<typeof feasibilitySchema>;

export const planSchema = z.looseObject({
  schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
  kind: z.literal('odoo-capacity-plan'),
  generatedAt: z.string(),
  tool: z.looseObject({ name: z.literal('odoo-capacity'), version: z.string() }),
  runs: z.array(plannedRunSchema),
  environment: plannedEnvironmentSchema,
  /** The models the plan read (paths relative to --models). */
  models: strings,
  headroom: headroomSchema,
  forecast: forecastSchema,
  /** Classes the forecast asks for that no run measured: not sized. */
  unmeasuredClasses: z.array(transactionClass),
  fits: z.array(uslFitSchema),
  workers: z.array(workerPoolSchema),
  baseline: baselineSchema,
  memory: memorySchema,
  connections: connectionsSchema,
  nodePools: z.array(nodePoolSchema),
  autoscaling: autoscalingSchema.nullable(),
  database: databaseSchema,
  runway: runwaySchema,
  /** Present when the run measured more than one database and tenants.yaml exists. */
  tenants: z.array(tenantDecisionSchema).nullable(),
  /**
   * Month-end billing's posting collisions and the cap on billing concurrency they set; null
   * when no step posted invoices, absent from plans written before it was planned.
   */
  postingCollisions: postingCollisionsSchema.nullable().optional(),
  feasibility: feasibilitySchema,
  /** Plan-wide assumptions (the per-recommendation ones are on each recommendation). */
  assumptions: strings,
  warnings: strings,
});
export type PlanJson = z.infer<typeof planSchema>;
