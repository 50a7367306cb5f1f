// k6 processes a dead runner left behind (its watchdog killed too): `run --resume` stops them
// before measuring, so no step is measured under double load.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { partialStepDirs, pidAlive } from '../core/run-dir.js';

/** k6's pid file in a step's staging folder: k6.pid, or k6.seg<N>.pid per segment. */
export function k6PidFile(staging: string, suffix = ''): string {
  return join(staging, `k6${suffix}.pid`);
}

/** A process's arguments, or undefined when it is gone or cannot be read. */
function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    // No /proc (macOS): ask ps.
  }
  try {
    const text = execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    return text.trim() === '' ? undefined : text.trim().split(/\s+/);
  } catch {
    return undefined;
  }
}

interface PidRecord {
  pid: number;
  binary: string;
}

async function readRecord(file: string): Promise<PidRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as Partial<PidRecord>;
    return Number.isInteger(record.pid) && typeof record.binary === 'string'
      ? { pid: record.pid!, binary: record.binary }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The k6 processes of this run still alive from an earlier runner: pid and staging folder. A pid
 * counts only while its command line is the recorded binary with that staging folder.
 */
async function strayK6(runDir: string): Promise<{ pid: number; staging: string }[]> {
  const found = [];
  for (const staging of await partialStepDirs(runDir)) {
    for (const entry of await readdir(staging)) {
      if (!/^k6(\.seg\d+)?\.pid$/.test(entry)) continue;
      const record = await readRecord(join(staging, entry));
      if (!record || !pidAlive(record.pid)) continue;
      const args = commandLine(record.pid);
      const isThatK6 = args?.[0] === record.binary && args.some((a) => a.includes(staging));
      if (isThatK6) found.push({ pid: record.pid, staging });
    }
  }
  return found;
}

const STOP_WAIT_MS = 10_000;

/** Stops every stray k6 of the run (SIGKILL) and waits for it to go; returns one note each. */
export async function stopStrayK6(runDir: string): Promise<string[]> {
  const notes = [];
  for (const { pid, staging } of await strayK6(runDir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      continue;
    }
    const deadline = Date.now() + STOP_WAIT_MS;
    while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    notes.push(
      `stopped k6 (pid ${pid}) that an earlier runner of this run left running in ${staging}`,
    );
  }
  return notes;
}
