// What every CLI run on a user's file must show: a documented exit code, no stack trace or
// internal error, and on failure one error line (and at most a hint) naming the file.
import { expect } from 'vitest';
import { hasStackTrace, type CliResult } from '../helpers/cli.js';

export function expectCleanOutcome(
  result: CliResult,
  codes: readonly number[],
  names: string | RegExp,
): void {
  const context = `exit ${result.code}\n${result.stderr}`;
  expect(codes, context).toContain(result.code);
  expect(hasStackTrace(result.stderr), context).toBe(false);
  expect(result.stderr, context).not.toMatch(/internal error/);
  if (result.code === 0 || result.code === 1) return;
  // Warnings printed before the failure (no PGURL, ...) are not part of the error.
  const lines = result.stderr
    .trimEnd()
    .split('\n')
    .filter((l) => !l.startsWith('warn: '));
  const errors = lines.filter((l) => l.startsWith('error: '));
  expect(errors, context).toHaveLength(1);
  expect(lines[0], context).toMatch(/^error: /);
  expect(lines.length, context).toBeLessThanOrEqual(2);
  if (lines[1] !== undefined) expect(lines[1], context).toMatch(/^hint: /);
  expect(errors[0], context).toMatch(names);
}
