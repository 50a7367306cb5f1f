// Odoo worker recommendations per pool (web, cron, integration): the queue model's worker count
// at the forecast peak, capped by the N* gate, and the pod shape within Odoo's 2×vCPU+1.
import type { TransactionClass } from '../core/classes.js';
import type { Environment } from '../core/models/environment.js';
import type { Forecast, PoolSpec } from '../core/models/forecast.js';
import type {
  Evidence,
  MemoryEstimate,
  OdooPool,
  UslFitSummary,
  WorkerPoolRecommendation,
} from '../core/plan-types.js';
import { grade } from './confidence.js';
import type { Rates } from './forecast-demand.js';
import type { ClassMeasurement } from './measurements.js';
import { fitsFor, usableFit, workerCap } from './n-star-gate.js';
import { maxWorkersForCpu } from './odoo-rules.js';
import { uslLatencyAtThroughput } from './usl.js';
import { contentionStretch, type ContentionStretch } from './usl-contention.js';
import { predictPool, sizeWorkerPool, type ClassLoad } from './worker-pool.js';

export type SloTargets = Partial<Record<TransactionClass, { p95Ms: number }>>;

export const POOLS: readonly OdooPool[] = ['web', 'cron', 'integration'];

/**
 * The load of each class at the given rates, with its low-load service times stretched by the
 * contention its USL fit shows at that rate (usl-contention.ts); without a fit, as measured.
 */
export function classLoads(
  classes: readonly TransactionClass[],
  measured: ReadonlyMap<TransactionClass, ClassMeasurement>,
  rates: Rates,
  slo: SloTargets,
  fits: readonly UslFitSummary[] = [],
  measuredWorkers = Infinity,
): (ClassLoad & { stretch: ContentionStretch | null })[] {
  return classes
    .filter((c) => measured.has(c) && (rates[c] ?? 0) > 0)
    .map((c) => {
      const m = measured.get(c)!;
      const fit = fits.find((f) => f.scope === c && usableFit(f));
      const stretch = fit
        ? contentionStretch(fit, rates[c]!, m.lowLoad.concurrency, measuredWorkers)
        : null;
      const k = stretch?.factor ?? 1;
      return {
        class: c,
        rate: rates[c]!,
        calls: m.lowLoad.calls,
        request: { ...m.lowLoad.request, mean: m.lowLoad.request.mean * k },
        transaction: { ...m.lowLoad.transaction, mean: m.lowLoad.transaction.mean * k },
        sloP95: slo[c] ? slo[c].p95Ms / 1000 : null,
        stretch,
      };
    });
}

/** The Odoo web workers the measured deployment runs (models/environment.yaml). */
export function deployedWorkers(environment: Environment): number {
  return environment.odoo.pods * environment.odoo.workersPerPod;
}

export interface WorkerPlanInput {
  environment: Environment;
  forecast: Forecast;
  measured: ReadonlyMap<TransactionClass, ClassMeasurement>;
  fits: readonly UslFitSummary[];
  peakRates: Rates;
  slo: SloTargets;
  memory: MemoryEstimate;
  /** DB milliseconds per transaction of a class, null when no run measured it. */
  dbMsPerTransaction: (c: TransactionClass) => number | null;
}

/**
 * Odoo CPU per transaction: its low-load latency less the time it spent in the database. An
 * upper bound: it also holds network and any other wait outside PostgreSQL.
 */
export function odooCpuSeconds(m: ClassMeasurement, dbMs: number | null): number {
  return Math.max(0, m.lowLoad.transaction.mean - (dbMs ?? 0) / 1000);
}

/**
 * Pods: enough for the workers at ≤ 2×vCPU+1 and the environment's workers per pod, and enough
 * CPU for the Odoo processes at the target utilisation.
 */
