// `plan` as a user runs it, on clearly synthetic run directories: it writes plan.json atomically
// into the run, prints it with --json, exits 1 when the peak cannot be met, 2 on bad input.
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlanJson } from '../../src/core/plan-types.js';
import { hasStackTrace, runCli } from '../helpers/cli.js';
import { ORDER_WAVE, syntheticRun, writeRunDir } from '../helpers/synthetic-run.js';

const MODELS = join(import.meta.dirname, '..', '..', 'models');
let root: string;
let models: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-plan-'));
  models = join(root, 'models');
  await cp(MODELS, models, { recursive: true });
});

async function run(id: string): Promise<string> {
  return writeRunDir(
    join(root, 'runs'),
    syntheticRun({ id, classes: [ORDER_WAVE], rates: [1, 2, 3, 4, 5, 6, 7], workers: 2 }),
  );
}

describe('odoo-capacity plan', () => {
  it('writes plan.json into the run and prints the same document with --json', async () => {
    const dir = await run('plan-json');
    const result = await runCli([
      'plan',
      '--run',
      dir,
      '--models',
      models,
      '--as-of',
      '2026-03-01',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as PlanJson;
    const written = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as PlanJson;
    expect(written).toEqual(printed);
    expect(written.schemaVersion).toBe(1);
    expect(written.kind).toBe('odoo-capacity-plan');
    expect(written.forecast.asOf).toBe('2026-03-01');
    expect(written.workers.map((w) => w.pool)).toEqual(['web']);
    expect(written.workers[0]!.evidence.steps[0]!.run).toBe('plan-json');
    expect(written.models).toEqual([
      'environment.yaml',
      'forecast.yaml',
      'nodes.yaml',
      'slo.yaml',
      'tenants.yaml',
      'tenancy.yaml',
    ]);
    // Atomic write: nothing but the run's own files and plan.json is left behind.
    expect((await readdir(dir)).sort()).toEqual(['plan.json', 'run.json', 'steps']);
  });

  it('exits 1 and says why when the forecast peak cannot meet the SLOs', async () => {
    const dir = await run('plan-infeasible');
    const tight = join(root, 'models-tight');
    await cp(models, tight, { recursive: true });
    // models/slo.yaml with the order wave's p95 cut to 150 ms.
    const slo = await readFile(join(models, 'slo.yaml'), 'utf8');
    expect(slo).toContain('p95Ms: 2000');
    await writeFile(join(tight, 'slo.yaml'), slo.replace('p95Ms: 2000', 'p95Ms: 150'));
    const result = await runCli(['plan', '--run', dir, '--models', tight, '--as-of', '2026-03-01']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /NOT feasible: web pool: order-wave misses its p95 SLO even without queueing/,
    );
    const written = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as PlanJson;
    expect(written.feasibility.feasible).toBe(false);
  });

  it('names the file and field of a bad model, exit 2, no plan written', async () => {
    const dir = await run('plan-bad-model');
    const broken = join(root, 'models-broken');
    await cp(models, broken, { recursive: true });
    await writeFile(
      join(broken, 'forecast.yaml'),
      'schemaVersion: 1\nbaseline:\n  order-wave: 2\nheadroom:\n  targetUtilisation: 1.5\n',
    );
    const result = await runCli(['plan', '--run', dir, '--models', broken]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/forecast\.yaml:5: headroom\.targetUtilisation/);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(await readdir(dir)).not.toContain('plan.json');
  });

  it('refuses a run directory that is not there, or from another schema version', async () => {
    const missing = await runCli(['plan', '--run', join(root, 'runs', 'nope'), '--models', models]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\/run\.json: not found; .*nope is not a run directory/);
    const dir = await run('plan-old-schema');
    const runJson = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    await writeFile(join(dir, 'run.json'), JSON.stringify({ ...runJson, schemaVersion: 99 }));
    const old = await runCli(['plan', '--run', dir, '--models', models]);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/run\.json: schemaVersion 99\b/);
  });
});
