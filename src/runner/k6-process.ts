// The one k6 wrapper, in the manner of execa: spawning, Ctrl-C forwarding, the timeout, the
// stderr tail and the meaning of k6's exit code; secrets only through its environment.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { ExitCode, OcError, UnreachableError } from '../core/errors.js';
import { redact } from '../core/redact.js';
import { k6ExitMeaning, type K6ExitMeaning } from './k6-exit-codes.js';

export interface K6RunRequest {
  binary: string;
  /** k6 subcommand and arguments after it, e.g. ['run', '--quiet', 'script.ts']. Never secrets. */
  args: string[];
  /**
   * Variables added to k6's environment (OC_*, ODOO_*, and the K6_* output settings of
   * k6-outputs.ts), the secret among them.
   */
  env: Record<string, string>;
  cwd?: string;
  /** After this, k6 is interrupted, then killed if it does not stop. */
  timeoutMs: number;
  /** Names the run in messages: "step 02-rate-4, segment 1/2". */
  label: string;
  /** Where k6's pid is written once it runs ({"pid", "binary", "runner"}), for run --resume. */
  pidFile?: string;
}

export interface K6Outcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  meaning: K6ExitMeaning;
  timedOut: boolean;
  /** interrupt() or kill() was called. */
  interrupted: boolean;
  /** The last lines k6 wrote on stderr, secrets masked. */
  stderrTail: string[];
  /** k6 could not be started at all. */
  spawnError?: string;
}

const STDERR_TAIL_LINES = 20;
const KILL_GRACE_MS = 15_000;

// Variables the runner sets itself, or that would change what k6 does behind the runner's back
// (K6_OUT, K6_VUS, ...): not inherited from the caller's environment. The K6_* variables that
// configure k6's outputs are chosen by k6-outputs.ts and passed explicitly in request.env.
const NOT_INHERITED = /^(K6_|OC_|ODOO_|PGURL$)/;

// k6 runs under this watchdog, whose stdin is a pipe from this process: if the runner dies, even
// by SIGKILL, the pipe closes and the watchdog kills k6, so no k6 is left loading the target.
const WATCHDOG = join(packageRoot, 'scripts', 'k6-watchdog.mjs');

/** SIGKILL to the watchdog's process group: the watchdog and k6 together. */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** k6's pid, for run --resume; a pid file that cannot be written only weakens that check. */
function writePidFile(file: string, pid: number, binary: string): void {
  try {
    writeFileSync(file, JSON.stringify({ pid, binary, runner: process.pid }) + '\n');
  } catch {
    // The staging folder is gone: the step is being discarded anyway.
  }
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killGroup(child);
});

export class K6Process {
  readonly done: Promise<K6Outcome>;
  readonly #child: ChildProcess;
  #interrupted = false;
  #timedOut = false;
  #finished = false;
  #k6Pid: number | undefined;
  readonly #tail: string[] = [];

