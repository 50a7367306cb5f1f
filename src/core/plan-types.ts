// The plan.json document (written by `plan` into runs/<id>/plan.json) and the tenant placement
// document (`tenant --json`). The planner builds them; the reports render them. Every
// recommendation carries its evidence, its assumptions and a confidence grade.
//
// Fields added after the first release of schema version 1 are optional, so earlier plans stay
// readable. Units: rates are per second; latencies in milliseconds; memory in MiB unless the field name
// says GiB; money per month in the catalog's currency; shares and utilisations are fractions 0–1.
import type { TransactionClass } from './classes.js';

export const PLAN_SCHEMA_VERSION = 1 as const;
export const TENANT_PLACEMENT_SCHEMA_VERSION = 1 as const;

/** high: well-determined fit, forecast inside the measured range; low: extrapolated or assumed. */
export type ConfidenceGrade = 'high' | 'medium' | 'low';

export interface Confidence {
  grade: ConfidenceGrade;
  /** Why this grade, one short sentence each ("R² 0.97 over 7 steps", "no working set measured"). */
  reasons: string[];
}

/** A ladder step that a number came from: `runs/<run>/<dir>/step.json` (dir is `steps/NN-label`). */
export interface StepRef {
  run: string;
  index: number;
  label: string;
  dir: string;
}

export interface FitQuality {
  /** Id of the fit in PlanJson.fits, e.g. "usl:order-wave". */
  fit: string;
  r2: number;
  points: number;
  /** Leave-one-out mean absolute percentage error of the throughput prediction (0.05 = 5 %). */
  looMape: number | null;
}

/** Where a recommendation comes from. */
export interface Evidence {
  /** The steps whose measurements it uses (valid steps only, unless a reason says otherwise). */
  steps: StepRef[];
  /** The model fits it relies on, with their quality. */
  fits: FitQuality[];
  /** The measured or derived numbers it uses, named, with their unit in the key ("serviceTimeMs"). */
  inputs: Record<string, number>;
  /** Which formula, by its F-number in docs/capacity-model.md ("F11–F15", "F25"). */
  formulas: string[];
}

/** What every recommendation carries. */
export interface Grounded {
  evidence: Evidence;
  /** Things taken as true without a measurement; the report lists them. */
  assumptions: string[];
  confidence: Confidence;
}

// ---------------------------------------------------------------------------------------------
// Fits

export interface UslCoefficients {
  /** Contention (σ ≥ 0). */
  sigma: number;
  /** Coherency (κ ≥ 0). */
  kappa: number;
  /** Throughput of one unit of concurrency (λ, transactions/s). */
  lambda: number;
}

export interface UslPoint {
  /** Concurrency: VUs for closed steps, Little's law (X·R) for open steps. */
  n: number;
  /** Measured throughput, transactions/s. */
  x: number;
  fitted: number;
  /** Prediction for this point by the fit made without it (leave-one-out). */
  looPredicted: number | null;
  step: StepRef | null;
  /**
   * Transactions completed in the step's window, which the throughput counts: its noise. Absent
   * from plans written before it was recorded, and null for points given as numbers (fit).
   */
  transactions?: number | null;
}

export type UslConstraint = 'contention' | 'coherency' | 'limitless';

