// The whole plan from a synthetic run built on a known queue: evidence points at the run's valid
// steps, recommendations meet the SLOs, and the verdict turns infeasible for the right reasons.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/core/load-yaml.js';
import { environmentSchema } from '../../src/core/models/environment.js';
import { forecastSchema } from '../../src/core/models/forecast.js';
import { loadNodes, nodesSchema } from '../../src/core/models/nodes.js';
import { buildPlan, type PlanInputs } from '../../src/planner/recommend.js';
import { ORDER_WAVE, STOCK_MOVES, syntheticRun } from '../helpers/synthetic-run.js';

const environment = parseYaml(
  environmentSchema,
  `name: synthetic
tenancy: multi-tenant
odoo: {version: '17.0', pods: 1, workersPerPod: 2, cronWorkersPerPod: 0, cpuPerPod: 2, memoryPerPodMiB: 2048}
nodes: {type: local-2c-24g, count: 1}
database: {instance: local, vcpu: 2, memoryGiB: 24, maxConnections: 200}
`,
  'env.yaml',
);
const forecast = forecastSchema.parse({
  schemaVersion: 1,
  baseline: { 'order-wave': 3, 'stock-moves': 2 },
  growthPercentPerMonth: { default: 2 },
  peaks: [
    { name: 'Black Friday', date: '11-28', multipliers: { 'order-wave': 2, 'stock-moves': 2 } },
  ],
  headroom: { targetUtilisation: 0.7, redundancy: 'N+1', zones: 1 },
});
const run = syntheticRun({
  id: 'synthetic-order-wave',
  classes: [ORDER_WAVE],
  rates: [1, 2, 3, 4, 5, 6, 7],
  workers: 2,
  invalidSteps: [4],
});
const stockRun = syntheticRun({
  id: 'synthetic-stock-moves',
  classes: [STOCK_MOVES],
  rates: [2, 4, 6, 8, 10, 12],
  workers: 2,
});

async function inputs(overrides: Partial<PlanInputs> = {}): Promise<PlanInputs> {
  return {
    runs: [run, stockRun],
    environment,
    forecast,
    nodes: await loadNodes(join(import.meta.dirname, '..', '..', 'models', 'nodes.yaml')),
    slo: { 'order-wave': { p95Ms: 2000 }, 'stock-moves': { p95Ms: 1500 } },
    asOf: '2026-03-01',
    generatedAt: '2026-03-01T00:00:00Z',
    toolVersion: 'test',
    models: [],
    ...overrides,
  };
}