function podShape(
  environment: Environment,
  workers: number,
  cpuCores: number,
  targetUtilisation: number,
  nStar: number | null,
  spec: PoolSpec,
) {
  const cpu = environment.odoo.cpuPerPod;
  const perPodLimit = maxWorkersForCpu(cpu);
  const byWorkers = Math.ceil(workers / Math.min(environment.odoo.workersPerPod, perPodLimit));
  const byCpu = Math.ceil(cpuCores / (cpu * targetUtilisation) - 1e-9);
  const pods = Math.max(1, byWorkers, byCpu);
  let workersPerPod = Math.max(1, Math.ceil(workers / pods));
  if (nStar !== null && pods * workersPerPod > nStar)
    workersPerPod = Math.max(1, Math.floor(nStar / pods));
  return {
    pods,
    workersPerPod,
    cronThreadsPerPod: spec.cronThreads,
    podCpu: cpu,
    podsLimitedBy: byCpu > byWorkers ? ('cpu' as const) : ('workers' as const),
  };
}

/** What a pool's sizing assumes, and what lowers its confidence. */
function poolCaveats(
  pool: OdooPool,
  spec: PoolSpec,
  memory: MemoryEstimate,
  loads: readonly (ClassLoad & { stretch: ContentionStretch | null })[],
  nStar: number | null,
  limitedBy: WorkerPoolRecommendation['limitedBy'],
): { assumptions: string[]; caps: { grade: 'low' | 'medium'; reason: string }[] } {
  const assumptions = [
    `arrivals have c_a² = ${spec.arrivalCv2} (models/forecast.yaml pools.${pool}.arrivalCv2)`,
    'service times at the least loaded valid step carry no queueing',
    'each XML-RPC call of a transaction queues for a worker independently',
    'Odoo CPU per transaction = its low-load latency less its DB time: an upper bound that also counts network and other waits',
    nStar !== null
      ? `the USL fit over in-flight transactions measured its peak at N*=${nStar}: more workers than that would not add throughput`
      : 'no measured USL peak (throughput falling as concurrency rose) below the measured workers: workers are not capped by N* (an extrapolated or unconfirmed N* is only reported)',
  ];
  if (memory.source === 'odoo-rule-of-thumb')
    assumptions.push(
      `memory per worker is Odoo's rule of thumb, ${Math.round(memory.perWorkerMiB)} MiB (0.8×150 + 0.2×1024): no working set was measured`,
    );
  const missingSlo = loads.filter((l) => l.sloP95 === null).map((l) => l.class);
  if (missingSlo.length)
    assumptions.push(`no p95 SLO for ${missingSlo.join(', ')}: sized on utilisation only`);
  const caps: { grade: 'low' | 'medium'; reason: string }[] = [];
  for (const l of loads.filter((x) => x.stretch?.beyondCurve))
    caps.push({
      grade: 'low',
      reason: `${l.class}: ${l.rate.toFixed(2)}/s is past the maximum of its measured USL curve`,
    });
  if (limitedBy === 'n-star')
    caps.push({
      grade: 'low',
      reason: `capped at N*=${nStar}: the SLO needs more than scale-out gives`,
    });
  return { assumptions, caps };
}

/** The steps, fits and inputs a pool's sizing rests on. */
function poolEvidence(
  input: WorkerPlanInput,
  loads: readonly (ClassLoad & { stretch: ContentionStretch | null })[],
  fits: readonly UslFitSummary[],
): Evidence {
  const measurements = loads.map((l) => input.measured.get(l.class)!);
  return {
    steps: measurements.flatMap((m) => m.points.map((p) => p.step!)).filter(Boolean),
    fits: fits.map((f) => ({ fit: f.id, r2: f.r2, points: f.points.length, looMape: f.looMape })),
    inputs: Object.fromEntries(
      measurements.flatMap((m) => [
        [`${m.class}.serviceTimeMs`, m.lowLoad.request.mean * 1000],
        [`${m.class}.slowestRequestMs`, m.lowLoad.slowestRequestMs],
        [`${m.class}.transactionMs`, m.lowLoad.transaction.mean * 1000],
        [`${m.class}.callsPerTransaction`, m.lowLoad.calls],
        [`${m.class}.peakRate`, input.peakRates[m.class] ?? 0],
        [`${m.class}.maxMeasuredThroughput`, m.maxThroughput],
        [`${m.class}.dbMsPerTransaction`, input.dbMsPerTransaction(m.class) ?? 0],
        [
          `${m.class}.contentionStretch`,
          loads.find((l) => l.class === m.class)?.stretch?.factor ?? 1,
        ],
      ]),
    ),
    formulas: ['F11', 'F12', 'F13', 'F15', 'F16', 'F3'],
  };
}

