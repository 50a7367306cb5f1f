// Odoo worker recommendations per pool (web, cron, integration): the queue model's worker count
// at the forecast peak, the pod shape within Odoo's 2×vCPU+1, memory per pod, the connection
// budget, and Odoo's rule of thumb beside it as the baseline.
import type { TransactionClass } from '../core/classes.js';
import type { Environment } from '../core/models/environment.js';
import type { Forecast, PoolSpec } from '../core/models/forecast.js';
import type {
  ConnectionBudget,
  MemoryEstimate,
  OdooBaseline,
  OdooPool,
  UslFitSummary,
  UslPoint,
  WorkerPoolRecommendation,
} from '../core/plan-types.js';
import { grade } from './confidence.js';
import type { Rates } from './forecast-demand.js';
import type { ClassMeasurement } from './measurements.js';
import {
  expectedPeakConnections,
  maxWorkersForCpu,
  odooRamMb,
  workersForUsers,
  worstCaseConnections,
} from './odoo-rules.js';
import { uslLatencyAtThroughput } from './usl.js';
import { contentionStretch, type ContentionStretch } from './usl-contention.js';
import { predictPool, sizeWorkerPool, type ClassLoad } from './worker-pool.js';

export type SloTargets = Partial<Record<TransactionClass, { p95Ms: number }>>;

export const POOLS: readonly OdooPool[] = ['web', 'cron', 'integration'];

/** KRR's memory buffer over the observed working set (F24). */
const MEMORY_BUFFER = 1.15;

export function memoryEstimate(measuredPerWorkerMiB: number | undefined): MemoryEstimate {
  return measuredPerWorkerMiB !== undefined
    ? { perWorkerMiB: measuredPerWorkerMiB * MEMORY_BUFFER, source: 'measured-working-set' }
    : { perWorkerMiB: odooRamMb(1), source: 'odoo-rule-of-thumb' };
}

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

/** The fits that bound a set of classes: each class's own, else the mix fit of its run. */
export function fitsFor(
  classes: readonly TransactionClass[],
  fits: readonly UslFitSummary[],
): UslFitSummary[] {
  const out = new Set<UslFitSummary>();
  for (const c of classes) {
    const own = fits.find((f) => f.scope === c);
    const mix = fits.find((f) => f.scope === 'mix' && f.points.some((p) => p.step));
    if (own) out.add(own);
    else if (mix) out.add(mix);
  }
  return [...out];
}

/** The Odoo web workers the measured deployment runs (models/environment.yaml). */
export function deployedWorkers(environment: Environment): number {
  return environment.odoo.pods * environment.odoo.workersPerPod;
}

/** A fit good enough to act on (cap workers, stretch service times); others are only reported. */
export const USABLE_FIT = { minR2: 0.8, maxLooMape: 0.25 } as const;

export function usableFit(fit: UslFitSummary): boolean {
  return (
    fit.r2 >= USABLE_FIT.minR2 && (fit.looMape === null || fit.looMape <= USABLE_FIT.maxLooMape)
  );
}

/**
 * How far throughput must fall below its measured peak, at higher concurrency, before the fall
 * counts as measured rather than noise, at the least: two steps at the same real throughput
 * differ by a few per cent.
 */
export const RETROGRADE_DROP = 0.05;

/**
 * Standard deviations of counting noise a fall must exceed. A step's throughput is the
 * transactions it counted over its window; read as a Poisson count (relative deviation 1/√c),
 * the gap between two steps has a relative deviation of √(1/c₁ + 1/c₂). That over-states the
 * noise of a step whose service times vary less than exponential ones, so a fall it passes is
 * a fall: 2 deviations leave about one noise-made fall in 40.
 */
export const RETROGRADE_NOISE_Z = 2;

/** The relative fall from `peak` to `p` that counts as measured. */
export function retrogradeThreshold(peak: UslPoint, p: UslPoint): number {
  const c1 = peak.transactions ?? 0;
  const c2 = p.transactions ?? 0;
  const noise = c1 > 0 && c2 > 0 ? Math.sqrt(1 / c1 + 1 / c2) : 0;
  return Math.max(RETROGRADE_DROP, RETROGRADE_NOISE_Z * noise);
}

/**
 * Whether the fit's points show throughput falling as concurrency rose: a point past the
 * highest measured throughput that is lower by more than the noise of the two steps' counts
 * (and RETROGRADE_DROP at the least). A fit can bend over (κ > 0, N* within the data) on a curve
 * that only flattened: in an open ladder the step past the knee queues for workers, so its
 * Little's-law concurrency jumps while throughput holds, and the fit reads that as a peak at the
 * step before. That is the pool filling, not contention; and on short steps, one unlucky count.
 */
export function retrogradeMeasured(fit: UslFitSummary): boolean {
  if (fit.points.length === 0) return false;
  const peak = fit.points.reduce((a, p) => (p.x > a.x ? p : a));
  return fit.points.some((p) => p.n > peak.n && p.x < peak.x * (1 - retrogradeThreshold(peak, p)));
}

