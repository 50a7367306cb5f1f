// Reads what a report is made from: a run directory, through the runner's readers
// (src/core/run-dir.ts), and its plan.json, or a lone plan.json for --compare. Each missing or
// malformed file is one BadInputError naming the file and the command to run first.
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BadInputError } from '../core/errors.js';
import { readRun } from '../core/run-dir.js';
import type { RunOnDisk } from '../core/run-types.js';
import { PLAN_SCHEMA_VERSION, planSchema, type PlanJson } from '../core/plan-schema.js';
import { readVersionedJson } from '../core/versioned-json.js';

export interface PlannedRun extends RunOnDisk {
  plan: PlanJson;
}

/** What --compare points at: a run (with its plan when it has one) or a lone plan.json. */
export type Baseline =
  | { kind: 'run'; source: string; run: RunOnDisk; plan?: PlanJson }
  | { kind: 'plan'; source: string; plan: PlanJson };

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Resolves --run: a directory path as given, else an id under the runs directory.
 */
export async function resolveRunDir(ref: string, runsDir: string): Promise<string> {
  if (await isDirectory(ref)) return ref;
  const underRuns = join(runsDir, ref);
  if (await isDirectory(underRuns)) return underRuns;
  throw new BadInputError(`--run ${ref}: no such run directory (nor ${underRuns})`, {
    hint: 'Pass the directory `odoo-capacity run` printed, e.g. --run runs/<id>.',
  });
}

export async function readPlanFile(file: string, runDir?: string): Promise<PlanJson> {
  const plan = runDir ? `\`odoo-capacity plan --run ${runDir}\`` : '`odoo-capacity plan`';
  const remedy = { missing: `run ${plan} first`, invalid: `write it again with ${plan}` };
  return readVersionedJson(file, planSchema, PLAN_SCHEMA_VERSION, remedy);
}

export async function readPlannedRun(dir: string): Promise<PlannedRun> {
  const run = await readRun(dir);
  const plan = await readPlanFile(join(dir, 'plan.json'), dir);
  return { ...run, plan };
}

/** --compare: a run directory (its plan.json when present) or a plan.json file. */
export async function readBaseline(ref: string, runsDir: string): Promise<Baseline> {
  if (!(await isDirectory(ref)) && basename(ref).endsWith('.json'))
    return { kind: 'plan', source: ref, plan: await readPlanFile(ref) };
  const dir = await resolveRunDir(ref, runsDir).catch(() => {
    throw new BadInputError(`--compare ${ref}: neither a run directory nor a plan.json`, {
      hint: 'Pass last quarter’s run directory (runs/<id>) or its plan.json.',
    });
  });
  const run = await readRun(dir);
  const planFile = join(dir, 'plan.json');
  const plan = (await stat(planFile).catch(() => undefined))
    ? await readPlanFile(planFile, dir)
    : undefined;
  return { kind: 'run', source: dir, run, ...(plan ? { plan } : {}) };
}
