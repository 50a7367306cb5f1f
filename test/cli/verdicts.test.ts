// The demo's two verdicts (today's platform, and the plan's recommendation to deploy) must not
// read as a contradiction, on plans the real `plan` writes for a synthetic run.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanJson } from '../../src/core/plan-types.js';
import { whatToDeploy } from '../../src/cli/commands/demo.js';
import { runCli } from '../helpers/cli.js';
import { ORDER_WAVE, syntheticRun, writeRunDir } from '../helpers/synthetic-run.js';

const MODELS = join(import.meta.dirname, '..', '..', 'models');
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-verdicts-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Plans a synthetic order-wave run with models whose order-wave p95 SLO is `p95Ms`. */
async function planned(id: string, p95Ms: number): Promise<{ dir: string; plan: PlanJson }> {
  const models = join(root, `models-${id}`);
  await cp(MODELS, models, { recursive: true });
  const slo = await readFile(join(models, 'slo.yaml'), 'utf8');
  await writeFile(join(models, 'slo.yaml'), slo.replace('p95Ms: 2000', `p95Ms: ${p95Ms}`));
  const dir = await writeRunDir(
    join(root, 'runs'),
    syntheticRun({ id, classes: [ORDER_WAVE], rates: [1, 2, 3, 4, 5, 6, 7], workers: 2 }),
  );
  const result = await runCli(['plan', '--run', dir, '--models', models, '--json']);
  expect([0, 1], result.stderr).toContain(result.code);
  return { dir, plan: JSON.parse(result.stdout) as PlanJson };
}

describe('the two verdicts', () => {
  it('a feasible plan: what to deploy, and that it meets the SLOs', async () => {
    const { dir, plan } = await planned('feasible', 2000);
    expect(plan.feasibility.feasible).toBe(true);
    const w = plan.workers[0]!;
    const n = plan.nodePools[0]!;
    expect(whatToDeploy(plan)).toBe(
      `What to deploy: web ${w.workers} worker${w.workers === 1 ? '' : 's'}; nodes web ${n.nodes} × ${n.nodeType} (meets the SLOs at the forecast peak)`,
    );
    // The report's headline, which the demo prints above it, names today's platform.
    const report = await runCli(['report', '--run', dir, '--format', 'json', '--out', dir]);
    expect(report.code).toBe(0);
    expect(report.stdout.split('\n')[0]).toMatch(
      /^Today's platform is (not )?ready for the forecast peak \(Black Friday order wave, \d{4}-11-28\)$/,
    );
  });

  it('an infeasible plan: what to deploy still, and why even that misses the SLOs', async () => {
    const { plan } = await planned('infeasible', 150);
    expect(plan.feasibility.feasible).toBe(false);
    expect(whatToDeploy(plan)).toMatch(
      /^What to deploy: web \d+ workers?; nodes .+ \(even this misses the SLOs at the forecast peak: web pool: order-wave misses its p95 SLO/,
    );
  });
});
