// Reads what a report is made from: a run directory (run.json, its steps' step.json) and its
// plan.json, or a lone plan.json for --compare. Each missing or malformed file is one BadInputError
// naming the file and the command to run first.
// TODO(runner): switch to the readers of src/core/run-dir.ts when the runner lands them.
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { BadInputError } from '../core/errors.js';
import { validate } from '../core/load-yaml.js';
import { RUN_SCHEMA_VERSION, type RunJson, type StepJson } from '../core/run-types.js';
import { PLAN_SCHEMA_VERSION, type PlanJson } from '../core/plan-types.js';

export interface RunBundle {
  dir: string;
  run: RunJson;
  /** The steps run.json lists, in ladder order. */
  steps: StepJson[];
}

export interface PlannedRun extends RunBundle {
  plan: PlanJson;
}

/** What --compare points at: a run (with its plan when it has one) or a lone plan.json. */
export type Baseline =
  | { kind: 'run'; source: string; bundle: RunBundle; plan?: PlanJson }
  | { kind: 'plan'; source: string; plan: PlanJson };

// The fields the report reads, checked at the edge; the writers own the full types.
const runShape = z.looseObject({
  id: z.string(),
  status: z.enum(['running', 'complete', 'partial', 'failed']),
  ladder: z.looseObject({ profile: z.string(), model: z.enum(['open', 'closed']) }),
  target: z.looseObject({ url: z.string(), db: z.string() }),
  steps: z.array(z.looseObject({ index: z.number(), label: z.string(), dir: z.string() })),
});

const stepShape = z.looseObject({
  label: z.string(),
  valid: z.boolean(),
  load: z.looseObject({ model: z.enum(['open', 'closed']) }),
  classes: z.record(z.string(), z.looseObject({ throughput: z.number() })),
  database: z.looseObject({ databases: z.array(z.looseObject({ datname: z.string() })) }),
});

const planShape = z.looseObject({
  kind: z.literal('odoo-capacity-plan'),
  generatedAt: z.string(),
  runs: z.array(z.looseObject({ id: z.string() })),
  environment: z.looseObject({ name: z.string() }),
  headroom: z.looseObject({ targetUtilisation: z.number() }),
  forecast: z.looseObject({
    peak: z.looseObject({ name: z.string() }),
    peakRates: z.looseObject({}),
  }),
  fits: z.array(z.looseObject({ scope: z.string(), curve: z.array(z.looseObject({})) })),
  workers: z.array(z.looseObject({ pool: z.string() })),
  connections: z.looseObject({ maxConnections: z.number() }),
  nodePools: z.array(z.looseObject({ pool: z.string(), packing: z.looseObject({}) })),
  database: z.looseObject({ vcpu: z.looseObject({}), memory: z.looseObject({}) }),
  runway: z.looseObject({ currentCapacity: z.looseObject({}) }),
  tenants: z.array(z.looseObject({ tenant: z.string() })).nullable(),
  feasibility: z.looseObject({ feasible: z.boolean() }),
  assumptions: z.array(z.string()),
  warnings: z.array(z.string()),
});

/** What to do when a file is missing or does not fit: the command that writes it. */
interface Remedy {
  missing: string;
  invalid: string;
}

async function readJson(file: string, remedy: Remedy): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BadInputError(`${file}: not found; ${remedy.missing}`);
    throw new BadInputError(`${file}: cannot read (${code ?? 'error'})`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`${file}: not valid JSON (${(error as Error).message})`, {
      hint: `The file was cut short or edited by hand; ${remedy.invalid}.`,
      cause: error,
    });
  }
}

/** Checks the schema version first (a clear line for a file from another release), then the shape. */
function checkShape<S extends z.ZodType>(
  schema: S,
  version: number,
  data: unknown,
  file: string,
  remedy: Remedy,
): z.infer<S> {
  const found = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (found !== version)
    throw new BadInputError(
      `${file}: schemaVersion ${JSON.stringify(found)} is not supported (this odoo-capacity reads version ${version})`,
      { hint: `It was written by another release; ${remedy.invalid}.` },
    );
  try {
    return validate(schema, data, file);
  } catch (error) {
    throw new BadInputError((error as Error).message, { hint: `${remedy.invalid}.` });
  }
}

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

export async function readRunBundle(dir: string): Promise<RunBundle> {
  const runFile = join(dir, 'run.json');
  const runRemedy = {
    missing: `${dir} is not a run directory (run a ladder first with \`odoo-capacity run\` and pass the directory it prints)`,
    invalid: 'run the ladder again with `odoo-capacity run`',
  };
  const run = checkShape(
    runShape,
    RUN_SCHEMA_VERSION,
    await readJson(runFile, runRemedy),
    runFile,
    runRemedy,
  ) as unknown as RunJson;
  const steps: StepJson[] = [];
  for (const entry of run.steps) {
    const stepFile = join(dir, entry.dir, 'step.json');
    const stepRemedy = {
      missing: `run.json lists step ${entry.label}; continue the run with \`odoo-capacity run --resume\``,
      invalid: 'run the ladder again with `odoo-capacity run`',
    };
    const step = checkShape(
      stepShape,
      RUN_SCHEMA_VERSION,
      await readJson(stepFile, stepRemedy),
      stepFile,
      stepRemedy,
    );
    steps.push(step as unknown as StepJson);
  }
  if (steps.length === 0)
    throw new BadInputError(
      `${runFile}: the run has no finished step; run the ladder again with \`odoo-capacity run\``,
    );
  return { dir, run, steps };
}

export async function readPlanFile(file: string, runDir?: string): Promise<PlanJson> {
  const plan = runDir ? `\`odoo-capacity plan --run ${runDir}\`` : '`odoo-capacity plan`';
  const remedy = { missing: `run ${plan} first`, invalid: `write it again with ${plan}` };
  return checkShape(
    planShape,
    PLAN_SCHEMA_VERSION,
    await readJson(file, remedy),
    file,
    remedy,
  ) as unknown as PlanJson;
}

export async function readPlannedRun(dir: string): Promise<PlannedRun> {
  const bundle = await readRunBundle(dir);
  const plan = await readPlanFile(join(dir, 'plan.json'), dir);
  return { ...bundle, plan };
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
  const bundle = await readRunBundle(dir);
  const planFile = join(dir, 'plan.json');
  const plan = (await stat(planFile).catch(() => undefined))
    ? await readPlanFile(planFile, dir)
    : undefined;
  return { kind: 'run', source: dir, bundle, ...(plan ? { plan } : {}) };
}
