// The run directory (docs/architecture.md): written so that an interruption never leaves a
// half-written file or step, read back with schemaVersion checks through readRun().
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic, writeFileAtomic } from './atomic-write.js';
import { BadInputError } from './errors.js';
import type { z } from 'zod';
import { histogramsSchema, runSchema, stepSchema } from './run-types.js';
import { readVersionedJson } from './versioned-json.js';
import {
  RUN_SCHEMA_VERSION,
  type HistogramsJson,
  type RunJson,
  type RunOnDisk,
  type StepJson,
} from './run-types.js';

export const RUN_FILE = 'run.json';
export const STEPS_DIR = 'steps';
export const STEP_FILES = {
  step: 'step.json',
  k6Summary: 'k6-summary.json',
  histograms: 'histograms.json',
  pgBefore: 'pg-before.json',
  pgAfter: 'pg-after.json',
  pgSamples: 'pg-samples.ndjson',
} as const;
// A running step is staged in steps/.<NN>-<label>.partial/ (k6 writes there) and renamed to
// steps/<NN>-<label>/ once complete: a step folder either is complete or does not exist.
const PARTIAL_SUFFIX = '.partial';
/** runs/<id>/.lock: the pid of the runner process that has the run in hand. */
export const LOCK_FILE = '.lock';

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the live process running this run, or undefined (none, or it died). */
export async function liveRunner(runDir: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(join(runDir, LOCK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 && pidAlive(pid) ? pid : undefined;
}

/** The staging folders of steps that never finished (an interrupted or killed runner's). */
export async function partialStepDirs(runDir: string): Promise<string[]> {
  const steps = join(runDir, STEPS_DIR);
  if (!existsSync(steps)) return [];
  return (await readdir(steps))
    .filter((entry) => entry.endsWith(PARTIAL_SUFFIX))
    .map((entry) => join(steps, entry));
}

/** steps/<NN>-<label>, NN the 1-based index on two digits. */
export function stepDirName(index: number, label: string): string {
  return `${String(index).padStart(2, '0')}-${label}`;
}

/** Creates runs/<id>/ for a new run; an existing one is never overwritten. */
export async function createRunDir(runsDir: string, id: string): Promise<string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id)) {
    throw new BadInputError(`run id "${id}": use letters, digits, dots, dashes and underscores`, {
      hint: 'The id names the folder runs/<id>.',
    });
  }
  const dir = join(runsDir, id);
  if (existsSync(dir)) {
    throw new BadInputError(`${dir}: a run with this id already exists`, {
      hint: 'Choose another --id, or continue it with --resume.',
    });
  }
  await mkdir(join(dir, STEPS_DIR), { recursive: true });
  return dir;
}

export function writeRunJson(runDir: string, run: RunJson): Promise<void> {
  return writeJsonAtomic(join(runDir, RUN_FILE), run);
}

