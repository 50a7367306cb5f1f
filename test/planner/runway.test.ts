// Today's capacity and the day it runs out, checked against the same capacity test the runway
// uses: the day before passes, the day itself fails.
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/core/load-yaml.js';
import { environmentSchema } from '../../src/core/models/environment.js';
import { forecastSchema } from '../../src/core/models/forecast.js';
import { ratesAt } from '../../src/planner/forecast-demand.js';
import { measureClasses } from '../../src/planner/measurements.js';
import { headroomPolicy } from '../../src/planner/recommend-nodes.js';
import { capacityRunway, checkToday, type RunwayInput } from '../../src/planner/runway.js';
import { ORDER_WAVE, syntheticRun } from '../helpers/synthetic-run.js';

const environment = parseYaml(
  environmentSchema,
  `name: synthetic
tenancy: dedicated
odoo: {version: '17.0', pods: 1, workersPerPod: 2, cpuPerPod: 4, memoryPerPodMiB: 2048}
nodes: {type: local-2c-24g, count: 1}
database: {instance: local, vcpu: 4, memoryGiB: 16}
`,
  'env.yaml',
);
const run = syntheticRun({
  id: 'runway',
  classes: [ORDER_WAVE],
  rates: [1, 2, 3, 4, 5, 6],
  workers: 2,
});

function input(growth: number, peaks: unknown[] = []): RunwayInput {
  const forecast = forecastSchema.parse({
    schemaVersion: 1,
    horizonMonths: 24,
    baseline: { 'order-wave': 2 },
    growthPercentPerMonth: { default: growth },
    peaks,
  });
  return {
    environment,
    forecast,
    asOf: '2026-01-01',
    policy: headroomPolicy(forecast),
    measured: measureClasses([run]),
    runs: [run],
    fits: [],
    slo: { 'order-wave': { p95Ms: 3000 } },
  };
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('capacity runway', () => {
  it('finds the first day growth breaks today’s two workers', () => {
    const i = input(5);
    const r = capacityRunway(i);
    expect(r.runsOutOn).not.toBeNull();
    const at = (day: string) => checkToday(i, ratesAt(i.forecast, i.asOf, day));
    expect(at(r.runsOutOn!).fits).toBe(false);
    expect(at(addDays(r.runsOutOn!, -1)).fits).toBe(true);
    expect(r.limitedBy).toMatch(/workers|CPU|SLO/);
    // Today's capacity is above today's rate and below the rate on the day it runs out.
    expect(r.currentCapacity['order-wave']!).toBeGreaterThan(2);
    expect(r.currentCapacity['order-wave']!).toBeLessThan(
      ratesAt(i.forecast, i.asOf, r.runsOutOn!)['order-wave']!,
    );
  });

  it('names the peak event when it comes first', () => {
    const r = capacityRunway(
      input(0, [{ name: 'Black Friday', date: '11-27', multipliers: { 'order-wave': 4 } }]),
    );
    expect(r.runsOutOn).toBe('2026-11-27');
    expect(r.limitedBy).toMatch(/on Black Friday$/);
  });

  it('lasts the horizon without growth or peaks', () => {
    expect(capacityRunway(input(0)).runsOutOn).toBeNull();
  });
});