export interface UslFitSummary {
  /** "usl:<class>" or "usl:mix". */
  id: string;
  scope: TransactionClass | 'mix';
  /** Where N came from: "vus" (closed ladder), "littles" (open ladder), "csv". */
  concurrencySource: 'vus' | 'littles' | 'input';
  points: UslPoint[];
  coefficients: UslCoefficients;
  standardErrors: UslCoefficients;
  /** Two-sided 95 % intervals: coefficient ± SE · t(0.975, n − 3). */
  interval95: { sigma: [number, number]; kappa: [number, number]; lambda: [number, number] };
  r2: number;
  looMape: number | null;
  /** Peak concurrency ⌊√((1−σ)/κ)⌋; null when κ = 0 (no retrograde region). */
  nStar: number | null;
  /** X(N*); with κ = 0 the asymptote λ/σ (null when σ = 0 too). */
  xMax: number | null;
  constraint: UslConstraint;
  /** Largest measured N: N* beyond it is an extrapolation. */
  maxMeasuredN: number;
  /** The fitted curve sampled for charts: from 0 to max(2·maxMeasuredN, N*·1.2). */
  curve: { n: number; x: number }[];
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// Forecast and headroom

export interface HeadroomPolicy {
  /** Target utilisation of Odoo workers and node allocatable (e.g. 0.7). */
  targetUtilisation: number;
  /** Target utilisation of database vCPU. */
  databaseTargetUtilisation: number;
  /** Spare nodes per pool: 1 for N+1, 2 for N+2. */
  spareNodes: number;
  zones: number;
  /** Keep serving the peak after losing a whole zone (×Z/(Z−1)). */
  surviveZoneLoss: boolean;
}

export interface ForecastPoint {
  name: string;
  date: string;
  /** Business transactions per second per class at that date. */
  rates: Partial<Record<TransactionClass, number>>;
  total: number;
}

export interface ForecastSummary {
  asOf: string;
  horizonMonths: number;
  /** Today's busy-hour rates, transactions/s. */
  baseline: Partial<Record<TransactionClass, number>>;
  /** Compound growth per class, fraction per month (0.03 = 3 %/month). */
  growthPerMonth: Partial<Record<TransactionClass, number>>;
  /** Every peak event in the horizon, with grown rates. */
  events: ForecastPoint[];
  /** The event the plan is sized for (largest total demand). */
  peak: ForecastPoint;
  /** Per class, the largest rate over the events: what each pool is sized for. */
  peakRates: Partial<Record<TransactionClass, number>>;
}

export interface CapacityRunway extends Grounded {
  /** Transactions/s the environment under test sustains within the SLOs, at the forecast mix. */
  currentCapacity: Partial<Record<TransactionClass, number>>;
  /** First date the forecast exceeds today's capacity; null when not within the horizon. */
  runsOutOn: string | null;
  /** The class and the limit that runs out first ("web workers", "database vCPU"). */
  limitedBy: string | null;
}

// ---------------------------------------------------------------------------------------------
// Odoo workers

export type OdooPool = 'web' | 'cron' | 'integration';

export interface ClassPrediction {
  class: TransactionClass;
  /** Forecast peak rate, transactions/s. */
  rate: number;
  /** Predicted p95 of the whole business transaction at the recommended workers; null in JSON
   * (Infinity) when the pool cannot keep up at all. */
  p95Ms: number;
  /** SLO p95; null when models/slo.yaml gives none for this class. */
  sloP95Ms: number | null;
  meetsSlo: boolean;
  /**
   * Cross-check from the class's USL fit: mean transaction latency at this rate on the deployment
   * that was measured (R = N/X solved on the curve); null past its X_max or without a fit.
   */
  uslMeanLatencyMs?: number | null;
}

export interface WorkerPoolRecommendation extends Grounded {
  pool: OdooPool;
  classes: TransactionClass[];
  /** Σ forecast peak rates of the pool's classes, transactions/s. */
  transactionRate: number;
  /** XML-RPC requests/s reaching the workers (transactions × requests per transaction). */
  requestRate: number;
  /** Mean single-request service time at low load, and its squared coefficient of variation. */
  serviceTimeMs: number;
  serviceCv2: number;
  arrivalCv2: number;
  /** Total HTTP workers across the pool's pods (pods × workersPerPod). */
  workers: number;
  pods: number;
  /** What set the pod count: workers at ≤ 2×vCPU+1 per pod, or the Odoo CPU the load needs. */
  podsLimitedBy?: 'workers' | 'cpu';
  /** Odoo CPU the pool's classes need at the forecast peak (low-load latency − DB time, × rate). */
  odooCpuCoresAtPeak?: number;
  workersPerPod: number;
  cronThreadsPerPod: number;
  podCpu: number;
  podMemoryMiB: number;
  /** Offered load / workers at the forecast peak. */
  utilisation: number;
  /** Probability that a request waits for a worker (Erlang C, G/G/c corrected). */
  probabilityOfWait: number;
  predictions: ClassPrediction[];
  /** What decided the count. */
  limitedBy: 'slo' | 'utilisation' | 'minimum' | 'n-star';
  /** Classes whose p95 misses the SLO even with no queueing: no worker count helps. */
  sloUnreachable: TransactionClass[];
  /** USL peak concurrency that caps the count: null when no fit measured its peak. */
  nStar: number | null;
  meetsSlo: boolean;
  /** What runs today (from models/environment.yaml), for comparison. */
  current: { workers: number; pods: number } | null;
}

/** Odoo's own rule of thumb (deploy.rst), shown beside the plan as the baseline. */
export interface OdooBaseline {
  /** Concurrent users the rule is applied to, and where that number comes from. */
  concurrentUsers: number;
  concurrentUsersSource: 'forecast' | 'littles-law';
  /** users / 6. */
  workers: number;
  /** (2 × vCPU) + 1 per pod of the environment under test. */
  maxWorkersPerPod: number;
  /** workers × (0.8 × 150 MB + 0.2 × 1024 MB). */
  ramMiB: number;
}

export interface ConnectionBudget extends Grounded {
  /** Σ pods × (1 + workers + cron threads) × db_maxconn (F18). */
  worstCaseConnections: number;
  dbMaxconn: number;
  maxConnections: number;
  /** Whether worst case < max_connections without a pooler. */
  fitsWithoutPooler: boolean;
  /** A request holds at most two connections (odony): the realistic peak. */
  expectedPeakConnections: number;
}

export interface MemoryEstimate {
  /** Per worker, MiB. */
  perWorkerMiB: number;
  source: 'measured-working-set' | 'odoo-rule-of-thumb';
}

// ---------------------------------------------------------------------------------------------
// Node pools

export interface NodePacking {
  /** Pods placed on each node, by name, in first-fit-decreasing order. */
  nodes: { pods: string[]; cpu: number; memoryMiB: number }[];
}

export interface NodePoolOption {
  nodeType: string;
  nodes: number;
  monthlyCost: number;
}

export interface NodePoolRecommendation extends Grounded {
  /** One pool each for web, workers/cron and integration. */
  pool: 'web' | 'workers' | 'integration';
  odooPools: OdooPool[];
  nodeType: string;
  /** Allocatable per node after kube and system reservations and eviction threshold. */
  allocatable: { cpu: number; memoryMiB: number };
  /** Nodes the pods need at the target utilisation. */
  nodesForLoad: number;
  /** With N+k and zone spread: what to run. */
  nodes: number;
  zones: number;
  nodesPerZone: number[];
  packing: NodePacking;
  /** Requests / allocatable over the nodes the load needs. */
  utilisation: { cpu: number; memory: number };
  monthlyCost: number;
  currency: string;
  /** The other node types that fit, cheapest first. */
  alternatives: NodePoolOption[];
}

export interface AutoscalingRecommendation extends Grounded {
  pool: 'web';
  minReplicas: number;
  maxReplicas: number;
  /** Primary metric: in-flight requests per pod (workers are blocking); CPU as the fallback. */
  metric: 'request-concurrency';
  targetConcurrencyPerPod: number;
  cpuTargetUtilisation: number;
  /** True when maxReplicas was cut at the USL N*: more pods would not add throughput. */
  cappedAtNStar: boolean;
}

// ---------------------------------------------------------------------------------------------
// Database

export interface DatabaseVcpu extends Grounded {
  /** DB busy cores at the forecast peak (Σ DB ms per transaction × rate). */
  busyCoresAtPeak: number;
  dbMsPerTransaction: Partial<Record<TransactionClass | 'mix', number>>;
  targetUtilisation: number;
  vcpu: number;
  current: number | null;
}

export interface DatabaseMemory extends Grounded {
  ramGiB: number;
  sharedBuffersMiB: number;
  effectiveCacheSizeMiB: number;
  maintenanceWorkMemMiB: number;
  workMemMiB: number;
  walBuffersMiB: number;
  /** Database size at the end of the run and in a year, GiB. */
  databaseSizeGiB: number;
  databaseSizeIn12MonthsGiB: number;
  /** Buffer hit ratio over the valid steps (blks_hit / (hit + read)). */
  hitRatio: number | null;
}

export interface DatabaseConnections extends Grounded {
  maxConnections: number;
  pooler: {
    kind: 'pgbouncer';
    poolMode: 'transaction';
    /** Server connections per database and user: (2 × cores) + spindles (F22). */
    defaultPoolSize: number;
    maxClientConn: number;
    /** Odoo's bus uses LISTEN/NOTIFY: this database entry stays in session mode. */
    sessionModeDatabases: string[];
    /** A pgbouncer.ini fragment to start from. */
    ini: string[];
  };
}

export interface DatabaseIo extends Grounded {
  /** Upper bound: blocks read from outside shared buffers, per second, at the forecast peak. */
  readIopsUpperBound: number;
  walMBps: number;
}

export interface DatabaseStorage extends Grounded {
  bytesPerTransaction: Partial<Record<TransactionClass | 'mix', number>>;
  growthGiBPerMonth: number;
  /** Storage to provision: the size a year out × forecast.yaml database.storageHeadroom. */
  provisionGiB?: number;
}

export interface ReadReplica extends Grounded {
  recommended: boolean;
  /** Share of statement time spent in read-only statements. */
  readShare: number | null;
  threshold: number;
}

export interface DatabaseRecommendation {
  vcpu: DatabaseVcpu;
  memory: DatabaseMemory;
  connections: DatabaseConnections;
  io: DatabaseIo;
  storage: DatabaseStorage;
  readReplica: ReadReplica;
  /** The smallest catalog instance that fits vCPU and RAM, when models/nodes.yaml lists them. */
  instance: { name: string; vcpu: number; memoryGiB: number; monthlyCost: number } | null;
}

// ---------------------------------------------------------------------------------------------
// Month-end billing: posting collisions

/** One step's posting, as step.json measured it, against the billing concurrency. */
export interface PostingCollisionStep {
  step: StepRef;
  /** Whether the runner counted the step (collisions are shown either way). */
  valid: boolean;
  /** Billing transactions in flight: VUs (closed steps) or Little's law N = X·R (open steps). */
  concurrency: number;
  concurrencySource: 'vus' | 'littles';
  /** account.move action_post calls, retries included. */
  attempts: number;
  /** Calls refused as a posting collision (fault 2, another entry with the same name). */
  collisions: number;
  /** collisions / attempts. */
  collisionRate: number;
  invoicesPosted: number;
  /** Invoices left unposted when the billing job's retries ran out. */
  invoicesUnposted: number;
  /** The collision rate above maxCollisionRate, or invoices left unposted. */
  overLimit: boolean;
}

/**
 * - no-collisions: no step collided;
 * - within-limit: collisions, never over the limit;
 * - capped: over the limit from some concurrency on, within it below: the cap;
 * - over-limit-throughout: over the limit already at the lowest concurrency measured.
 */
export type BillingCapStatus =
  'no-collisions' | 'within-limit' | 'capped' | 'over-limit-throughout';

/**
 * A finding, not an error: concurrent invoicing runs collide on invoice numbers, so the billing
 * concurrency the data support is capped where collisions pass the stated limit.
 */
export interface BillingConcurrencyCap extends Grounded {
  class: 'month-end-billing';
  /** The collision rate (collisions / posting attempts) taken as acceptable. */
  maxCollisionRate: number;
  /** Every step that posted, valid or not, by concurrency. */
  steps: PostingCollisionStep[];
  status: BillingCapStatus;
  /** Billing transactions to run at once at most: the highest concurrency measured within the
   * limit below the first over it. Null when the data set no cap. */
  cap: number | null;
  /** The lowest concurrency measured over the limit; null when no step was over it. */
  firstOverLimit: number | null;
  /** The highest concurrency measured. */
  maxMeasured: number;
  /** Billing transactions the forecast peak keeps in flight (Little's law); null without a
   * forecast billing rate. */
  forecastConcurrency: number | null;
  /** The forecast peak needs more billing concurrency than the cap. */
  exceedsCap: boolean;
  attempts: number;
  collisions: number;
  invoicesPosted: number;
  invoicesUnposted: number;
}

// ---------------------------------------------------------------------------------------------
// Tenants

export type PlacementDecision = 'stay-shared' | 'dedicated-database' | 'dedicated-stack';

export interface FiredThreshold {
  /** The tenancy.yaml key, e.g. "thresholds.dbTimeShare" or "overrides.residency". */
  name: string;
  value: number | string;
  threshold: number | string;
  /** The least isolation this rule asks for. */
  effect: PlacementDecision | 'review';
}

export interface TenantMetrics {
  /** Share of the pool's DB statement time. */
  dbTimeShare: number;
  /** Share of the pool's Odoo worker time (proxy: share of transactions, see assumptions). */
  workerTimeShare: number;
  /** Growth, fraction per month. */
  growthPerMonth: number;
  /** How much the neighbours' p95 rises while this tenant peaks (0.3 = +30 %); null: not measured. */
  neighbourP95Degradation: number | null;
}

export interface TenantDecision extends Grounded {
  tenant: string;
  database: string;
  decision: PlacementDecision;
  /** Weighted score (tenancy.yaml weights × metric / its threshold). */
  score: number;
  contributions: Record<keyof TenantMetrics, number>;
  metrics: TenantMetrics;
  reasons: string[];
  fired: FiredThreshold[];
}

export interface TenantPlacementJson {
  schemaVersion: typeof TENANT_PLACEMENT_SCHEMA_VERSION;
  kind: 'odoo-capacity-tenant-placement';
  generatedAt: string;
  /** The run directories the statistics came from. */
  runs: string[];
  decisions: TenantDecision[];
  /** Databases measured that tenants.yaml does not describe. */
  unknownDatabases: string[];
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// The document

export interface PlanFeasibility {
  /** False when the forecast peak cannot meet the SLOs with the node catalog given (exit 1). */
  feasible: boolean;
  reasons: string[];
}

export interface PlanJson {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  kind: 'odoo-capacity-plan';
  generatedAt: string;
  tool: { name: 'odoo-capacity'; version: string };
  /** The run(s) measured: id, directory, profile, and the steps that were valid. */
  runs: {
    id: string;
    dir: string;
    profile: string;
    model: 'open' | 'closed';
    status: string;
    target: { url: string; db: string; odooVersion: string; lab: boolean };
    validSteps: number;
    invalidSteps: { index: number; label: string; reasons: string[] }[];
  }[];
  /** The environment under test, as models/environment.yaml described it. */
  environment: {
    name: string;
    workers: number;
    pods: number;
    cpuPerPod: number;
    databaseVcpu: number;
    databaseMemoryGiB: number;
  };
  /** The models the plan read (paths relative to --models). */
  models: string[];
  headroom: HeadroomPolicy;
  forecast: ForecastSummary;
  /** Classes the forecast asks for that no run measured: not sized. */
  unmeasuredClasses: TransactionClass[];
  fits: UslFitSummary[];
  workers: WorkerPoolRecommendation[];
  baseline: OdooBaseline;
  memory: MemoryEstimate;
  connections: ConnectionBudget;
  nodePools: NodePoolRecommendation[];
  autoscaling: AutoscalingRecommendation | null;
  database: DatabaseRecommendation;
  runway: CapacityRunway;
  /** Present when the run measured more than one database and tenants.yaml exists. */
  tenants: TenantDecision[] | null;
  /**
   * Month-end billing's posting collisions and the cap on billing concurrency they set; null
   * when no step posted invoices, absent from plans written before it was planned.
   */
  postingCollisions?: BillingConcurrencyCap | null;
  feasibility: PlanFeasibility;
  /** Plan-wide assumptions (the per-recommendation ones are on each recommendation). */
  assumptions: string[];
  warnings: string[];
}
