// Hostile and careless input through the built CLI (a YAML alias bomb, a hand-edited step.json,
// degenerate numbers): one line naming file and field, exit 2, never a stack trace.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasStackTrace, runCli, type CliResult } from '../helpers/cli.js';
import { ORDER_WAVE, syntheticRun, writeRunDir } from '../helpers/synthetic-run.js';

const MODELS = join(import.meta.dirname, '..', '..', 'models');
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-hostile-'));
});

function expectBadInput(result: CliResult, message: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(hasStackTrace(result.stderr)).toBe(false);
  expect(result.stderr).not.toMatch(/internal error/);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
  // The error line, and at most a hint.
  expect(lines.length).toBeLessThanOrEqual(2);
}

async function runDir(id: string): Promise<string> {
  return writeRunDir(
    join(root, 'runs'),
    syntheticRun({ id, classes: [ORDER_WAVE], rates: [1, 2, 3, 4, 5, 6, 7], workers: 2 }),
  );
}

const BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  .concat(
    ['b', 'c', 'd', 'e', 'f', 'g', 'h'].map(
      (k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`,
    ),
  )
  .join('\n');

describe('hostile input', () => {
  it('a YAML alias bomb in models/ is one line naming the file, exit 2', async () => {
    const models = join(root, 'bomb-models');
    await cp(MODELS, models, { recursive: true });
    await writeFile(join(models, 'forecast.yaml'), BOMB + '\n');
    const dir = await runDir('bomb');
    const result = await runCli(['plan', '--run', dir, '--models', models]);
    expectBadInput(result, /forecast\.yaml: YAML aliases expand too far/);
  });

  it('a hand-edited step.json (a class without latency) is one line naming the field, exit 2', async () => {
    const dir = await runDir('edited');
    const file = join(dir, 'steps', '02-rate-2', 'step.json');
    const step = JSON.parse(await readFile(file, 'utf8')) as {
      classes: Record<string, Record<string, unknown>>;
    };
    delete step.classes['order-wave']!.latency;
    await writeFile(file, JSON.stringify(step));
    for (const command of [
      ['plan', '--run', dir, '--models', MODELS],
      ['report', '--run', dir],
    ]) {
      const result = await runCli(command);
      expectBadInput(result, /02-rate-2\/step\.json: classes\.order-wave\.latency: /);
    }
  });

  it('a negative throughput in step.json never feeds a fit', async () => {
    const dir = await runDir('negative');
    const file = join(dir, 'steps', '03-rate-3', 'step.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/"throughput": 3\b/, '"throughput": -3'));
    const result = await runCli(['plan', '--run', dir, '--models', MODELS]);
    expectBadInput(result, /03-rate-3\/step\.json: classes\.order-wave\.throughput: /);
  });

  it('concurrency: null and a throughput of 1e999 (Infinity) are refused by name', async () => {
    const dir = await runDir('null');
    const file = join(dir, 'steps', '01-rate-1', 'step.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/"concurrency": \{[^}]*\}/, '"concurrency": null'));
    expectBadInput(
      await runCli(['plan', '--run', dir, '--models', MODELS]),
      /01-rate-1\/step\.json: classes\.order-wave\.concurrency: /,
    );
    await writeFile(file, text.replace(/"throughput": 1\b/, '"throughput": 1e999'));
    expectBadInput(
      await runCli(['plan', '--run', dir, '--models', MODELS]),
      /01-rate-1\/step\.json: classes\.order-wave\.throughput: /,
    );
  });

  it.each([
    ['1e308', /:3: throughput: 1e\+308 is out of range/],
    ['1e-300', /:3: throughput: 1e-300 is out of range/],
  ])('fit with a throughput of %s is refused in one line, exit 2', async (value, message) => {
    const file = join(root, `fit-${value}.csv`);
    await writeFile(file, `concurrency,throughput\n1,10\n2,${value}\n4,30\n8,35\n16,30\n`);
    expectBadInput(await runCli(['fit', '--model', 'usl', file]), message);
    const json = join(root, `fit-${value}.json`);
    await writeFile(json, `[{"concurrency":1,"throughput":${value}}]`);
    expectBadInput(await runCli(['fit', '--model', 'usl', json]), /throughput: .* is out of range/);
  });
});