  constructor(request: K6RunRequest) {
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !NOT_INHERITED.test(k)),
    );
    // Its own process group: a terminal's Ctrl-C reaches the runner only, which forwards it and
    // decides what the interruption means for the step.
    this.#child = spawn(process.execPath, [WATCHDOG, request.binary, ...request.args], {
      cwd: request.cwd,
      env: { ...env, K6_NO_USAGE_REPORT: 'true', ...request.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(this.#child);
    // The watchdog's lifeline: never written to, closed by the OS when this process ends.
    this.#child.stdin!.on('error', () => undefined);
    let said = '';
    let watchdogError: string | undefined;
    this.#child.stdout!.setEncoding('utf8');
    this.#child.stdout!.on('data', (text: string) => {
      if (said.includes('\n')) return;
      said += text;
      if (!said.includes('\n')) return;
      const line = said.slice(0, said.indexOf('\n'));
      let message: { pid?: unknown; spawnError?: unknown };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        watchdogError = `k6's watchdog said: ${line.slice(0, 200)}`;
        return;
      }
      if (typeof message.spawnError === 'string') watchdogError = message.spawnError;
      if (typeof message.pid === 'number') {
        this.#k6Pid = message.pid;
        if (request.pidFile) writePidFile(request.pidFile, message.pid, request.binary);
      }
    });
    let partial = '';
    this.#child.stderr!.setEncoding('utf8');
    this.#child.stderr!.on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const line of lines) this.#keep(line);
    });
    const timer = setTimeout(() => {
      this.#timedOut = true;
      this.interrupt();
    }, request.timeoutMs);
    this.done = new Promise<K6Outcome>((resolve) => {
      let spawnError: string | undefined;
      this.#child.once('error', (error) => (spawnError = error.message));
      this.#child.once('close', (code, signal) => {
        clearTimeout(timer);
        running.delete(this.#child);
        this.#child.stdin!.destroy();
        this.#finished = true;
        spawnError ??= watchdogError;
        if (partial) this.#keep(partial);
        resolve({
          exitCode: code,
          signal,
          meaning: k6ExitMeaning(code),
          timedOut: this.#timedOut,
          interrupted: this.#interrupted,
          stderrTail: [...this.#tail],
          ...(spawnError !== undefined && { spawnError }),
        });
      });
    });
  }

  /** k6's own pid, once the watchdog has started it. */
  get pid(): number | undefined {
    return this.#k6Pid;
  }

  /** The watchdog's pid (k6's parent). */
  get watchdogPid(): number | undefined {
    return this.#child.pid;
  }

  /** The last stderr lines so far (secrets masked). */
  get stderrTail(): readonly string[] {
    return [...this.#tail];
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Asks k6 to stop (SIGINT: it ends the test and writes its summary); kills it after a grace. */
  interrupt(): void {
    if (this.#finished) return;
    this.#interrupted = true;
    this.#child.kill('SIGINT');
    setTimeout(() => this.kill(), KILL_GRACE_MS).unref();
  }

  /** Stops k6 (and its watchdog) at once. */
  kill(): void {
    if (this.#finished) return;
    this.#interrupted = true;
    killGroup(this.#child);
  }

  #keep(line: string): void {
    if (line.trim() === '') return;
    this.#tail.push(redact(line));
    if (this.#tail.length > STDERR_TAIL_LINES) this.#tail.shift();
  }
}

export function startK6(request: K6RunRequest): K6Process {
  return new K6Process(request);
}

/** A quoted field of one of k6's log lines (`msg="..."`, `error="..."`), unescaped. */
export function k6LogField(line: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(line)?.[1]?.replace(/\\"/g, '"');
}

/** The last informative stderr line, for one-line messages. */
function lastError(outcome: K6Outcome): string {
  const line = [...outcome.stderrTail].reverse().find((l) => /level=(error|fatal)|error/i.test(l));
  const text = line ?? outcome.stderrTail.at(-1) ?? '';
  return (k6LogField(text, 'msg') ?? text.replace(/\\"/g, '"')).slice(0, 300);
}

/**
 * The error a k6 outcome stands for, or undefined when its measurements are usable or it was
 * interrupted on purpose. The message names the run, the exit code and k6's last error line.
 */
export function k6Failure(outcome: K6Outcome, label: string): OcError | undefined {
  if (outcome.spawnError !== undefined) {
    return new UnreachableError(`${label}: cannot start k6 (${outcome.spawnError})`, {
      hint: 'Run scripts/ensure-k6.sh, or set K6_BIN to a k6 v2 binary.',
    });
  }
  if (outcome.timedOut) {
    return new UnreachableError(`${label}: k6 did not finish in time and was stopped`, {
      hint: 'The target may be hanging; check it, or raise the hold only if the step really needs longer.',
    });
  }
  const { meaning } = outcome;
  if (meaning.error === undefined) return undefined;
  const detail = lastError(outcome);
  return new OcError(
    `${label}: k6 exited ${outcome.exitCode} (${meaning.name})${detail ? `: ${detail}` : ''}`,
    meaning.error,
    {
      hint:
        meaning.error === ExitCode.badInput
          ? 'Check the k6 script and the options the runner passes (OC_* variables).'
          : "The stderr tail above is k6's own; run the script alone with `k6 run` to see all of it.",
    },
  );
}