/**
 * The N* that caps workers: only from a usable fit whose data show the retrograde region (N*
 * within the measured concurrency, and throughput measured falling past its peak), and only
 * below the worker count of the deployment that was measured. An N* at or above that count is
 * the worker pool filling up (in-flight transactions past the workers are queueing, not
 * contending), which more workers do relieve. An N* extrapolated past the data, from a curve
 * that only flattened, or from a poor fit, is reported but does not cap.
 */
export function workerCap(
  fits: readonly UslFitSummary[],
  measuredWorkers = Infinity,
): number | null {
  const stars = fits
    .filter((f) => bendsBelow(f, measuredWorkers) && retrogradeMeasured(f))
    .map((f) => f.nStar!);
  return stars.length ? Math.min(...stars) : null;
}

/** A usable fit whose N* is within its data and below the measured workers. */
function bendsBelow(f: UslFitSummary, measuredWorkers: number): boolean {
  return usableFit(f) && f.nStar !== null && f.nStar <= f.maxMeasuredN && f.nStar < measuredWorkers;
}

/**
 * Fits that would cap workers at N* but for a measured fall in throughput: said in the plan's
 * warnings, since the next run should add load levels past the knee.
 */
export function unconfirmedPeaks(
  fits: readonly UslFitSummary[],
  measuredWorkers = Infinity,
): string[] {
  return fits
    .filter((f) => bendsBelow(f, measuredWorkers) && !retrogradeMeasured(f))
    .map(
      (f) =>
        `${f.id}: the fit peaks at N*=${f.nStar}, but no measured throughput fell past it by more ` +
        "than the steps' counting noise; it flattened, as it does when the measured workers fill up. " +
        'N* does not cap workers: longer steps and load levels further past the knee would show ' +
        'whether the peak is real',
    );
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
  const measurements = loads.map((l) => input.measured.get(l.class)!);
  const assumptions = [
    `arrivals have c_a² = ${spec.arrivalCv2} (models/forecast.yaml pools.${pool}.arrivalCv2)`,
    'service times at the least loaded valid step carry no queueing',
    'each XML-RPC call of a transaction queues for a worker independently',
    'Odoo CPU per transaction = its low-load latency less its DB time: an upper bound that also counts network and other waits',
    nStar !== null
      ? `the USL fit over in-flight transactions measured its peak at N*=${nStar}: more workers than that would not add throughput`
      : 'no measured USL peak (throughput falling as concurrency rose) below the measured workers: workers are not capped by N* (an extrapolated or unconfirmed N* is only reported)',
  ];
  if (input.memory.source === 'odoo-rule-of-thumb')
    assumptions.push(
      `memory per worker is Odoo's rule of thumb, ${Math.round(input.memory.perWorkerMiB)} MiB (0.8×150 + 0.2×1024): no working set was measured`,
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
  if (sizing.limitedBy === 'n-star')
    caps.push({
      grade: 'low',
      reason: `capped at N*=${nStar}: the SLO needs more than scale-out gives`,
    });
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
    evidence: {
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
    },
    assumptions,
    confidence: grade({ fits, extrapolation, caps }),
  };
}

export function odooBaseline(
  environment: Environment,
  forecast: Forecast,
  measured: ReadonlyMap<TransactionClass, ClassMeasurement>,
  peakRates: Rates,
): OdooBaseline {
  const littles = [...measured.values()].reduce(
    (s, m) => s + (peakRates[m.class] ?? 0) * m.lowLoad.transaction.mean,
    0,
  );
  const users = forecast.concurrentUsers ?? littles;
  const workers = workersForUsers(users);
  return {
    concurrentUsers: users,
    concurrentUsersSource: forecast.concurrentUsers !== undefined ? 'forecast' : 'littles-law',
    workers,
    maxWorkersPerPod: maxWorkersForCpu(environment.odoo.cpuPerPod),
    ramMiB: odooRamMb(workers),
  };
}

export function connectionBudget(
  pools: readonly WorkerPoolRecommendation[],
  environment: Environment,
): ConnectionBudget {
  const processes = pools.map((p) => ({
    pods: p.pods,
    workersPerPod: p.workersPerPod,
    cronThreadsPerPod: p.cronThreadsPerPod,
  }));
  const dbMaxconn = environment.odoo.dbMaxconn;
  const worst = worstCaseConnections(processes, dbMaxconn);
  const maxConnections = environment.database.maxConnections;
  return {
    worstCaseConnections: worst,
    dbMaxconn,
    maxConnections,
    fitsWithoutPooler: worst < maxConnections,
    expectedPeakConnections: expectedPeakConnections(processes),
    evidence: {
      steps: [],
      fits: [],
      inputs: { dbMaxconn, maxConnections, pods: processes.reduce((s, p) => s + p.pods, 0) },
      formulas: ['F18'],
    },
    assumptions: [
      'db_maxconn and max_connections as models/environment.yaml gives them',
      'a request holds at most two connections per database (odony, odoo/odoo-extra#73)',
    ],
    confidence: { grade: 'high', reasons: ['arithmetic on configured values'] },
  };
}