describe('buildPlan', () => {
  it('gives every recommendation evidence that points at valid steps of the runs', async () => {
    const plan = buildPlan(await inputs());
    const validDirs = new Set(
      [run, stockRun].flatMap((r) =>
        r.steps.filter((s) => s.step.valid).map((s) => `${r.run.id}/${s.dir}`),
      ),
    );
    const web = plan.workers.find((w) => w.pool === 'web')!;
    for (const rec of [web, ...plan.nodePools, plan.database.vcpu]) {
      expect(rec.evidence.steps.length).toBeGreaterThan(0);
      for (const s of rec.evidence.steps) expect(validDirs.has(`${s.run}/${s.dir}`)).toBe(true);
    }
    expect(web.evidence.steps.some((s) => s.dir === 'steps/04-rate-4')).toBe(false);
    expect(plan.runs[0]!.invalidSteps).toEqual([
      { index: 4, label: 'rate-4', reasons: ['dropped iterations over the limit (synthetic)'] },
    ]);
    expect(web.evidence.fits.map((f) => f.fit).sort()).toEqual([
      'usl:order-wave',
      'usl:stock-moves',
    ]);
    expect(['high', 'medium', 'low']).toContain(web.confidence.grade);
  });

  it('sizes the web pool so both classes meet their SLOs at the forecast peak', async () => {
    const plan = buildPlan(await inputs());
    const web = plan.workers.find((w) => w.pool === 'web')!;
    expect(web.classes).toEqual(['order-wave', 'stock-moves']);
    expect(web.transactionRate).toBeCloseTo(
      plan.forecast.peakRates['order-wave']! + plan.forecast.peakRates['stock-moves']!,
      9,
    );
    expect(web.meetsSlo).toBe(true);
    expect(web.utilisation).toBeLessThanOrEqual(0.7);
    for (const p of web.predictions) expect(p.p95Ms).toBeLessThanOrEqual(p.sloP95Ms!);
    // The USL cross-check: mean latency on the measured curve at the forecast rate, by R = N/X.
    const order = web.predictions.find((p) => p.class === 'order-wave')!;
    const fit = plan.fits.find((f) => f.id === 'usl:order-wave')!;
    if (order.uslMeanLatencyMs != null) {
      const n = (order.uslMeanLatencyMs / 1000) * order.rate;
      const { sigma, kappa, lambda } = fit.coefficients;
      expect((lambda * n) / (1 + sigma * (n - 1) + kappa * n * (n - 1))).toBeCloseTo(order.rate, 6);
    } else expect(order.rate).toBeGreaterThan(fit.xMax!);
    // Service times stretched by the contention the fits show, never shrunk.
    expect(web.evidence.inputs['order-wave.contentionStretch']).toBeGreaterThanOrEqual(1);
    // The synthetic service: 2 calls × 110 ms (order-wave), 2 × 60 ms (stock-moves).
    expect(web.serviceTimeMs).toBeGreaterThan(60);
    expect(web.serviceTimeMs).toBeLessThan(140);
    expect(web.workersPerPod).toBeLessThanOrEqual(2 * 2 + 1);
    expect(plan.feasibility.reasons).toEqual([]);
    expect(plan.unmeasuredClasses).toEqual([]);
  });

  it('adds pods when the Odoo processes need more CPU than the workers’ pods give', async () => {
    const small = { ...environment, odoo: { ...environment.odoo, cpuPerPod: 0.5 } };
    const plan = buildPlan(await inputs({ environment: small }));
    const web = plan.workers.find((w) => w.pool === 'web')!;
    // Odoo CPU per transaction = low-load latency − DB time (about 250 − 40 and 140 − 25 ms).
    const peak = plan.forecast.peakRates;
    const i = web.evidence.inputs;
    const cpu =
      (peak['order-wave']! * (i['order-wave.transactionMs']! - 40) +
        peak['stock-moves']! * (i['stock-moves.transactionMs']! - 25)) /
      1000;
    expect(i['order-wave.transactionMs']).toBeGreaterThan(250);
    expect(i['order-wave.transactionMs']).toBeLessThan(300);
    expect(web.odooCpuCoresAtPeak).toBeCloseTo(cpu, 2);
    expect(web.podsLimitedBy).toBe('cpu');
    expect(web.pods).toBe(Math.ceil(cpu / (0.5 * 0.7)));
    expect(web.workersPerPod).toBeLessThanOrEqual(2 * 0.5 + 1);
    expect(web.workers).toBe(web.pods * web.workersPerPod);
  });

  it('prices the DB from the measured cost per transaction', async () => {
    const plan = buildPlan(await inputs());
    // 40 ms per order and 25 ms per stock move, by regression over the steps.
    expect(plan.database.vcpu.dbMsPerTransaction['order-wave']).toBeCloseTo(40, 6);
    expect(plan.database.vcpu.dbMsPerTransaction['stock-moves']).toBeCloseTo(25, 6);
    const peak = plan.forecast.peak.rates;
    const busy = (peak['order-wave']! * 40 + peak['stock-moves']! * 25) / 1000;
    expect(plan.database.vcpu.busyCoresAtPeak).toBeGreaterThanOrEqual(busy);
    expect(plan.database.vcpu.vcpu).toBeGreaterThanOrEqual(Math.ceil(busy / 0.6));
    expect(plan.database.connections.pooler.sessionModeDatabases).toEqual(['postgres']);
    // 20 kB per transaction (synthetic), a year of growth, × 1.3 headroom.
    expect(plan.database.storage.bytesPerTransaction['order-wave']).toBeCloseTo(20_000, 0);
    expect(plan.database.storage.provisionGiB).toBeGreaterThanOrEqual(
      Math.ceil(plan.database.memory.databaseSizeIn12MonthsGiB * 1.3),
    );
  });

  it('is infeasible when an SLO is faster than the transaction itself', async () => {
    const plan = buildPlan(await inputs({ slo: { 'order-wave': { p95Ms: 100 } } }));
    expect(plan.feasibility.feasible).toBe(false);
    expect(plan.feasibility.reasons.join(' ')).toMatch(
      /order-wave misses its p95 SLO even without queueing/,
    );
  });

  it('is infeasible when no node type in the catalog can hold an Odoo pod', async () => {
    const tiny = nodesSchema.parse({
      schemaVersion: 1,
      nodeTypes: [{ name: 'tiny', vcpu: 1, memoryGiB: 1, pricePerMonth: 5, reservation: 'gke' }],
    });
    const plan = buildPlan(await inputs({ nodes: tiny }));
    expect(plan.feasibility.feasible).toBe(false);
    expect(plan.feasibility.reasons.join(' ')).toMatch(/web node pool: no node type fits/);
  });

  /** Points whose throughput rises to a peak at N=2 and falls by a fifth at N=4. */
  const falling = (x0: number) =>
    [
      [0.5, 0.5],
      [1, 0.9],
      [2, 1],
      [4, 0.8],
    ].map(([n, x]) => ({ n: n!, x: x! * x0, fitted: x! * x0, looPredicted: null, step: null }));
  /** The same concurrency, with throughput that only flattens. */
  const flattening = (x0: number) =>
    falling(x0).map((p, i) => (i === 3 ? { ...p, x: 1.02 * x0 } : p));

  it('acts only on usable fits: a poor fit neither caps workers nor stretches service times', async () => {
    const { usableFit, workerCap } = await import('../../src/planner/n-star-gate.js');
    const plan = buildPlan(await inputs());
    const good = plan.fits.find((f) => f.id === 'usl:order-wave')!;
    const capped = { ...good, nStar: 1, maxMeasuredN: 4, points: falling(good.points[0]!.x) };
    expect(usableFit(good)).toBe(true);
    expect(workerCap([capped])).toBe(1);
    const poor = { ...capped, r2: 0.45 };
    expect(usableFit(poor)).toBe(false);
    expect(workerCap([poor])).toBeNull();
    expect(workerCap([{ ...capped, looMape: 0.4 }])).toBeNull();
  });

  it('does not take the measured worker pool filling up for a scalability limit', async () => {
    const { workerCap } = await import('../../src/planner/n-star-gate.js');
    const plan = buildPlan(await inputs());
    const good = plan.fits.find((f) => f.id === 'usl:order-wave')!;
    const points = falling(good.points[0]!.x);
    // Measured on 2 workers: a peak at N*=2 is those workers full, more workers relieve it.
    expect(workerCap([{ ...good, nStar: 2, maxMeasuredN: 6, points }], 2)).toBeNull();
    // A peak below the workers measured is contention (locks, database): it caps.
    expect(workerCap([{ ...good, nStar: 3, maxMeasuredN: 6, points }], 4)).toBe(3);
  });

  it('caps workers only at a peak the data show: throughput that flattens is not a retrograde region', async () => {
    const { RETROGRADE_DROP, retrogradeMeasured, unconfirmedPeaks, workerCap } =
      await import('../../src/planner/n-star-gate.js');
    const plan = buildPlan(await inputs());
    const good = plan.fits.find((f) => f.id === 'usl:order-wave')!;
    const x0 = good.points[0]!.x;
    const fell = { ...good, nStar: 1, maxMeasuredN: 4, points: falling(x0) };
    const flat = { ...fell, points: flattening(x0) };
    expect(retrogradeMeasured(fell)).toBe(true);
    expect(retrogradeMeasured(flat)).toBe(false);
    // A dip within the noise of a step's count is not a fall.
    const dip = fell.points.map((p, i) =>
      i === 3 ? { ...p, x: x0 * (1 - RETROGRADE_DROP / 2) } : p,
    );
    expect(retrogradeMeasured({ ...fell, points: dip })).toBe(false);
    expect(workerCap([fell], 2)).toBe(1);
    expect(workerCap([flat], 2)).toBeNull();
    // The plan says so, and says what would settle it.
    expect(unconfirmedPeaks([fell, flat], 2)).toEqual([
      expect.stringMatching(
        /usl:order-wave: the fit peaks at N\*=1, but no measured throughput fell past it.*does not cap workers/,
      ),
    ]);
    expect(unconfirmedPeaks([flat], 1)).toEqual([]);
  });

  it("counts a fall only beyond the steps' counting noise: a short step's dip does not cap workers", async () => {
    const { retrogradeMeasured, retrogradeThreshold, workerCap, unconfirmedPeaks } =
      await import('../../src/planner/n-star-gate.js');
    const plan = buildPlan(await inputs());
    const good = plan.fits.find((f) => f.id === 'usl:order-wave')!;
    // A plan's points carry the transactions their steps counted.
    expect(good.points.every((p) => (p.transactions ?? 0) > 0)).toBe(true);
    const x0 = good.points[0]!.x;
    // Throughput 12 % below the peak at the highest concurrency.
    const fell = (transactions: number) => ({
      ...good,
      nStar: 1,
      maxMeasuredN: 4,
      points: falling(x0).map((p, i) => ({
        ...p,
        x: i === 3 ? 0.88 * x0 : p.x,
        transactions,
      })),
    });
    // 50 transactions a step (a 20 s step at 2.5/s): 2·√(2/50) = 40 %, a 12 % dip is noise.
    expect(retrogradeThreshold(fell(50).points[2]!, fell(50).points[3]!)).toBeCloseTo(0.4, 6);
    expect(retrogradeMeasured(fell(50))).toBe(false);
    expect(workerCap([fell(50)], 2)).toBeNull();
    expect(unconfirmedPeaks([fell(50)], 2)).toEqual([
      expect.stringMatching(
        /no measured throughput fell past it by more than the steps' counting noise/,
      ),
    ]);
    // 2,000 a step: 2·√(2/2000) ≈ 6.3 %, the same 12 % is a fall, and N* caps.
    expect(retrogradeMeasured(fell(2000))).toBe(true);
    expect(workerCap([fell(2000)], 2)).toBe(1);
    // Points without counts (fit from a CSV, plans written before counts) keep the 5 % floor.
    expect(retrogradeMeasured({ ...fell(50), points: falling(x0) })).toBe(true);
  });

  it('lists forecast classes no run measured instead of sizing them', async () => {
    const plan = buildPlan(await inputs({ runs: [run] }));
    expect(plan.unmeasuredClasses).toEqual(['stock-moves']);
    expect(plan.warnings.join(' ')).toMatch(/not measured by any run.*stock-moves/);
  });
});
