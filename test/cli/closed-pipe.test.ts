// A reader that stops early (`odoo-capacity seed --help | head`) closes the pipe: the CLI stops
// quietly with exit 0 instead of printing Node's EPIPE stack trace.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

function piped(args: string): Promise<{ code: number; stderr: string }> {
  // `set -o pipefail` is not POSIX: PIPESTATUS of bash gives the CLI's own exit code.
  const script = `"${process.execPath}" "${BIN}" ${args} | true; exit \${PIPESTATUS[0]}`;
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { encoding: 'utf8' }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr });
    });
  });
}

describe('a closed stdout', () => {
  it.each(['--help', 'seed --help', 'plan --help'])(
    '`%s | true` exits 0 without a stack trace',
    async (args) => {
      const result = await piped(args);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    },
  );
});
