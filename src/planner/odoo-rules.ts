// Odoo's own sizing rules: workers per CPU and per concurrent user, RAM per worker, the
// db_maxconn budget (F16–F18 in docs/capacity-model.md).

/** "Rule of thumb: (#CPU * 2) + 1" — the most HTTP workers a pod of that many cores should run. */
export function maxWorkersForCpu(cpu: number): number {
  return Math.floor(2 * cpu) + 1;
}

/** "1 worker ~= 6 concurrent users". */
export function workersForUsers(concurrentUsers: number): number {
  return Math.ceil(concurrentUsers / 6);
}

export const LIGHT_WORKER_MB = 150;
export const HEAVY_WORKER_MB = 1024;
/** "20% of the requests are heavy requests, while 80% are simpler ones". */
export const HEAVY_SHARE = 0.2;

/** Needed RAM = #worker × ((0.8 × 150) + (0.2 × 1024)), in MB. */
export function odooRamMb(workers: number): number {
  return workers * ((1 - HEAVY_SHARE) * LIGHT_WORKER_MB + HEAVY_SHARE * HEAVY_WORKER_MB);
}

export interface OdooProcesses {
  pods: number;
  workersPerPod: number;
  cronThreadsPerPod: number;
}

/**
 * Σ pods × ((workers + cron) × db_maxconn + the gevent process's pool): connections if every
 * process fills its pool. The gevent process uses db_maxconn unless db_maxconn_gevent is set
 * (Odoo 17+).
 */
export function worstCaseConnections(
  pools: readonly OdooProcesses[],
  dbMaxconn: number,
  geventMaxconn = dbMaxconn,
): number {
  return pools.reduce(
    (total, p) =>
      total + p.pods * ((p.workersPerPod + p.cronThreadsPerPod) * dbMaxconn + geventMaxconn),
    0,
  );
}

/**
 * Connections a loaded deployment really holds: a request uses at most two per database
 * (odony), each cron thread one, and each pod's main process one for the bus.
 */
export function expectedPeakConnections(pools: readonly OdooProcesses[]): number {
  return pools.reduce(
    (total, p) => total + p.pods * (2 * p.workersPerPod + p.cronThreadsPerPod + 1),
    0,
  );
}
