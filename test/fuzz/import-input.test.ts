// Fuzzing `run --import` in-process on a real k6 output with one thing made hostile: imported, or
// one line naming the file (exit 2); never a stack trace or a run left `running`.
import { gunzipSync } from 'node:zlib';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/in-process-cli.js';
import { expectCleanOutcome } from './invariants.js';
import { mutate, mutation } from './mutate.js';

const FIXTURE = join(
  import.meta.dirname,
  '..',
  'fixtures',
  'k6',
  'month-end-billing-odoo17-retried.ndjson.gz',
);
const SEED = 20261204;

let root: string;
let from: string;
let lines: string[];
let n = 0;
const descriptor = {
  schemaVersion: 1,
  runId: 'fuzz-import',
  ladder: {
    profile: 'month-end-billing',
    model: 'open',
    steps: [{ label: 'rate-1', rate: 1 }],
    warmupSeconds: 1,
    holdSeconds: 5,
    segments: 1,
    caps: { maxRate: 10, maxVus: 10, maxSeconds: 600, maxErrorRate: 0.05 },
  },
  target: { url: 'http://127.0.0.1:8069', db: 'lab', user: 'admin', auth: 'password' },
  script: 'scenarios/month-end-billing.ts',
  k6Version: 'v2.2.0',
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-fuzz-import-'));
  from = join(root, 'from');
  await mkdir(join(from, '01-rate-1'), { recursive: true });
  lines = gunzipSync(await readFile(FIXTURE))
    .toString('utf8')
    .trimEnd()
    .split('\n');
});
afterAll(() => rm(root, { recursive: true, force: true }));

interface Folder {
  descriptor: string;
  output: string;
  summary?: string;
}

async function importFolder(folder: Folder) {
  await writeFile(join(from, 'import.json'), folder.descriptor);
  await writeFile(join(from, '01-rate-1', 'pod-0.ndjson'), folder.output);
  const summary = join(from, '01-rate-1', 'pod-0.summary.json');
  if (folder.summary !== undefined) await writeFile(summary, folder.summary);
  else await rm(summary, { force: true });
  const runs = join(root, 'runs');
  return {
    result: await runCliInProcess(['run', '--import', from, '--runs-dir', runs, '--id', `i${++n}`]),
    runJson: join(runs, `i${n}`, 'run.json'),
  };
}

const hostileDescriptor = fc.oneof(
  { weight: 4, arbitrary: mutation.map((m) => JSON.stringify(mutate(descriptor, m))) },
  { weight: 1, arbitrary: fc.string() },
);
const hostileOutput = fc
  .tuple(
    fc.nat(),
    fc.oneof(
      mutation.map((m) => ({ kind: 'mutation' as const, m })),
      fc.string().map((t) => ({ kind: 'text' as const, t })),
    ),
  )
  .map(([at, change]) => {
    const copy = [...lines];
    const i = at % copy.length;
    copy[i] =
      change.kind === 'text'
        ? change.t
        : JSON.stringify(mutate(JSON.parse(copy[i]!) as unknown, change.m));
    return copy.join('\n') + '\n';
  });

describe('fuzz: run --import reads any pod outputs without crashing', () => {
  it('import.json, a line of k6 output, or a summary made hostile', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileDescriptor.map((d) => ({ descriptor: d, output: lines.join('\n') })),
          hostileOutput.map((o) => ({ descriptor: JSON.stringify(descriptor), output: o })),
          fc.string().map((s) => ({
            descriptor: JSON.stringify(descriptor),
            output: lines.join('\n'),
            summary: s,
          })),
        ),
        async (folder: Folder) => {
          const { result, runJson } = await importFolder(folder);
          expectCleanOutcome(result, [0, 1, 2], from);
          const run = await readFile(runJson, 'utf8').catch(() => undefined);
          if (run !== undefined) expect(JSON.parse(run).status).not.toBe('running');
        },
      ),
      { numRuns: 150, seed: SEED },
    );
  });

  it.each([
    ['a time that is no time', { time: '2026-99-99T99:99:99Z' }],
    ['a number for a time', { time: 5 }],
    ['a value that is text', { value: '1' }],
    ['tags that are a list', { tags: ['hold'] }],
  ])('a hold sample with %s is one line naming the file and line, exit 2', async (_, data) => {
    const at = lines.findIndex((l) => l.includes('"oc_transactions","type":"Point"'));
    const copy = [...lines];
    const sample = JSON.parse(copy[at]!) as { data: Record<string, unknown> };
    copy[at] = JSON.stringify({ ...sample, data: { ...sample.data, ...data } });
    const { result } = await importFolder({
      descriptor: JSON.stringify(descriptor),
      output: copy.join('\n') + '\n',
    });
    expectCleanOutcome(
      result,
      [2],
      new RegExp(`pod-0\\.ndjson:${at + 1}: not a line of k6 JSON output`),
    );
  });
});
