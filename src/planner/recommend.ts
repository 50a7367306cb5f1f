// Builds plan.json from run measurements and models, with the verdict on whether the forecast
// peak can meet the SLOs with the node catalog. Pure: the CLI reads and writes.
import type { TransactionClass } from '../core/classes.js';
import { isOcError } from '../core/errors.js';
import type { Environment } from '../core/models/environment.js';
import type { Forecast } from '../core/models/forecast.js';
import type { NodeCatalog } from '../core/models/nodes.js';
import type { Tenancy } from '../core/models/tenancy.js';
import type { Tenants } from '../core/models/tenants.js';
import {
  PLAN_SCHEMA_VERSION,
  type PlanJson,
  type TenantDecision,
  type UslFitSummary,
  type WorkerPoolRecommendation,
} from '../core/plan-types.js';
import { forecastDemand, ratesAt } from './forecast-demand.js';
import { measureClasses, mixPoints } from './measurements.js';
import type { RunOnDisk } from '../core/run-types.js';
import { dbMsPerTransaction, recommendDatabase } from './recommend-database.js';
import { headroomPolicy, recommendAutoscaling, recommendNodePools } from './recommend-nodes.js';
import { connectionBudget } from './connection-budget.js';
import { unconfirmedPeaks } from './n-star-gate.js';
import { memoryEstimate, odooBaseline } from './odoo-baseline.js';
import {
  POOLS,
  deployedWorkers,
  recommendWorkerPool,
  type SloTargets,
} from './recommend-workers.js';
import { billingConcurrencyCap } from './posting-collisions.js';
import { capacityRunway } from './runway.js';
import { databaseShares, placeTenants } from './tenant-placement.js';
import { fitUsl } from './usl-fit.js';

export interface PlanInputs {
  runs: readonly RunOnDisk[];
  environment: Environment;
  forecast: Forecast;
  nodes: NodeCatalog;
  slo: SloTargets;
  tenants?: { tenants: Tenants; tenancy: Tenancy; degradation: ReadonlyMap<string, number> };
  /** "Today", YYYY-MM-DD. */
  asOf: string;
  generatedAt: string;
  toolVersion: string;
  /** Model files read, for the record. */
  models: string[];
  /** Measured working set per Odoo worker, MiB (container_memory_working_set_bytes ÷ workers). */
  workingSetMiBPerWorker?: number;
}

export function fitClasses(
  runs: readonly RunOnDisk[],
  measured: ReturnType<typeof measureClasses>,
  warnings: string[],
): UslFitSummary[] {
  const fits: UslFitSummary[] = [];
  const attempt = (make: () => UslFitSummary, what: string) => {
    try {
      fits.push(make());
    } catch (error) {
      if (!isOcError(error)) throw error;
      warnings.push(`${what}: no USL fit (${error.message})`);
    }
  };
  for (const m of measured.values())
    attempt(
      () =>
        fitUsl(m.points, {
          id: `usl:${m.class}`,
          scope: m.class,
          concurrencySource: m.concurrencySource,
          source: m.class,
        }),
      m.class,
    );
  for (const run of runs.filter((r) => r.run.ladder.profile === 'peak-mix'))
    attempt(
      () =>
        fitUsl(mixPoints(run), {
          id: 'usl:mix',
          scope: 'mix',
          concurrencySource: run.run.ladder.model === 'closed' ? 'vus' : 'littles',
          source: `${run.run.id} (mix)`,
        }),
      `${run.run.id} mix`,
    );
  return fits;
}

