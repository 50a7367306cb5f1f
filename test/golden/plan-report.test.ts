// The built `plan` and `report` on a real demo run (test/fixtures/golden-run) write plan.json, report.md
// and report.json byte for byte as test/fixtures/golden-expected; UPDATE_GOLDEN=1 rewrites those.
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'golden-run');
const EXPECTED = join(ROOT, 'test', 'fixtures', 'golden-expected');
const AS_OF = '2026-12-04';
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/**
 * The only fields that differ from one invocation to the next: the run directory's absolute path
 * (a fresh temporary copy each time) and plan.json's generatedAt (the clock), which report.md and
 * report.json repeat. Both are replaced by placeholders; every other byte is compared.
 */
function normalise(text: string, runDir: string, generatedAt: string): string {
  return text.replaceAll(runDir, '<run-dir>').replaceAll(generatedAt, '<generated-at>');
}

let outputs: Record<'plan.json' | 'report.md' | 'report.json', string>;

beforeAll(async () => {
  const work = await mkdtemp(join(tmpdir(), 'oc-golden-'));
  const runDir = join(work, 'run');
  await cp(FIXTURE, runDir, { recursive: true });
  const models = join(ROOT, 'models');
  const plan = await runCli(['plan', '--run', runDir, '--models', models, '--as-of', AS_OF]);
  expect(plan.stderr).toBe('');
  // 1: the demo's two short steps do not cover the forecast peak (the plan says so, as it should).
  expect(plan.code).toBe(1);
  const reportDir = join(work, 'report');
  const report = await runCli([
    'report',
    '--run',
    runDir,
    '--out',
    reportDir,
    '--format',
    'md,json',
  ]);
  expect(report.stderr).toBe('');
  expect(report.code).toBe(0);
  const planText = await readFile(join(runDir, 'plan.json'), 'utf8');
  const generatedAt = (JSON.parse(planText) as { generatedAt: string }).generatedAt;
  expect(generatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  const read = async (path: string) => normalise(await readFile(path, 'utf8'), runDir, generatedAt);
  outputs = {
    'plan.json': normalise(planText, runDir, generatedAt),
    'report.md': await read(join(reportDir, 'report.md')),
    'report.json': await read(join(reportDir, 'report.json')),
  };
  if (UPDATE) {
    await mkdir(EXPECTED, { recursive: true });
    for (const [name, text] of Object.entries(outputs)) await writeFile(join(EXPECTED, name), text);
  }
});

describe('plan and report on the golden run', () => {
  for (const name of ['plan.json', 'report.md', 'report.json'] as const) {
    it(`writes ${name} as committed`, async () => {
      const expected = await readFile(join(EXPECTED, name), 'utf8');
      // Compared as text, so one changed byte fails and the diff shows where.
      expect(outputs[name]).toBe(expected);
    });
  }
});
