// The k6 wrapper against the real k6: exit codes named and mapped, Ctrl-C forwarded, a hung k6
// stopped at its timeout, secrets only in k6's environment and masked in its stderr tail.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { Secret } from '../../src/core/secret.js';
import { K6Exit } from '../../src/runner/k6-exit-codes.js';
import { k6Failure, startK6 } from '../../src/runner/k6-process.js';
import { k6Binary } from '../runner/helpers/k6.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oc-k6-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function script(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

function run(file: string, options: { timeoutMs?: number; env?: Record<string, string> } = {}) {
  return startK6({
    binary: k6Binary(),
    args: ['run', '--quiet', file],
    env: options.env ?? {},
    timeoutMs: options.timeoutMs ?? 60_000,
    label: 'test step',
  });
}

const LONG = `import { sleep } from 'k6';
export const options = { vus: 1, duration: '5m' };
export default function () { console.log('iterating'); sleep(0.1); }
`;

/** Waits until k6 has written a stderr line containing text (it is running the test). */
async function untilStderr(k6: ReturnType<typeof startK6>, text: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!k6.stderrTail.some((l) => l.includes(text))) {
    if (Date.now() > deadline || k6.finished) throw new Error(`k6 never wrote "${text}"`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('k6 wrapper', () => {
  it('names exit 99 (thresholds failed) and keeps the step measured, not an error', async () => {
    const file = await script(
      'thresholds.js',
      `export const options = { vus: 1, iterations: 2, thresholds: { iterations: ['count>100'] } };
export default function () {}
`,
    );
    const outcome = await run(file).done;
    expect(outcome.exitCode).toBe(K6Exit.thresholdsFailed);
    expect(outcome.meaning).toEqual({ name: 'thresholds failed', measured: true });
    expect(k6Failure(outcome, 'test step')).toBeUndefined();
  });

  it('maps a script exception (107) to a one-line failure with k6’s own message', async () => {
    const file = await script(
      'throws.js',
      "throw new Error('cannot find the pool of ready orders');\n",
    );
    const outcome = await run(file).done;
    expect(outcome.exitCode).toBe(K6Exit.scriptException);
    const error = k6Failure(outcome, 'test step')!;
    expect(error.exitCode).toBe(ExitCode.failed);
    expect(error.message).toMatch(
      /^test step: k6 exited 107 \(script exception\): .*cannot find the pool of ready orders/,
    );
    expect(error.message).not.toContain('\n');
  });

  it('maps test.abort() (108) to a failure', async () => {
    const file = await script(
      'aborts.js',
      `import exec from 'k6/execution';
export const options = { vus: 1, iterations: 1 };
export function setup() { exec.test.abort('target refused authentication'); }
export default function () {}
`,
    );
    const outcome = await run(file).done;
    expect(outcome.exitCode).toBe(K6Exit.scriptAborted);
    expect(k6Failure(outcome, 'test step')?.message).toMatch(
      /108 \(script aborted\).*target refused/,
    );
  });

  it('forwards an interruption: k6 stops with 105, which is no error', async () => {
    const k6 = run(await script('long.js', LONG));
    await untilStderr(k6, 'iterating');
    k6.interrupt();
    const outcome = await k6.done;
    expect(outcome.interrupted).toBe(true);
    expect(outcome.exitCode).toBe(K6Exit.externalAbort);
    expect(outcome.meaning.measured).toBe(false);
    expect(k6Failure(outcome, 'test step')).toBeUndefined();
  });

  it('stops a k6 that outlives its timeout, and says it did not finish in time', async () => {
    const outcome = await run(await script('hang.js', LONG), { timeoutMs: 1500 }).done;
    expect(outcome.timedOut).toBe(true);
    const error = k6Failure(outcome, 'test step')!;
    expect(error.exitCode).toBe(ExitCode.unreachable);
    expect(error.message).toBe('test step: k6 did not finish in time and was stopped');
  });

  it('reports a k6 binary that cannot start as unreachable', async () => {
    const k6 = startK6({
      binary: join(dir, 'no-k6'),
      args: ['version'],
      env: {},
      timeoutMs: 5000,
      label: 'probe',
    });
    const error = k6Failure(await k6.done, 'probe')!;
    expect(error.exitCode).toBe(ExitCode.unreachable);
    expect(error.message).toMatch(/^probe: cannot start k6/);
  });

  it('passes the secret in k6’s environment only, never its command line, and masks it in stderr', async () => {
    const secret = new Secret('k6-env-secret-9d1c');
    const file = await script(
      'leaky.js',
      `import { sleep } from 'k6';
export const options = { vus: 1, duration: '20s' };
export default function () { console.error('password is ' + __ENV.ODOO_PASSWORD); sleep(0.2); }
`,
    );
    const k6 = run(file, { env: { ODOO_PASSWORD: secret.reveal() } });
    const deadline = Date.now() + 30_000;
    let cmdline = '';
    let environ = '';
    while (Date.now() < deadline && !environ.includes('ODOO_PASSWORD')) {
      if (k6.pid) {
        try {
          cmdline = readFileSync(`/proc/${k6.pid}/cmdline`, 'utf8');
          environ = readFileSync(`/proc/${k6.pid}/environ`, 'utf8');
        } catch {
          // not yet there
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(environ).toContain(`ODOO_PASSWORD=${secret.reveal()}`);
    expect(cmdline).not.toContain(secret.reveal());
    await untilStderr(k6, 'password is');
    k6.interrupt();
    const outcome = await k6.done;
    expect(outcome.stderrTail.join('\n')).toContain('password is ***');
    expect(outcome.stderrTail.join('\n')).not.toContain(secret.reveal());
  });
});
