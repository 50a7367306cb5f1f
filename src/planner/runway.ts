// Today's capacity and when it runs out: the environment as it is, checked against the forecast
// day by day (SLOs met, workers and database under target utilisation).
import type { TransactionClass } from '../core/classes.js';
import type { Environment } from '../core/models/environment.js';
import type { Forecast } from '../core/models/forecast.js';
import type { CapacityRunway, HeadroomPolicy, StepRef, UslFitSummary } from '../core/plan-types.js';
import { grade } from './confidence.js';
import { runsOutOn, type Rates } from './forecast-demand.js';
import type { ClassMeasurement } from './measurements.js';
import type { RunOnDisk } from '../core/run-types.js';
import { dbBusyCores, dbMsPerTransaction } from './recommend-database.js';
import {
  classLoads,
  deployedWorkers,
  odooCpuSeconds,
  type SloTargets,
} from './recommend-workers.js';
import { predictPool } from './worker-pool.js';

export interface RunwayInput {
  environment: Environment;
  forecast: Forecast;
  asOf: string;
  policy: HeadroomPolicy;
  measured: ReadonlyMap<TransactionClass, ClassMeasurement>;
  runs: readonly RunOnDisk[];
  fits: readonly UslFitSummary[];
  slo: SloTargets;
}

type Check = { fits: boolean; limit: string | null };

export function checkToday(input: RunwayInput, rates: Rates): Check {
  const { environment, policy, measured, slo, forecast } = input;
  const workers = deployedWorkers(environment);
  const all = [...measured.keys()];
  const loads = classLoads(all, measured, rates, slo, input.fits, workers);
  if (loads.length > 0) {
    // One pool serves every class today; arrivals as variable as the burstiest pool's.
    const arrivalCv2 = Math.max(
      ...loads.map(
        (l) =>
          Object.values(forecast.pools).find((p) => p.classes.includes(l.class))?.arrivalCv2 ?? 1,
      ),
    );
    const state = predictPool(loads, workers, arrivalCv2);
    const missed = state.predictions.find((p) => !p.meetsSlo);
    if (missed) return { fits: false, limit: `${missed.class} p95 SLO with ${workers} workers` };
    if (state.utilisation > policy.targetUtilisation)
      return { fits: false, limit: `Odoo workers above ${policy.targetUtilisation} utilisation` };
    const cpu = loads.reduce(
      (t, l) =>
        t +
        l.rate * odooCpuSeconds(measured.get(l.class)!, dbMsPerTransaction(input.runs, l.class)),
      0,
    );
    if (cpu > environment.odoo.pods * environment.odoo.cpuPerPod * policy.targetUtilisation)
      return { fits: false, limit: `Odoo pod CPU above ${policy.targetUtilisation} utilisation` };
  }
  const db = dbBusyCores(input.runs, rates);
  if (db > environment.database.vcpu * policy.databaseTargetUtilisation)
    return {
      fits: false,
      limit: `database vCPU above ${policy.databaseTargetUtilisation} utilisation`,
    };
  return { fits: true, limit: null };
}

export function capacityRunway(input: RunwayInput): CapacityRunway {
  const { forecast, asOf } = input;
  // Today's capacity per class: the baseline mix scaled until the first check fails.
  const scaled = (s: number): Rates =>
    Object.fromEntries(Object.entries(forecast.baseline).map(([c, r]) => [c, (r ?? 0) * s]));
  let lo = 0;
  let hi = 1;
  while (checkToday(input, scaled(hi)).fits && hi < 1e6) hi *= 2;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (checkToday(input, scaled(mid)).fits) lo = mid;
    else hi = mid;
  }
  const currentCapacity: Rates = {};
  for (const c of input.measured.keys()) currentCapacity[c] = (forecast.baseline[c] ?? 0) * lo;
  const out = runsOutOn(forecast, asOf, (rates) => checkToday(input, rates).fits);
  const limitedBy = out ? checkToday(input, scaled(hi)).limit : null;
  const steps: StepRef[] = [...input.measured.values()].flatMap((m) => m.lowLoad.steps);
  return {
    currentCapacity,
    runsOutOn: out?.date ?? null,
    limitedBy: out ? `${limitedBy}${out.event ? ` on ${out.event}` : ''}` : null,
    evidence: {
      steps,
      fits: input.fits.map((f) => ({
        fit: f.id,
        r2: f.r2,
        points: f.points.length,
        looMape: f.looMape,
      })),
      inputs: {
        workersToday: deployedWorkers(input.environment),
        databaseVcpuToday: input.environment.database.vcpu,
        capacityScaleOfBaseline: lo,
      },
      formulas: ['F11–F15', 'F21'],
    },
    assumptions: [
      'today: the workers of models/environment.yaml serve every class as one pool',
      'capacity runs out when an SLO is missed or workers, pod CPU or database pass the target utilisation',
      'classes without a run are not part of the check',
    ],
    confidence: grade({ fits: input.fits }),
  };
}
