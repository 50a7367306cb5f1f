// Posting collisions as a finding: their rate against billing concurrency caps invoicing
// concurrency with its grounds, never makes a step count less.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PostingStats } from '../../src/core/run-types.js';
import { parseYaml } from '../../src/core/load-yaml.js';
import { environmentSchema } from '../../src/core/models/environment.js';
import { forecastSchema } from '../../src/core/models/forecast.js';
import { loadNodes } from '../../src/core/models/nodes.js';
import type { RunOnDisk } from '../../src/core/run-types.js';
import { MAX_COLLISION_RATE, billingConcurrencyCap } from '../../src/planner/posting-collisions.js';
import { buildPlan } from '../../src/planner/recommend.js';
import { syntheticRun, type SyntheticClass } from '../helpers/synthetic-run.js';

const BILLING: SyntheticClass = {
  class: 'month-end-billing',
  calls: 6,
  callService: 0.2,
  transactionService: 3,
  dbMs: 300,
};

type Posted = Pick<PostingStats, 'attempts' | 'collisions'> & { invoicesUnposted?: number };

/** A billing ladder at these rates whose steps posted as given. */
function billingRun(rates: number[], posted: Posted[], invalidSteps: number[] = []): RunOnDisk {
  const run = syntheticRun({
    id: 'synthetic-billing',
    classes: [BILLING],
    rates,
    workers: 4,
    invalidSteps,
  });
  run.steps.forEach((s, i) => {
    const p = posted[i]!;
    s.step.classes['month-end-billing']!.posting = {
      attempts: p.attempts,
      collisions: p.collisions,
      collisionRate: p.collisions / p.attempts,
      invoicesPosted: (p.attempts - p.collisions) * 10,
      invoicesPostedPerSecond: 1,
      invoicesUnposted: p.invoicesUnposted ?? 0,
    };
  });
  return run;
}

const littles = (run: RunOnDisk, index: number) =>
  run.steps[index]!.step.classes['month-end-billing']!.concurrency.littles;

describe('billingConcurrencyCap', () => {
  it('caps billing at the highest concurrency within the limit below the first step over it', () => {
    const run = billingRun(
      [0.1, 0.2, 0.4, 0.8],
      [
        { attempts: 40, collisions: 0 },
        { attempts: 80, collisions: 2 }, // 2.5 %: within 5 %
        { attempts: 160, collisions: 16 }, // 10 %
        { attempts: 320, collisions: 64 },
      ],
    );
    const cap = billingConcurrencyCap([run])!;
    expect(cap.status).toBe('capped');
    expect(cap.cap).toBe(littles(run, 1));
    expect(cap.firstOverLimit).toBe(littles(run, 2));
    expect(cap.steps.map((s) => s.overLimit)).toEqual([false, false, true, true]);
    expect(cap.steps.map((s) => s.concurrencySource)).toEqual(Array(4).fill('littles'));
    expect(cap).toMatchObject({ attempts: 600, collisions: 82, invoicesUnposted: 0 });
    expect(cap.maxCollisionRate).toBe(MAX_COLLISION_RATE);
    expect(cap.evidence.steps.map((s) => s.label)).toEqual([
      'rate-0.1',
      'rate-0.2',
      'rate-0.4',
      'rate-0.8',
    ]);
    expect(cap.evidence.inputs).toMatchObject({ capConcurrency: cap.cap, postingCollisions: 82 });
    expect(cap.evidence.formulas).toEqual(['F10']);
    expect(cap.assumptions.join(' ')).toMatch(/5 % of posting attempts/);
    expect(cap.confidence.grade).toBe('high');
  });

  it('a step within the limit above the crossing does not raise the cap', () => {
    const run = billingRun(
      [0.1, 0.2, 0.4],
      [
        { attempts: 40, collisions: 0 },
        { attempts: 80, collisions: 10 },
        { attempts: 160, collisions: 1 },
      ],
    );
    const cap = billingConcurrencyCap([run])!;
    expect(cap.cap).toBe(littles(run, 0));
    expect(cap.firstOverLimit).toBe(littles(run, 1));
  });

  it('invoices left unposted put a step over the limit whatever its rate', () => {
    const run = billingRun(
      [0.1, 0.2],
      [
        { attempts: 40, collisions: 0 },
        { attempts: 100, collisions: 2, invoicesUnposted: 20 },
      ],
    );
    const cap = billingConcurrencyCap([run])!;
    expect(cap.status).toBe('capped');
    expect(cap.cap).toBe(littles(run, 0));
    expect(cap.confidence.reasons.join(' ')).toMatch(/20 invoices left unposted/);
  });

  it('few collisions or few attempts lower the confidence', () => {
    const run = billingRun(
      [0.1, 0.2, 0.4],
      [
        { attempts: 10, collisions: 0 },
        { attempts: 12, collisions: 0 },
        { attempts: 16, collisions: 1 }, // 6 %, but one collision
      ],
    );
    const cap = billingConcurrencyCap([run])!;
    expect(cap.status).toBe('capped');
    expect(cap.confidence.grade).toBe('medium');
    expect(cap.confidence.reasons.join(' ')).toMatch(/few enough to be chance/);
    expect(cap.confidence.reasons.join(' ')).toMatch(/12 posting attempts/);
  });

  it('no collisions, collisions within the limit, or over it from the lowest step', () => {
    const rates = [0.1, 0.2, 0.4];
    const none = billingConcurrencyCap([
      billingRun(rates, Array(3).fill({ attempts: 50, collisions: 0 })),
    ])!;
    expect(none).toMatchObject({ status: 'no-collisions', cap: null, firstOverLimit: null });
    const within = billingConcurrencyCap([
      billingRun(rates, Array(3).fill({ attempts: 50, collisions: 1 })),
    ])!;
    expect(within).toMatchObject({ status: 'within-limit', cap: null, collisions: 3 });
    expect(within.confidence.reasons.join(' ')).toMatch(/none over the limit/);
    const throughout = billingConcurrencyCap([
      billingRun(rates, Array(3).fill({ attempts: 50, collisions: 10 })),
    ])!;
    expect(throughout).toMatchObject({ status: 'over-limit-throughout', cap: null });
  });

  it('counts steps the runner did not count: a collision is measured all the same', () => {
    const run = billingRun(
      [0.1, 0.2],
      [
        { attempts: 40, collisions: 0 },
        { attempts: 80, collisions: 20 },
      ],
      [2],
    );
    const cap = billingConcurrencyCap([run])!;
    expect(cap.steps.map((s) => s.valid)).toEqual([true, false]);
    expect(cap.firstOverLimit).toBe(littles(run, 1));
    expect(cap.confidence.reasons.join(' ')).toMatch(/did not count/);
  });

  it('says nothing for runs without posting figures (older step.json files)', () => {
    const run = syntheticRun({ id: 'old', classes: [BILLING], rates: [0.1, 0.2], workers: 4 });
    expect(billingConcurrencyCap([run])).toBeNull();
  });
});

