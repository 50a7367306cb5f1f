// Tenant placement: each threshold and override moves the decision, and says why.
import { describe, expect, it } from 'vitest';
import { tenancySchema } from '../../src/core/models/tenancy.js';
import { tenantSchema } from '../../src/core/models/tenants.js';
import {
  decidePlacement,
  degradationFromRuns,
  neighbourDegradation,
} from '../../src/planner/tenant-placement.js';
import { ORDER_WAVE, STOCK_MOVES, syntheticRun } from '../helpers/synthetic-run.js';

const tenancy = tenancySchema.parse({
  schemaVersion: 1,
  weights: {
    dbTimeShare: 0.35,
    workerTimeShare: 0.25,
    growthPerMonth: 0.15,
    neighbourP95Degradation: 0.25,
  },
  thresholds: {
    dbTimeShare: 0.4,
    workerTimeShare: 0.4,
    growthPercentPerMonth: 10,
    neighbourP95Degradation: 0.25,
    customModules: 25,
    score: { dedicatedDatabase: 1.0, dedicatedStack: 1.5 },
    tenantsPerStamp: 20,
    reviewSafety: 1.5,
  },
  overrides: {
    dedicatedStackTiers: ['enterprise'],
    dedicatedDatabaseCompliance: ['pci-dss'],
    dedicatedStackCompliance: ['itar'],
  },
});
const tenant = (fields: Record<string, unknown> = {}) =>
  tenantSchema.parse({ name: 'Acme', database: 'acme', residency: 'eu-west', ...fields });
const share = (dbTimeShare: number, workerTimeShare: number) => ({
  database: 'acme',
  dbTimeShare,
  workerTimeShare,
  steps: [],
});
const decide = (s = share(0.02, 0.02), t = tenant(), degradation: number | null = 0.01) =>
  decidePlacement(s, t, ['eu-west'], tenancy, degradation);

describe('tenant placement', () => {
  it('keeps a small, quiet tenant in the shared pool', () => {
    const d = decide();
    expect(d.decision).toBe('stay-shared');
    expect(d.fired).toEqual([]);
    expect(d.reasons[0]).toMatch(/below 1/);
  });

  it('moves a tenant with a large share of DB time to a dedicated database', () => {
    const d = decide(share(0.45, 0.1));
    expect(d.decision).toBe('dedicated-database');
    expect(d.fired.map((f) => f.name)).toContain('thresholds.dbTimeShare');
  });

  it('moves a tenant with a large share of worker time to a dedicated stack', () => {
    const d = decide(share(0.1, 0.5));
    expect(d.decision).toBe('dedicated-stack');
  });

  it('isolates a noisy neighbour where its load sits (database or workers)', () => {
    expect(decide(share(0.2, 0.1), tenant(), 0.4).decision).toBe('dedicated-database');
    expect(decide(share(0.1, 0.2), tenant(), 0.4).decision).toBe('dedicated-stack');
    expect(neighbourDegradation(200, 260)).toBeCloseTo(0.3, 12);
  });

  it('combines moderate metrics into a score that can cross the dedicated-database level', () => {
    // Each metric just under its threshold: score ≈ 0.95 → shared; a little more → dedicated DB.
    const below = decide(share(0.38, 0.38), tenant({ growthPercentPerMonth: 9.5 }), 0.237);
    expect(below.decision).not.toBe('dedicated-database');
    const above = decide(share(0.39, 0.39), tenant({ growthPercentPerMonth: 20 }), 0.245);
    expect(above.score).toBeGreaterThanOrEqual(1);
    expect(above.fired.map((f) => f.name)).toContain('thresholds.score.dedicatedDatabase');
  });

  it('flags fast growth and a share above the stamp limit for review without moving the tenant', () => {
    const d = decide(share(0.05, 0.05), tenant({ growthPercentPerMonth: 12 }));
    expect(d.decision).toBe('stay-shared');
    expect(d.fired.map((f) => f.effect)).toEqual(['review', 'review']);
  });

  it('applies the hard overrides: tier, compliance, residency, contract', () => {
    expect(decide(share(0.01, 0.01), tenant({ slaTier: 'enterprise' })).decision).toBe(
      'dedicated-stack',
    );
    expect(decide(share(0.01, 0.01), tenant({ compliance: ['pci-dss'] })).decision).toBe(
      'dedicated-database',
    );
    expect(decide(share(0.01, 0.01), tenant({ compliance: ['itar'] })).decision).toBe(
      'dedicated-stack',
    );
    const residency = decide(share(0.01, 0.01), tenant({ residency: 'us-east' }));
    expect(residency.decision).toBe('dedicated-stack');
    expect(residency.reasons.join(' ')).toMatch(/us-east/);
    expect(decide(share(0.01, 0.01), tenant({ dedicatedByContract: true })).decision).toBe(
      'dedicated-stack',
    );
  });

  it('grades low and says so when no noisy-neighbour figure exists', () => {
    const d = decide(share(0.1, 0.1), tenant(), null);
    expect(d.metrics.neighbourP95Degradation).toBeNull();
    expect(d.confidence.grade).toBe('low');
    expect(d.assumptions.join(' ')).toMatch(/no noisy-neighbour measurement/);
  });

  it('measures degradation from the neighbour alone and during the peak, even when the peak broke its step', () => {
    const steady = (id: string, transactionService: number, invalidSteps: number[] = []) =>
      syntheticRun({
        id,
        classes: [{ ...ORDER_WAVE, transactionService }],
        rates: [1],
        workers: 2,
        invalidSteps,
      });
    const alone = steady('alone', 0.25);
    const during = steady('during', 0.5, [1]);
    const p95 = (r: typeof alone) =>
      r.steps[0]!.step.classes['order-wave']!.latency.transaction.p95;
    expect(degradationFromRuns(alone, during)).toBeCloseTo(p95(during) / p95(alone) - 1, 12);
    // Without a valid baseline, or without a class in common, there is no figure.
    expect(degradationFromRuns(steady('bad', 0.25, [1]), during)).toBeNull();
    const other = syntheticRun({ id: 'o', classes: [STOCK_MOVES], rates: [1], workers: 2 });
    expect(degradationFromRuns(alone, other)).toBeNull();
  });
});
