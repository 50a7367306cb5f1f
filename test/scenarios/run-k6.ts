// Runs the real k6 (K6_BIN, found by test/global-setup.ts) on a script for the scenario tests,
// with only the environment given (never the developer's ODOO_* variables).
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');

export interface K6Result {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** What the script's console printed (k6 --console-output, one JSON line each). */
  console: { level: string; msg: string }[];
  /** k6 --summary-export, when the run got that far. */
  summary?: K6Summary;
  /** Where k6 --out json wrote the metric points. */
  outJson: string;
}

export interface K6Summary {
  metrics: Record<string, Record<string, unknown> & { thresholds?: Record<string, boolean> }>;
  root_group: unknown;
}

export function newTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `oc-${prefix}-`));
}

export async function runK6(
  script: string,
  env: Record<string, string>,
  extraArgs: string[] = [],
): Promise<K6Result> {
  const { readFile } = await import('node:fs/promises');
  const dir = newTempDir('k6');
  const summaryFile = join(dir, 'summary.json');
  const consoleFile = join(dir, 'console.log');
  const outJson = join(dir, 'out.json');
  const args = [
    'run',
    '--quiet',
    '--no-color',
    '--log-format',
    'json',
    '--summary-export',
    summaryFile,
    '--console-output',
    consoleFile,
    '--out',
    `json=${outJson}`,
    ...extraArgs,
    script,
  ];
  const child = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.env.K6_BIN ?? 'k6',
      args,
      {
        cwd: REPO,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
  const read = (file: string): Promise<string> => readFile(file, 'utf8').catch(() => '');
  const summaryText = await read(summaryFile);
  return {
    exitCode: child.code,
    stdout: child.stdout,
    stderr: child.stderr,
    console: (await read(consoleFile))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { level: string; msg: string }),
    summary: summaryText ? (JSON.parse(summaryText) as K6Summary) : undefined,
    outJson,
  };
}

/** The messages k6 logged at level error (its stderr is JSON lines with --log-format json). */
export function errorMessages(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: string; msg: string })
    .filter((entry) => entry.level === 'error')
    .map((entry) => entry.msg);
}