/** The staging folder of a step about to run, emptied if an earlier attempt left one. */
export async function beginStep(runDir: string, index: number, label: string): Promise<string> {
  const staging = join(runDir, STEPS_DIR, `.${stepDirName(index, label)}${PARTIAL_SUFFIX}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  return staging;
}

export interface StepDocuments {
  step: StepJson;
  histograms: HistogramsJson;
  /** k6's --summary-export (one document, or one per segment). */
  k6Summary: unknown;
  pgBefore?: unknown;
  pgAfter?: unknown;
  /** One document per line of pg-samples.ndjson. */
  pgSamples?: readonly unknown[];
}

/**
 * Writes the step's documents into its staging folder, removes everything else there (k6's raw
 * outputs, unless keep names them), and renames the folder into place. Returns the step folder
 * relative to the run directory.
 */
export async function commitStep(
  runDir: string,
  staging: string,
  docs: StepDocuments,
  keep: readonly string[] = [],
): Promise<string> {
  const written: string[] = [STEP_FILES.k6Summary, STEP_FILES.histograms];
  await writeJsonAtomic(join(staging, STEP_FILES.k6Summary), docs.k6Summary);
  await writeJsonAtomic(join(staging, STEP_FILES.histograms), docs.histograms);
  if (docs.pgBefore !== undefined) {
    await writeJsonAtomic(join(staging, STEP_FILES.pgBefore), docs.pgBefore);
    written.push(STEP_FILES.pgBefore);
  }
  if (docs.pgAfter !== undefined) {
    await writeJsonAtomic(join(staging, STEP_FILES.pgAfter), docs.pgAfter);
    written.push(STEP_FILES.pgAfter);
  }
  if (docs.pgSamples !== undefined) {
    const lines = docs.pgSamples.map((s) => JSON.stringify(s) + '\n').join('');
    await writeFileAtomic(join(staging, STEP_FILES.pgSamples), lines);
    written.push(STEP_FILES.pgSamples);
  }
  await writeJsonAtomic(join(staging, STEP_FILES.step), docs.step);
  written.push(STEP_FILES.step, ...keep);
  for (const entry of await readdir(staging)) {
    if (!written.includes(entry)) await rm(join(staging, entry), { recursive: true, force: true });
  }
  const name = stepDirName(docs.step.index, docs.step.label);
  const final = join(runDir, STEPS_DIR, name);
  await rm(final, { recursive: true, force: true });
  await rename(staging, final);
  return join(STEPS_DIR, name);
}

/** Removes what an interrupted step left (staging folders); finished steps stay. */
export async function discardPartialSteps(runDir: string): Promise<void> {
  for (const dir of await partialStepDirs(runDir)) await rm(dir, { recursive: true, force: true });
}

const AGAIN = 'run the ladder again with `odoo-capacity run`';

export async function readRunJson(runDir: string): Promise<RunJson> {
  const run = await readVersionedJson(join(runDir, RUN_FILE), runSchema, RUN_SCHEMA_VERSION, {
    missing: `${runDir} is not a run directory (run a ladder first with \`odoo-capacity run\` and pass the directory it prints)`,
    invalid: AGAIN,
  });
  return run;
}

/** One of a step's files, which run.json says is finished. */
async function readStepFile<S extends z.ZodType>(
  runDir: string,
  stepDir: string,
  name: string,
  shape: S,
): Promise<z.infer<S>> {
  return readVersionedJson(join(runDir, stepDir, name), shape, RUN_SCHEMA_VERSION, {
    missing: `run.json lists step ${stepDir}; continue the run with \`odoo-capacity run --resume\``,
    invalid: AGAIN,
  });
}

export async function readStepJson(runDir: string, stepDir: string): Promise<StepJson> {
  return readStepFile(runDir, stepDir, STEP_FILES.step, stepSchema);
}

export async function readHistograms(runDir: string, stepDir: string): Promise<HistogramsJson> {
  return readStepFile(runDir, stepDir, STEP_FILES.histograms, histogramsSchema);
}

/** A whole run as the planner and the reports read it: run.json and every finished step. */
export async function readRun(runDir: string): Promise<RunOnDisk> {
  const run = await readRunJson(runDir);
  if (run.status === 'running') {
    const runner = await liveRunner(runDir);
    throw new BadInputError(
      runner !== undefined
        ? `${join(runDir, RUN_FILE)}: the run is still in progress in process ${runner}; plan it once it ends`
        : `${join(runDir, RUN_FILE)}: the run was interrupted: it says running, but its runner is gone (killed, or the machine stopped)`,
      {
        hint:
          runner !== undefined
            ? 'Wait for `odoo-capacity run` to finish.'
            : `Continue it with \`odoo-capacity run --resume ${run.id}\`; its finished steps are kept.`,
      },
    );
  }
  if (run.steps.length === 0) {
    throw new BadInputError(
      `${join(runDir, RUN_FILE)}: the run has no finished step; continue it with \`odoo-capacity run --resume <id>\`, or ${AGAIN}`,
    );
  }
  const steps = [];
  for (const entry of run.steps) {
    steps.push({
      dir: entry.dir,
      step: await readStepJson(runDir, entry.dir),
      histograms: await readHistograms(runDir, entry.dir),
    });
  }
  return { dir: runDir, run, steps };
}
