// Locating (and, where allowed, installing) k6 through scripts/ensure-k6.sh, the one piece of
// logic shared by CI, the tests, the demo and doctor.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UnreachableError } from '../core/errors.js';
import { packageRoot } from '../core/package-root.js';

const run = promisify(execFile);

export interface K6Binary {
  path: string;
  version: string;
}

export async function locateK6(
  options: { install?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<K6Binary> {
  const script = join(packageRoot, 'scripts', 'ensure-k6.sh');
  const args = options.install ? [] : ['--no-install'];
  try {
    const { stdout } = await run('bash', [script, ...args], {
      env: options.env ?? process.env,
      timeout: 15 * 60_000,
    });
    const path = stdout.trim().split('\n').pop()!;
    const { stdout: versionText } = await run(path, ['version'], { timeout: 30_000 });
    return { path, version: /k6 (v[\d.]+)/.exec(versionText)?.[1] ?? versionText.trim() };
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    const lines = stderr.split('\n').map((l) => l.replace(/^ensure-k6: /, ''));
    throw new UnreachableError(lines[0] || 'k6 not found', {
      hint:
        lines.slice(1).join(' ') || 'Run scripts/ensure-k6.sh, or set K6_BIN to a k6 v2 binary.',
      cause: error,
    });
  }
}
