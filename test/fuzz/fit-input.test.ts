// Fuzzing `fit`'s CSV and JSON readers in-process: the fit prints (exit 0) or one line names the
// file (exit 2), even for numbers the fit cannot take.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UslFitSummary } from '../../src/core/plan-types.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/in-process-cli.js';
import { expectCleanOutcome } from './invariants.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oc-fuzz-fit-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(ext: string, text: string): Promise<string> {
  const path = join(dir, `m${++n}.${ext}`);
  await writeFile(path, text);
  return path;
}

const SEED = 20261204;
const numberText = fc.oneof(
  fc.double({ noNaN: false }).map(String),
  fc.integer({ min: -10, max: 10_000 }).map(String),
  fc.double({ min: 1e-6, max: 1e9, noNaN: true }).map(String),
  fc.constantFrom(
    '',
    ' ',
    'NaN',
    'Infinity',
    '-0',
    '1e308',
    '1e-300',
    '0x10',
    ' 5 ',
    '1_000',
    '1,5',
  ),
  fc.string({ maxLength: 8 }),
);
const header = fc.oneof(
  fc.constant('concurrency,throughput'),
  fc.constant('throughput,concurrency,note'),
  fc.constant('# measured on staging\nConcurrency , Throughput'),
  fc.string({ maxLength: 20 }),
);
const csv = fc
  .tuple(
    header,
    fc.array(fc.array(numberText, { minLength: 0, maxLength: 4 }), { maxLength: 12 }),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([h, rows, eol]) => [h, ...rows.map((r) => r.join(','))].join(eol));
/** Well-formed measurements in the range a fit takes: it fits, or says it needs more points. */
const goodCsv = fc
  .array(
    fc.tuple(
      fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
      fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
    ),
    { maxLength: 12 },
  )
  .map((rows) => ['concurrency,throughput', ...rows.map(([c, x]) => `${c},${x}`)].join('\n'));
/** Positive measurements, some degenerate: the fit must refuse them, never print NaN. */
const positive = fc.oneof(
  fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
  fc.constantFrom(1e308, 1.7976931348623157e308, 1e-300, 5e-324, 1e15, 1e-9),
);
const extremeCsv = fc
  .array(fc.tuple(positive, positive), { minLength: 4, maxLength: 8 })
  .map((rows) => ['concurrency,throughput', ...rows.map(([c, x]) => `${c},${x}`)].join('\n'));
const json = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .array(
      fc.record({
        concurrency: fc.oneof(fc.double(), fc.string(), fc.constant(null)),
        throughput: fc.oneof(fc.double(), fc.string(), fc.constant(null)),
      }),
      { maxLength: 10 },
    )
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }),
);

/** A fit whose numbers are all numbers (JSON writes NaN as null), or one line naming the file. */
function expectFitOrOneLine(result: CliResult, path: string): void {
  expectCleanOutcome(result, [0, 2], path);
  if (result.code !== 0) return;
  const fit = JSON.parse(result.stdout) as UslFitSummary;
  for (const v of [fit.r2, fit.coefficients.sigma, fit.coefficients.kappa, fit.coefficients.lambda])
    expect(typeof v, result.stdout.slice(0, 300)).toBe('number');
}

describe('fuzz: fit reads any file without crashing', () => {
  it('CSV', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(csv, goodCsv, extremeCsv), async (text) => {
        const path = await file('csv', text);
        expectFitOrOneLine(await runCliInProcess(['fit', '--model', 'usl', path, '--json']), path);
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('JSON', async () => {
    await fc.assert(
      fc.asyncProperty(json, async (text) => {
        const path = await file('json', text);
        expectFitOrOneLine(await runCliInProcess(['fit', '--model', 'usl', path, '--json']), path);
      }),
      { numRuns: 200, seed: SEED },
    );
  });

  it('the built CLI agrees with the in-process one on a few samples', async () => {
    const samples = fc.sample(fc.oneof(csv, goodCsv), { numRuns: 4, seed: SEED });
    for (const text of samples) {
      const path = await file('csv', text);
      const inProcess = await runCliInProcess(['fit', '--model', 'usl', path]);
      const real = await runCli(['fit', '--model', 'usl', path]);
      expectCleanOutcome(real, [0, 2], path);
      expect(real.code).toBe(inProcess.code);
      expect(real.stderr).toBe(inProcess.stderr);
    }
  });
});