export function recommendWorkerPool(
  pool: OdooPool,
  input: WorkerPlanInput,
): WorkerPoolRecommendation | null {
  const spec = input.forecast.pools[pool];
  const measuredWorkers = deployedWorkers(input.environment);
  const loads = classLoads(
    spec.classes,
    input.measured,
    input.peakRates,
    input.slo,
    input.fits,
    measuredWorkers,
  );
  if (loads.length === 0) return null;
  const fits = fitsFor(
    loads.map((l) => l.class),
    input.fits,
  );
  const nStar = workerCap(fits, measuredWorkers);
  const target = input.forecast.headroom.targetUtilisation;
  const sizing = sizeWorkerPool({
    classes: loads,
    arrivalCv2: spec.arrivalCv2,
    minWorkers: spec.minWorkers,
    targetUtilisation: target,
    nStar,
  });
  const cpuCores = loads.reduce(
    (t, l) =>
      t + l.rate * odooCpuSeconds(input.measured.get(l.class)!, input.dbMsPerTransaction(l.class)),
    0,
  );
  const shape = podShape(input.environment, sizing.workers, cpuCores, target, nStar, spec);
  // Spreading the workers evenly over the pods may round them up: predict what will run.
  const final =
    shape.pods * shape.workersPerPod === sizing.workers
      ? sizing
      : { ...sizing, ...predictPool(loads, shape.pods * shape.workersPerPod, spec.arrivalCv2) };
  const podMemoryMiB = input.memory.perWorkerMiB * (shape.workersPerPod + shape.cronThreadsPerPod);
  const extrapolation = Math.max(
    ...loads.map((l) => l.rate / input.measured.get(l.class)!.maxThroughput),
  );
  const { assumptions, caps } = poolCaveats(
    pool,
    spec,
    input.memory,
    loads,
    nStar,
    sizing.limitedBy,
  );
  const current = {
    workers: measuredWorkers,
    pods: input.environment.odoo.pods,
  };
  return {
    pool,
    classes: loads.map((l) => l.class),
    transactionRate: loads.reduce((s, l) => s + l.rate, 0),
    requestRate: final.requestRate,
    serviceTimeMs: final.serviceTime * 1000,
    serviceCv2: final.serviceCv2,
    arrivalCv2: spec.arrivalCv2,
    workers: shape.pods * shape.workersPerPod,
    pods: shape.pods,
    podsLimitedBy: shape.podsLimitedBy,
    odooCpuCoresAtPeak: cpuCores,
    workersPerPod: shape.workersPerPod,
    cronThreadsPerPod: shape.cronThreadsPerPod,
    podCpu: shape.podCpu,
    podMemoryMiB,
    utilisation: final.utilisation,
    probabilityOfWait: final.probabilityOfWait,
    predictions: final.predictions.map((p) => {
      const fit = input.fits.find((f) => f.scope === p.class);
      const r = fit ? uslLatencyAtThroughput(fit.coefficients, p.rate) : null;
      return {
        class: p.class,
        rate: p.rate,
        p95Ms: p.p95 * 1000,
        sloP95Ms: p.sloP95 === null ? null : p.sloP95 * 1000,
        meetsSlo: p.meetsSlo,
        uslMeanLatencyMs: r === null ? null : r * 1000,
      };
    }),
    limitedBy: sizing.limitedBy,
    sloUnreachable: sizing.sloUnreachable,
    nStar,
    meetsSlo: final.meetsSlo && final.utilisation <= target + 1e-9,
    current,
    evidence: poolEvidence(input, loads, fits),
    assumptions,
    confidence: grade({ fits, extrapolation, caps }),
  };
}
