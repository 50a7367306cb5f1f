// Fuzzing what `plan` reads (models and a run directory) in-process, a few samples through the
// built CLI: exit 0 or 1 with a plan, or 2 with one line naming a file.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/in-process-cli.js';
import { ORDER_WAVE, syntheticRun, writeRunDir } from '../helpers/synthetic-run.js';
import { expectCleanOutcome } from './invariants.js';
import { mutate, mutation } from './mutate.js';

const MODELS = join(import.meta.dirname, '..', '..', 'models');
const SEED = 20261204;
const MODEL_FILES = [
  'environment.yaml',
  'forecast.yaml',
  'nodes.yaml',
  'slo.yaml',
  'tenants.yaml',
  'tenancy.yaml',
];

let root: string;
let models: string;
let run: string;
const original = new Map<string, string>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-fuzz-plan-'));
  models = join(root, 'models');
  await cp(MODELS, models, { recursive: true });
  run = await writeRunDir(
    join(root, 'runs'),
    syntheticRun({ id: 'fuzz', classes: [ORDER_WAVE], rates: [1, 2, 3, 4, 5, 6, 7], workers: 2 }),
  );
  // plan writes plan.json into the run: written once here, so every iteration reads the same run.
  for (const file of [
    ...MODEL_FILES.map((f) => join(models, f)),
    join(run, 'run.json'),
    join(run, 'steps', '03-rate-3', 'step.json'),
    join(run, 'steps', '03-rate-3', 'histograms.json'),
  ])
    original.set(file, await readFile(file, 'utf8'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Writes text into file for one plan, then puts the original back. */
async function planWith(file: string, text: string, cli = runCliInProcess) {
  await writeFile(file, text);
  try {
    return await cli(['plan', '--run', run, '--models', models, '--as-of', '2026-03-01']);
  } finally {
    await writeFile(file, original.get(file)!);
  }
}

/** YAML block text; JSON (flow YAML) where the value nests too deep for the YAML printer. */
function yamlText(value: unknown): string {
  try {
    return stringify(value);
  } catch {
    return JSON.stringify(value);
  }
}

const yamlTokens = fc
  .array(
    fc.constantFrom(
      '&a ',
      '*a',
      '<<: *a',
      '[',
      ']',
      '{',
      '}',
      ': ',
      '- ',
      '\n',
      '  ',
      '!!binary ',
      '!!js/function ',
      '"',
      "'",
      '#',
      '---\n',
      '...\n',
      'peak',
      '1e308',
      '-1',
      '~',
      '\t',
      '? ',
      '|\n',
      '%YAML 1.1\n',
    ),
    { maxLength: 40 },
  )
  .map((t) => t.join(''));

describe('fuzz: plan reads any models and run directory without crashing', () => {
  it('models/*.yaml with one value made hostile, or raw YAML-ish text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...MODEL_FILES),
        fc.oneof(
          { weight: 3, arbitrary: mutation.map((m) => ({ kind: 'mutation' as const, m })) },
          { weight: 1, arbitrary: yamlTokens.map((t) => ({ kind: 'text' as const, t })) },
          { weight: 1, arbitrary: fc.string().map((t) => ({ kind: 'text' as const, t })) },
        ),
        async (name, change) => {
          const file = join(models, name);
          const text =
            change.kind === 'text'
              ? change.t
              : yamlText(mutate(parse(original.get(file)!) as unknown, change.m));
          expectCleanOutcome(await planWith(file, text), [0, 1, 2], root);
        },
      ),
      { numRuns: 80, seed: SEED },
    );
  });

  it('run.json, step.json and histograms.json with one value made hostile, or raw text', async () => {
    const files = [...original.keys()].filter((f) => f.endsWith('.json'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...files),
        fc.oneof(
          { weight: 4, arbitrary: mutation.map((m) => ({ kind: 'mutation' as const, m })) },
          { weight: 1, arbitrary: fc.string().map((t) => ({ kind: 'text' as const, t })) },
        ),
        async (file, change) => {
          const text =
            change.kind === 'text'
              ? change.t
              : JSON.stringify(mutate(JSON.parse(original.get(file)!) as unknown, change.m));
          expectCleanOutcome(await planWith(file, text), [0, 1, 2], root);
        },
      ),
      { numRuns: 120, seed: SEED },
    );
  });

  it('the built CLI agrees with the in-process one on a few samples', async () => {
    const step = join(run, 'steps', '03-rate-3', 'step.json');
    const doc = JSON.parse(original.get(step)!) as unknown;
    for (const m of fc.sample(mutation, { numRuns: 3, seed: SEED })) {
      const text = JSON.stringify(mutate(doc, m));
      const inProcess = await planWith(step, text);
      const real = await planWith(step, text, (args) => runCli(args));
      expectCleanOutcome(real, [0, 1, 2], root);
      expect(real.code).toBe(inProcess.code);
    }
  });
});
