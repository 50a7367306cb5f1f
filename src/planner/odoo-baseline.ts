// Odoo's own rules of thumb beside the queue model: the baseline worker count and memory per
// worker, measured (with KRR's buffer) or from Odoo's rule.
import type { TransactionClass } from '../core/classes.js';
import type { Environment } from '../core/models/environment.js';
import type { Forecast } from '../core/models/forecast.js';
import type { MemoryEstimate, OdooBaseline } from '../core/plan-types.js';
import type { Rates } from './forecast-demand.js';
import type { ClassMeasurement } from './measurements.js';
import { maxWorkersForCpu, odooRamMb, workersForUsers } from './odoo-rules.js';

/** KRR's memory buffer over the observed working set (F24). */
const MEMORY_BUFFER = 1.15;

export function memoryEstimate(measuredPerWorkerMiB: number | undefined): MemoryEstimate {
  return measuredPerWorkerMiB !== undefined
    ? { perWorkerMiB: measuredPerWorkerMiB * MEMORY_BUFFER, source: 'measured-working-set' }
    : { perWorkerMiB: odooRamMb(1), source: 'odoo-rule-of-thumb' };
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
