// Reads run directories (run.json + steps/*/step.json) for the planner commands, checking the
// schema version. Step folders in run.json are relative to the run directory (steps/NN-label).
// Stands in until the runner's readers (src/core/run-dir.ts) land on main.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../core/errors.js';
import { RUN_SCHEMA_VERSION, type RunJson, type StepJson } from '../core/run-types.js';
import type { RunData } from '../planner/measurements.js';

async function readJson<T extends { schemaVersion?: unknown }>(file: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BadInputError(`${file}: cannot read (${code ?? 'error'})`, {
      hint: code === 'ENOENT' ? 'Pass a run directory written by `odoo-capacity run`.' : undefined,
    });
  }
  let value: T;
  try {
    value = JSON.parse(text) as T;
  } catch (error) {
    throw new BadInputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (value?.schemaVersion !== RUN_SCHEMA_VERSION)
    throw new BadInputError(
      `${file}: schemaVersion ${String(value?.schemaVersion)} is not ${RUN_SCHEMA_VERSION}`,
      { hint: 'Re-run the ladder with this version of odoo-capacity.' },
    );
  return value;
}

export async function readRun(dir: string): Promise<RunData> {
  const run = await readJson<RunJson>(join(dir, 'run.json'));
  const steps = await Promise.all(
    run.steps.map(async (s) => ({
      dir: s.dir,
      step: await readJson<StepJson>(join(dir, s.dir, 'step.json')),
    })),
  );
  if (steps.length === 0) throw new BadInputError(`${join(dir, 'run.json')}: the run has no steps`);
  return { run, dir, steps };
}
