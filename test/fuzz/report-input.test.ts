// Fuzzing the plan.json `report` reads (the run's own, or --compare's) in-process: written
// (exit 0), or one line naming the file and the field (exit 2).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { writeSyntheticRun } from '../fixtures/report/synthetic-run.js';
import { runCliInProcess } from '../helpers/in-process-cli.js';
import { expectCleanOutcome } from './invariants.js';
import { mutate, mutation } from './mutate.js';

const SEED = 20261204;
let root: string;
let run: string;
let planFile: string;
let plan: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-fuzz-report-'));
  run = await writeSyntheticRun(join(root, 'run'), 'q3', {});
  planFile = join(run, 'plan.json');
  plan = await readFile(planFile, 'utf8');
});
afterAll(() => rm(root, { recursive: true, force: true }));

const hostilePlan = fc.oneof(
  { weight: 5, arbitrary: mutation.map((m) => JSON.stringify(mutate(JSON.parse(plan), m))) },
  { weight: 1, arbitrary: fc.string() },
);

describe('fuzz: report reads any plan.json without crashing', () => {
  it("the run's own plan.json", async () => {
    await fc.assert(
      fc.asyncProperty(hostilePlan, async (text) => {
        await writeFile(planFile, text);
        const out = join(root, 'out');
        expectCleanOutcome(
          await runCliInProcess(['report', '--run', run, '--out', out]),
          [0, 2],
          root,
        );
      }),
      { numRuns: 150, seed: SEED },
    );
    await writeFile(planFile, plan);
  });

  it('a plan.json given to --compare', async () => {
    const baseline = join(root, 'baseline-plan.json');
    await fc.assert(
      fc.asyncProperty(hostilePlan, async (text) => {
        await writeFile(baseline, text);
        const args = ['report', '--run', run, '--compare', baseline, '--out', join(root, 'out')];
        expectCleanOutcome(await runCliInProcess(args), [0, 2], root);
      }),
      { numRuns: 100, seed: SEED + 1 },
    );
  });
});
