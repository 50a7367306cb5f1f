// Odoo's sizing rules against the worked example of odoo/documentation deploy.rst.
import { describe, expect, it } from 'vitest';
import {
  expectedPeakConnections,
  maxWorkersForCpu,
  odooRamMb,
  workersForUsers,
  worstCaseConnections,
} from '../../src/planner/odoo-rules.js';

describe('Odoo’s deployment rules (deploy.rst worked example)', () => {
  it('gives 10 workers for 60 concurrent users and at most 9 on 4 CPUs', () => {
    expect(workersForUsers(60)).toBe(10);
    expect(maxWorkersForCpu(4)).toBe(9);
  });

  it('estimates about 3 GB of RAM for 9 workers', () => {
    expect(odooRamMb(9)).toBeCloseTo(9 * (0.8 * 150 + 0.2 * 1024), 9);
    expect(odooRamMb(9) / 1024).toBeCloseTo(2.85, 2);
  });

  it('shows the example’s 8 workers + 1 cron at db_maxconn 64 overrun max_connections = 80', () => {
    const example = [{ pods: 1, workersPerPod: 8, cronThreadsPerPod: 1 }];
    expect(worstCaseConnections(example, 64)).toBe(640);
    expect(worstCaseConnections(example, 64)).toBeGreaterThan(80);
    // Realistically: two per request, one per cron thread, one for the bus.
    expect(expectedPeakConnections(example)).toBe(18);
  });

  it('counts the gevent process at its own pool when db_maxconn_gevent is set', () => {
    const pools = [
      { pods: 2, workersPerPod: 4, cronThreadsPerPod: 0 },
      { pods: 1, workersPerPod: 1, cronThreadsPerPod: 2 },
    ];
    // web 2 × (4 × 4 + 64), cron 1 × (3 × 4 + 64).
    expect(worstCaseConnections(pools, 4, 64)).toBe(2 * (16 + 64) + (12 + 64));
    expect(worstCaseConnections(pools, 4)).toBe(2 * 5 * 4 + 4 * 4);
  });
});
