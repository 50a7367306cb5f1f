// The connection budget of the recommended Odoo pools against PostgreSQL's max_connections (F18).
import type { Environment } from '../core/models/environment.js';
import type { ConnectionBudget, WorkerPoolRecommendation } from '../core/plan-types.js';
import { expectedPeakConnections, worstCaseConnections } from './odoo-rules.js';

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
