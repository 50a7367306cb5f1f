// PROVISIONAL, READ-ONLY STAND-IN for src/core/plan-types.ts, which the planner (branch
// `planner`) owns and has not committed yet. It states what the report reads from plan.json;
// when plan-types lands on main this file is deleted and report-model.ts imports the real types
// (only the adapter in report-model.ts should need to change). Do not extend it elsewhere.
import type { TransactionClass } from '../core/classes.js';

export const PLAN_SCHEMA_VERSION = 1 as const;

export type Confidence = 'high' | 'medium' | 'low';

/** A measured or derived fact a recommendation rests on. */
export interface Evidence {
  text: string;
  /** Where it comes from: a step ("steps/03-rate-8"), a fit, a formula id ("F26"). */
  source?: string;
}

export interface Assumption {
  id: string;
  text: string;
  /** [src] sourced, [derived], or [proposal] (capacity-formulas.md labels). */
  basis: 'source' | 'derived' | 'proposal';
}

interface Recommended {
  evidence: Evidence[];
  assumptions: string[];
  confidence: Confidence;
}

export interface UslFit {
  class: TransactionClass;
  sigma: number;
  kappa: number;
  lambda: number;
  r2: number;
  /** Peak concurrency N* (F3) and the throughput there. */
  nStar: number;
  xMax: number;
  /** The measured points the fit used (N = in-flight concurrency, X = throughput). */
  points: { n: number; x: number }[];
  /** X(N) sampled over a range that includes N*, for drawing. */
  curve: { n: number; x: number }[];
}

export interface ForecastPeak {
  class: TransactionClass;
  /** Business transactions per second the forecast says the peak needs. */
  peakThroughput: number;
  /** What the measured system sustains within SLO. */
  capacityThroughput: number;
  /** The class's p95 SLO (models/), for the latency chart. */
  sloP95Ms?: number;
}

export interface HeadroomItem {
  resource: string;
  unit: string;
  /** Capacity at the target utilisation, and what the forecast peak needs. */
  capacity: number;
  forecastPeak: number;
}

export interface WorkersRecommendation extends Recommended {
  current: { pods: number; workersPerPod: number; cpuPerPod: number; memoryPerPodMiB: number };
  recommended: { pods: number; workersPerPod: number; cpuPerPod: number; memoryPerPodMiB: number };
}

export interface PackedPod {
  name: string;
  cpu: number;
  memoryMiB: number;
}

export interface NodePoolRecommendation extends Recommended {
  pool: string;
  nodeType: string;
  current: { nodes: number };
  recommended: { nodes: number };
  /** Allocatable per node (F25). */
  allocatable: { cpu: number; memoryMiB: number };
  /** The recommended packing, one entry per node (First-Fit-Decreasing). */
  packing: { node: string; pods: PackedPod[] }[];
  monthlyCost: { current: number; recommended: number };
}

export interface DatabaseRecommendation extends Recommended {
  current: { instance: string; vcpu: number; memoryGiB: number; maxConnections: number };
  recommended: { instance: string; vcpu: number; memoryGiB: number; maxConnections: number };
  settings: { name: string; value: string; formula?: string }[];
  monthlyCost: { current: number; recommended: number };
}

export interface TenantPlacement {
  tenant: string;
  current: 'shared' | 'dedicated-db' | 'dedicated-stack';
  recommended: 'shared' | 'dedicated-db' | 'dedicated-stack';
  score: number;
  reasons: string[];
  confidence: Confidence;
}

export interface PlanJson {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  /** The run this plan was made from (runs/<id>). */
  runId: string;
  createdAt: string;
  environment: string;
  /** Ready for the forecast peak with the current sizing? */
  verdict: { ready: boolean; summary: string };
  currency: string;
  usl: UslFit[];
  forecast: { horizon: string; peaks: ForecastPeak[] };
  headroom: HeadroomItem[];
  workers: WorkersRecommendation;
  nodePools: NodePoolRecommendation[];
  database: DatabaseRecommendation;
  tenants: TenantPlacement[];
  assumptions: Assumption[];
}
