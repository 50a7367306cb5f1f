// Planning a run, shared by `plan` and `demo`: read the runs and the models, build plan.json and
// write it atomically into the first run directory.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { packageJson } from '../../core/package-root.js';
import type { PlanJson } from '../../core/plan-types.js';
import type { SloTargets } from '../../planner/recommend-workers.js';

export interface PlanInput {
  /** Run directories; plan.json goes to the first. */
  runs: readonly string[];
  /** The models directory. */
  models: string;
  /** The date "today" means, YYYY-MM-DD (default forecast.yaml asOf, else today). */
  asOf?: string;
  workingSetMiBPerWorker?: number;
  /** Noisy-neighbour degradation per tenant database. */
  degradation?: Map<string, number>;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** The p95 target per class from models/slo.yaml, validated by the scenarios' own schema. */
async function loadSloTargets(file: string): Promise<SloTargets> {
  const { loadSlo } = await import('../../core/models/slo.js');
  const slo = await loadSlo(file);
  return Object.fromEntries(
    Object.entries(slo.classes).map(([c, v]) => [c, { p95Ms: v.p95Ms }]),
  ) as SloTargets;
}

/** The models a plan reads, and the names of the files read. */
async function loadPlanModels(models: string) {
  const [{ loadEnvironment }, { loadForecast }, { loadNodes }, { loadTenants }, { loadTenancy }] =
    await Promise.all([
      import('../../core/models/environment.js'),
      import('../../core/models/forecast.js'),
      import('../../core/models/nodes.js'),
      import('../../core/models/tenants.js'),
      import('../../core/models/tenancy.js'),
    ]);
  const file = (name: string) => join(models, name);
  const read: string[] = ['environment.yaml', 'forecast.yaml', 'nodes.yaml'];
  const [environment, forecast, nodes] = await Promise.all([
    loadEnvironment(file('environment.yaml')),
    loadForecast(file('forecast.yaml')),
    loadNodes(file('nodes.yaml')),
  ]);
  let slo: SloTargets = {};
  if (await exists(file('slo.yaml'))) {
    slo = await loadSloTargets(file('slo.yaml'));
    read.push('slo.yaml');
  }
  let tenants = null;
  if ((await exists(file('tenants.yaml'))) && (await exists(file('tenancy.yaml')))) {
    tenants = {
      tenants: await loadTenants(file('tenants.yaml')),
      tenancy: await loadTenancy(file('tenancy.yaml')),
    };
    read.push('tenants.yaml', 'tenancy.yaml');
  }
  return { environment, forecast, nodes, slo, tenants, read };
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** plan.json for the runs and the models, not written. */
async function buildRunPlan(input: PlanInput): Promise<PlanJson> {
  const { readRun } = await import('../../core/run-dir.js');
  const runs = await Promise.all(input.runs.map((dir) => readRun(dir)));
  const models = await loadPlanModels(input.models);
  const { buildPlan } = await import('../../planner/recommend.js');
  return buildPlan({
    runs,
    environment: models.environment,
    forecast: models.forecast,
    nodes: models.nodes,
    slo: models.slo,
    tenants: models.tenants
      ? { ...models.tenants, degradation: input.degradation ?? new Map() }
      : undefined,
    asOf: input.asOf ?? models.forecast.asOf ?? today(),
    generatedAt: new Date().toISOString(),
    toolVersion: packageJson().version,
    models: models.read,
    workingSetMiBPerWorker: input.workingSetMiBPerWorker,
  });
}

/** buildRunPlan, then plan.json written atomically into the first run directory. */
export async function writeRunPlan(input: PlanInput): Promise<{ plan: PlanJson; file: string }> {
  const plan = await buildRunPlan(input);
  const file = join(input.runs[0]!, 'plan.json');
  const { writeJsonAtomic } = await import('../../core/atomic-write.js');
  await writeJsonAtomic(file, plan);
  return { plan, file };
}