export function buildPlan(inputs: PlanInputs): PlanJson {
  const { runs, environment, forecast, nodes, slo, asOf } = inputs;
  const warnings: string[] = [];
  const policy = headroomPolicy(forecast);
  const summary = forecastDemand(forecast, asOf);
  const measured = measureClasses(runs);
  const unmeasured = (Object.keys(forecast.baseline) as TransactionClass[]).filter(
    (c) => (forecast.baseline[c] ?? 0) > 0 && !measured.has(c),
  );
  if (unmeasured.length)
    warnings.push(
      `not measured by any run, so not sized: ${unmeasured.join(', ')} (run a ladder for them or peak-mix)`,
    );
  for (const c of measured.keys())
    if (!slo[c]) warnings.push(`${c}: no p95 SLO in models/slo.yaml; sized on utilisation only`);

  const fits = fitClasses(runs, measured, warnings);
  for (const f of fits) for (const w of f.warnings) warnings.push(`${f.id}: ${w}`);
  warnings.push(...unconfirmedPeaks(fits, deployedWorkers(environment)));

  const memory = memoryEstimate(inputs.workingSetMiBPerWorker);
  const workerInput = {
    environment,
    forecast,
    measured,
    fits,
    slo,
    memory,
    dbMsPerTransaction: (c: TransactionClass) => dbMsPerTransaction(runs, c),
  };
  const workers = POOLS.map((pool) =>
    recommendWorkerPool(pool, { ...workerInput, peakRates: summary.peakRates }),
  ).filter((w): w is WorkerPoolRecommendation => w !== null);
  const connections = connectionBudget(workers, environment);
  const nodePlan = recommendNodePools(workers, nodes, policy);
  const web = workers.find((w) => w.pool === 'web');
  const webToday = recommendWorkerPool('web', {
    ...workerInput,
    peakRates: ratesAt(forecast, asOf, asOf),
  });
  const autoscaling = recommendAutoscaling(web, webToday, policy);
  const db = recommendDatabase({
    runs,
    forecast,
    summary,
    environment,
    catalog: nodes,
    policy,
    workers,
    connections,
  });
  warnings.push(...db.warnings);
  const runway = capacityRunway({ environment, forecast, asOf, policy, measured, runs, fits, slo });

  let tenants: TenantDecision[] | null = null;
  const shares = databaseShares(runs);
  if (inputs.tenants && shares.length > 1) {
    const placed = placeTenants(
      shares,
      inputs.tenants.tenants,
      inputs.tenants.tenancy,
      inputs.tenants.degradation,
    );
    tenants = placed.decisions;
    warnings.push(...placed.warnings);
  }

  const billing = measured.get('month-end-billing');
  const billingRate = summary.peakRates['month-end-billing'] ?? 0;
  const postingCollisions = billingConcurrencyCap(
    runs,
    billing && billingRate > 0
      ? { rate: billingRate, meanSeconds: billing.lowLoad.transaction.mean }
      : undefined,
  );
  if (postingCollisions?.exceedsCap)
    warnings.push(
      `month-end-billing: the forecast peak keeps about ${postingCollisions.forecastConcurrency!.toFixed(1)} invoicing transactions in flight, above the ${postingCollisions.cap} that posted without collisions over ${Math.round(postingCollisions.maxCollisionRate * 100)} % of attempts: run fewer invoicing batches at once (larger batches) or expect retries`,
    );

  const reasons: string[] = [];
  for (const w of workers) {
    if (w.meetsSlo) continue;
    const missed = w.predictions.filter((p) => !p.meetsSlo).map((p) => p.class);
    if (w.sloUnreachable.length > 0)
      reasons.push(
        `${w.pool} pool: ${w.sloUnreachable.join(', ')} misses its p95 SLO even without queueing: the transaction itself is slower than the SLO`,
      );
    else if (w.limitedBy === 'n-star')
      reasons.push(
        `${w.pool} pool: the forecast peak needs more than N*=${w.nStar} workers${missed.length ? ` to meet the p95 SLO of ${missed.join(', ')}` : ''}; more workers would not add throughput`,
      );
    else if (missed.length)
      reasons.push(
        `${w.pool} pool: ${missed.join(', ')} misses its p95 SLO at ${w.workers} workers`,
      );
    else reasons.push(`${w.pool} pool: utilisation ${w.utilisation.toFixed(2)} above the target`);
  }
  reasons.push(...nodePlan.unfit, ...db.unfit);

  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    kind: 'odoo-capacity-plan',
    generatedAt: inputs.generatedAt,
    tool: { name: 'odoo-capacity', version: inputs.toolVersion },
    runs: runs.map((r) => ({
      id: r.run.id,
      dir: r.dir,
      profile: r.run.ladder.profile,
      model: r.run.ladder.model,
      status: r.run.status,
      target: {
        url: r.run.target.url,
        db: r.run.target.db,
        odooVersion: r.run.target.odoo.serverVersion,
        lab: r.run.target.odoo.lab,
      },
      validSteps: r.steps.filter((s) => s.step.valid).length,
      invalidSteps: r.steps
        .filter((s) => !s.step.valid)
        .map((s) => ({ index: s.step.index, label: s.step.label, reasons: s.step.invalidReasons })),
    })),
    environment: {
      name: environment.name,
      workers: deployedWorkers(environment),
      pods: environment.odoo.pods,
      cpuPerPod: environment.odoo.cpuPerPod,
      databaseVcpu: environment.database.vcpu,
      databaseMemoryGiB: environment.database.memoryGiB,
    },
    models: inputs.models,
    headroom: policy,
    forecast: summary,
    unmeasuredClasses: unmeasured,
    fits,
    workers,
    baseline: odooBaseline(environment, forecast, measured, summary.peakRates),
    memory,
    connections,
    nodePools: nodePlan.pools,
    autoscaling,
    database: db.database,
    runway,
    tenants,
    postingCollisions,
    feasibility: { feasible: reasons.length === 0, reasons },
    assumptions: [
      `today is ${asOf}; the plan sizes for each pool's largest forecast rate within ${forecast.horizonMonths} months`,
      'measurements come from the valid steps only; invalid steps are listed with their reasons',
      'the environment under test is models/environment.yaml as it was during the runs',
    ],
    warnings,
  };
}