describe('buildPlan and posting collisions', () => {
  const environment = parseYaml(
    environmentSchema,
    `name: synthetic
tenancy: multi-tenant
odoo: {version: '17.0', pods: 1, workersPerPod: 4, cronWorkersPerPod: 0, cpuPerPod: 2, memoryPerPodMiB: 2048}
nodes: {type: local-2c-24g, count: 1}
database: {instance: local, vcpu: 2, memoryGiB: 24, maxConnections: 200}
`,
    'env.yaml',
  );
  const forecastFor = (rate: number) =>
    forecastSchema.parse({
      schemaVersion: 1,
      baseline: { 'month-end-billing': rate },
      growthPercentPerMonth: { default: 0 },
      peaks: [],
      headroom: { targetUtilisation: 0.7, redundancy: 'N+1', zones: 1 },
    });
  const run = billingRun(
    [0.1, 0.2, 0.4, 0.6],
    [
      { attempts: 40, collisions: 0 },
      { attempts: 80, collisions: 0 },
      { attempts: 160, collisions: 40 },
      { attempts: 240, collisions: 80 },
    ],
  );
  const plan = async (rate: number) =>
    buildPlan({
      runs: [run],
      environment,
      forecast: forecastFor(rate),
      nodes: await loadNodes(join(import.meta.dirname, '..', '..', 'models', 'nodes.yaml')),
      slo: { 'month-end-billing': { p95Ms: 30_000 } },
      asOf: '2026-03-01',
      generatedAt: '2026-03-01T00:00:00Z',
      toolVersion: 'test',
      models: [],
    });

  it('puts the finding in the plan, warns when the forecast needs more than the cap, and keeps every step', async () => {
    const low = await plan(0.05);
    expect(low.postingCollisions).toMatchObject({ status: 'capped', exceedsCap: false });
    expect(low.warnings.join(' ')).not.toMatch(/invoicing transactions in flight/);
    // Collisions are not errors: every step still counts for the USL fit.
    expect(low.runs[0]!.invalidSteps).toEqual([]);
    expect(low.fits.find((f) => f.scope === 'month-end-billing')?.points).toHaveLength(4);

    const high = await plan(0.5);
    const cap = high.postingCollisions!;
    expect(cap.forecastConcurrency!).toBeGreaterThan(cap.cap!);
    expect(cap.exceedsCap).toBe(true);
    expect(high.warnings.join(' ')).toMatch(/invoicing transactions in flight, above the/);
  });
});
