// Fuzzing the ladder and workload files `run` reads, in-process: files that pass end at the
// preflight on a closed port (exit 3), the rest are one line naming the file (exit 2).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runCliInProcess } from '../helpers/in-process-cli.js';
import { expectCleanOutcome } from './invariants.js';
import { mutate, mutation } from './mutate.js';

const MODELS = join(import.meta.dirname, '..', '..', 'models');
const SEED = 20261204;
const TARGET = { ODOO_URL: 'http://127.0.0.1:9', ODOO_DB: 'lab', ODOO_PASSWORD: 'fuzz-pw-7d1e5a' };

let root: string;
let saved: Record<string, string | undefined>;
const sources: Record<'ladder' | 'workload', string> = { ladder: '', workload: '' };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-fuzz-ladder-'));
  sources.ladder = await readFile(join(MODELS, 'ladders', 'peak-mix.yaml'), 'utf8');
  sources.workload = await readFile(join(MODELS, 'workload', 'default.yaml'), 'utf8');
  saved = Object.fromEntries(
    [...Object.keys(TARGET), 'ODOO_API_KEY', 'ODOO_USER', 'PGURL'].map((k) => [k, process.env[k]]),
  );
  delete process.env.ODOO_API_KEY;
  delete process.env.PGURL;
  Object.assign(process.env, TARGET);
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await rm(root, { recursive: true, force: true });
});

/** YAML block text; JSON (flow YAML) where the value nests too deep for the YAML printer. */
function yamlText(value: unknown): string {
  try {
    return stringify(value);
  } catch {
    return JSON.stringify(value);
  }
}

let n = 0;

describe('fuzz: run reads any ladder and workload file without crashing', () => {
  it('a ladder or a workload with one value made hostile, or raw text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('ladder' as const, 'workload' as const),
        fc.oneof(
          { weight: 4, arbitrary: mutation.map((m) => ({ kind: 'mutation' as const, m })) },
          { weight: 1, arbitrary: fc.string().map((t) => ({ kind: 'text' as const, t })) },
        ),
        async (which, change) => {
          const files = {
            ladder: join(MODELS, 'ladders', 'peak-mix.yaml'),
            workload: join(MODELS, 'workload', 'default.yaml'),
          };
          files[which] = join(root, `${which}-${++n}.yaml`);
          await writeFile(
            files[which],
            change.kind === 'text' ? change.t : yamlText(mutate(parse(sources[which]), change.m)),
          );
          const args = ['run', '--ladder', files.ladder, '--workload', files.workload];
          args.push('--models', MODELS, '--runs-dir', join(root, 'runs'), '--no-seed');
          expectCleanOutcome(await runCliInProcess(args), [2, 3], /./);
        },
      ),
      { numRuns: 120, seed: SEED },
    );
  });
});
