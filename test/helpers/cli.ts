// Runs the built CLI as a user would, capturing stdout, stderr and the exit code.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'odoo-capacity.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment without any target or statistics variables, so tests start from a clean slate. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of [
    'ODOO_URL',
    'ODOO_DB',
    'ODOO_USER',
    'ODOO_PASSWORD',
    'ODOO_API_KEY',
    'ODOO_TRANSPORT',
    'PGURL',
  ])
    delete env[key];
  return { ...env, ...extra };
}

export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = cleanEnv(),
  timeoutMs = 120_000,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** True when the text looks like a stack trace. */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at .+[:(]\d+/.test(text);
}
