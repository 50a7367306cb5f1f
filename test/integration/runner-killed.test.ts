// SIGKILL of `run` with real k6: no k6 left loading the target, the run reported interrupted, and
// `run --resume` stops a surviving k6 before it measures, then finishes the run.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/logger.js';
import { startLocalPostgres, type PostgresHandle } from '../../src/pg-local/postgres-provider.js';
import { pidAlive } from '../../src/core/run-dir.js';
import { Secret } from '../../src/core/secret.js';
import { startLab, type LabHandle } from '../../src/lab/server/index.js';
import { BIN, cleanEnv, runCli } from '../helpers/cli.js';

const LAB_PROBE = join(import.meta.dirname, '..', 'fixtures', 'k6', 'lab-probe.js');
const MODELS = join(import.meta.dirname, '..', '..', 'models');
const PASSWORD = 'killed-runner-pw-51ab';
const HOLD_SECONDS = 30;

let postgres: PostgresHandle;
let lab: LabHandle;
let runsDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  postgres = await startLocalPostgres();
  lab = await startLab({
    port: 0,
    workers: 1,
    databases: ['lab'],
    pgUrl: postgres.url,
    adminPassword: new Secret(PASSWORD),
    costScale: 0,
    log: new Logger('warn'),
  });
  runsDir = await mkdtemp(join(tmpdir(), 'oc-killed-'));
  env = cleanEnv({
    ODOO_URL: lab.url,
    ODOO_DB: 'lab',
    ODOO_USER: 'admin',
    ODOO_PASSWORD: PASSWORD,
  });
}, 120_000);
afterAll(async () => {
  await lab?.stop();
  await postgres?.stop();
  await rm(runsDir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `run` as a user would and waits until k6 runs its first step; returns both pids. */
async function startRunUntilK6(id: string): Promise<{ runner: number; k6: number }> {
  const runner = spawn(
    process.execPath,
    [
      BIN,
      'run',
      '--script',
      LAB_PROBE,
      '--runs-dir',
      runsDir,
      '--id',
      id,
      '--class',
      'stock-moves',
      '--rates',
      '2',
      '--warmup',
      '1s',
      // Far longer than the wait for k6 to stop below: a k6 that outlived its runner cannot
      // pass for one that ended on its own.
      '--hold',
      `${HOLD_SECONDS}s`,
    ],
    { env, stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const pidFile = join(runsDir, id, 'steps', '.01-rate-2.partial', 'k6.pid');
  const k6 = await until('k6 to start', () =>
    existsSync(pidFile)
      ? (JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number }).pid
      : undefined,
  );
  return { runner: runner.pid!, k6 };
}

function parentOf(pid: number): number {
  // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after ")".
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
}

describe('a runner killed with SIGKILL', () => {
  it('leaves no k6 behind; plan refuses the interrupted run; resume finishes it', async () => {
    const { runner, k6 } = await startRunUntilK6('killed');
    expect(pidAlive(k6)).toBe(true);
    process.kill(runner, 'SIGKILL');
    await until(
      'k6 to stop after its runner died',
      () => (pidAlive(k6) ? undefined : true),
      10_000,
    );

    const run = JSON.parse(await readFile(join(runsDir, 'killed', 'run.json'), 'utf8'));
    expect(run.status).toBe('running');
    const plan = await runCli(['plan', '--run', join(runsDir, 'killed'), '--models', MODELS], env);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/the run was interrupted: it says running, but its runner is gone/);
    expect(plan.stderr).toMatch(/odoo-capacity run --resume killed/);

    const resumed = await runCli(
      ['run', '--runs-dir', runsDir, '--resume', 'killed'],
      env,
      300_000,
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/killed was interrupted: run\.json said running/);
    const after = await runCli(['plan', '--run', join(runsDir, 'killed'), '--models', MODELS], env);
    expect([0, 1], after.stderr).toContain(after.code);
  });

  it('resume stops a k6 that outlived its watchdog before measuring anything', async () => {
    const { runner, k6 } = await startRunUntilK6('stray');
    const watchdog = parentOf(k6);
    expect(watchdog).not.toBe(runner);
    // The runner and its watchdog die together; k6 alone survives, orphaned.
    process.kill(watchdog, 'SIGKILL');
    process.kill(runner, 'SIGKILL');
    await until('the watchdog to go', () => (pidAlive(watchdog) ? undefined : true), 15_000);
    expect(pidAlive(k6)).toBe(true);

    const resumed = await runCli(['run', '--runs-dir', runsDir, '--resume', 'stray'], env, 300_000);
    expect(resumed.stderr).toMatch(new RegExp(`stopped k6 \\(pid ${k6}\\) that an earlier runner`));
    expect(pidAlive(k6)).toBe(false);
    expect(resumed.code, resumed.stderr).toBe(0);
  });
});
