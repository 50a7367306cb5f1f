// A lab in the background: started detached, ready once a worker serves, recorded in a pid file
// per port, stopped by that record; and the JSON its /lab endpoints answer.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { writeFileAtomic } from '../core/atomic-write.js';
import { BadInputError, UnreachableError } from '../core/errors.js';
import type { LabStatus } from './server/index.js';

const START_TIMEOUT_MS = 300_000;

export interface PidFile {
  pid: number;
  port: number;
  url: string;
  log: string;
}

export function labUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** Where detached labs keep their pid and log files: one pair per port. */
function stateDir(): string {
  const runtime = process.env.XDG_RUNTIME_DIR;
  return runtime
    ? join(runtime, 'odoo-capacity')
    : join(tmpdir(), `odoo-capacity-${process.getuid?.() ?? 'user'}`);
}

function pidFilePath(port: number): string {
  return join(stateDir(), `lab-${port}.json`);
}

function readPidFile(port: number): PidFile | undefined {
  const file = pidFilePath(port);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as PidFile;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** GET a lab endpoint on 127.0.0.1:port as JSON, with its HTTP status. */
export async function getLabJson<T>(
  port: number,
  path: string,
): Promise<{ status: number; body: T }> {
  let response: Response;
  try {
    response = await fetch(`${labUrl(port)}${path}`, { signal: AbortSignal.timeout(600_000) });
  } catch (error) {
    throw new UnreachableError(`no lab answers on 127.0.0.1:${port}`, {
      hint: 'Start one with `odoo-capacity lab start`, or give its --port.',
      cause: error,
    });
  }
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as T };
  } catch {
    throw new UnreachableError(`127.0.0.1:${port}${path} did not answer with JSON: is it a lab?`);
  }
}

export interface DetachOptions {
  port: number;
  /** The node arguments that start the lab in the foreground on `port`. */
  args: string[];
  /** Its environment: secrets reach it here, never through its argv. */
  env: NodeJS.ProcessEnv;
}

/** Starts the lab as a detached process, waits until a worker serves, writes the pid file. */
export async function startDetached({ port, args, env }: DetachOptions): Promise<PidFile> {
  const existing = readPidFile(port);
  if (existing && alive(existing.pid)) {
    throw new UnreachableError(`port ${port}: a lab already runs there (pid ${existing.pid})`, {
      hint: `Stop it with \`odoo-capacity lab stop --port ${port}\`.`,
    });
  }
  await mkdir(stateDir(), { recursive: true, mode: 0o700 });
  const logFile = join(stateDir(), `lab-${port}.log`);
  const out = openSync(logFile, 'w', 0o600);
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', out, out],
    env,
  });
  closeSync(out);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-2).join(' | ');
      throw new UnreachableError(`the lab did not start: ${tail}`, { hint: `See ${logFile}.` });
    }
    const ready = await fetch(`${labUrl(port)}/lab/status`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.ok && r.json())
      .then((s) => (s as LabStatus).workers.idle + (s as LabStatus).workers.busy > 0)
      .catch(() => false);
    if (ready) {
      const pidFile: PidFile = { pid: child.pid!, port, url: labUrl(port), log: logFile };
      await writeFileAtomic(pidFilePath(port), JSON.stringify(pidFile, null, 2));
      return pidFile;
    }
    await delay(250);
  }
  child.kill('SIGTERM');
  throw new UnreachableError(`the lab did not serve within ${START_TIMEOUT_MS / 1000} s`, {
    hint: `See ${logFile}.`,
  });
}

/** Stops the detached lab recorded for `port` (SIGTERM, SIGKILL after 60 s) and drops its record. */
export async function stopDetached(port: number): Promise<{ stopped: boolean; pid?: number }> {
  const pidFile = readPidFile(port);
  if (!pidFile) {
    throw new BadInputError(`no detached lab is recorded for port ${port}`, {
      hint: `Labs started with --detach leave ${pidFilePath(port)}; a foreground lab stops with Ctrl-C.`,
    });
  }
  if (alive(pidFile.pid)) {
    process.kill(pidFile.pid, 'SIGTERM');
    const deadline = Date.now() + 60_000;
    while (alive(pidFile.pid) && Date.now() < deadline) await delay(100);
    if (alive(pidFile.pid)) process.kill(pidFile.pid, 'SIGKILL');
  }
  await rm(pidFilePath(port), { force: true });
  return { stopped: true, pid: pidFile.pid };
}
