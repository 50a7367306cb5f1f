// `tenant` as a user runs it on a synthetic two-tenant run: the heavy tenant leaves the shared
// pool with its reasons; bad input is one line and exit 2.
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TenantPlacementJson } from '../../src/core/plan-types.js';
import type { StepJson } from '../../src/core/run-types.js';
import { runCli } from '../helpers/cli.js';
import { ORDER_WAVE, syntheticRun, writeRunDir } from '../helpers/synthetic-run.js';

let root: string;
let dir: string;
const models = join(import.meta.dirname, '..', '..', 'models');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-tenant-'));
  await cp(models, join(root, 'models'), { recursive: true });
  dir = await writeRunDir(
    join(root, 'runs'),
    syntheticRun({
      id: 'two-tenants',
      classes: [ORDER_WAVE],
      rates: [1, 2, 3, 4],
      workers: 2,
      // Tenant "lab" carries 80 % of the orders, each twice as heavy on the database.
      databases: [
        { name: 'lab', share: 0.8, dbMsFactor: 2 },
        { name: 'lab_b', share: 0.2 },
        { name: 'postgres', share: 0 },
      ],
    }),
  );
});

const tenant = (degradation: string, ...more: string[]) =>
  runCli([
    'tenant',
    '--run',
    dir,
    '--models',
    join(root, 'models'),
    '--neighbour-degradation',
    degradation,
    ...more,
  ]);

describe('odoo-capacity tenant', () => {
  it('sends the heavy tenant to a dedicated stack and keeps the light one shared, with reasons', async () => {
    const result = await tenant('lab=0.4', '--json');
    expect(result.code).toBe(0);
    const placement = JSON.parse(result.stdout) as TenantPlacementJson;
    expect(placement.schemaVersion).toBe(1);
    const heavy = placement.decisions.find((d) => d.database === 'lab')!;
    const light = placement.decisions.find((d) => d.database === 'lab_b')!;
    expect(heavy.metrics.dbTimeShare).toBeGreaterThan(0.85);
    expect(heavy.decision).toBe('dedicated-stack');
    expect(heavy.fired.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'thresholds.dbTimeShare',
        'thresholds.workerTimeShare',
        'thresholds.neighbourP95Degradation',
      ]),
    );
    expect(light.decision).toBe('stay-shared');
    // PostgreSQL's own database is not a tenant.
    expect(placement.unknownDatabases).toEqual([]);
  });

  it('takes the degradation from a noisy-neighbour experiment: the neighbour alone, then during the peak', async () => {
    const steady = (id: string, transactionService: number) =>
      writeRunDir(
        join(root, 'runs'),
        syntheticRun({
          id,
          classes: [{ ...ORDER_WAVE, transactionService }],
          rates: [1],
          workers: 2,
          databases: [{ name: 'lab_b', share: 1 }],
        }),
      );
    const alone = await steady('b-alone', 0.25);
    const during = await steady('b-during-a-peak', 0.4);
    const result = await runCli([
      'tenant',
      '--run',
      dir,
      '--models',
      join(root, 'models'),
      '--noisy-neighbour',
      `lab=${alone},${during}`,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const placement = JSON.parse(result.stdout) as TenantPlacementJson;
    const heavy = placement.decisions.find((d) => d.database === 'lab')!;
    const p95 = async (run: string) =>
      (JSON.parse(await readFile(join(run, 'steps', '01-rate-1', 'step.json'), 'utf8')) as StepJson)
        .classes['order-wave']!.latency.transaction.p95;
    expect(heavy.metrics.neighbourP95Degradation).toBeCloseTo(
      (await p95(during)) / (await p95(alone)) - 1,
      9,
    );
    expect(heavy.metrics.neighbourP95Degradation!).toBeGreaterThan(0.5);
  });

  it('rejects a degradation for a database no tenant has', async () => {
    const result = await tenant('ghost=0.4');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--neighbour-degradation ghost: no tenant with that database/);
  });
});
