// A real, unmodified Odoo Community for the tests, started by an Odoo test harness beside the
// clone (OC_ODOO_HARNESS; README.md, "Status: proven on real Odoo"); without one the tests skip.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret } from '../../../src/core/secret.js';
import type { OdooSerie } from '../../../src/lab/contract.js';
import { OdooClient } from '../../../src/odoo/client.js';

const REPO = join(import.meta.dirname, '..', '..', '..');

/** The harness script, or undefined in a clone without it. */
export const ODOO_HARNESS = [
  process.env.OC_ODOO_HARNESS,
  join(REPO, '..', 'shared', 'odoo', 'odoo'),
].find((path): path is string => path !== undefined && path !== '' && existsSync(path));

/** Why the real-Odoo tests cannot run here, or undefined when they can. */
export const SKIP_REASON = ODOO_HARNESS
  ? undefined
  : 'real Odoo not available: no Odoo test harness beside this clone (set OC_ODOO_HARNESS to one)';

/** The series the harness starts: those the lab emulates. */
export type OdooSeries = OdooSerie;

export interface RealOdooEnv {
  ODOO_URL: string;
  ODOO_DB: string;
  ODOO_USER: string;
  ODOO_PASSWORD: string;
  PGURL: string;
}

export interface RealOdoo {
  series: OdooSeries;
  env: RealOdooEnv;
  /** The harness's directory: Odoo's tree, its PostgreSQL cluster, odoo.log. */
  dir: string;
  /** Back to the fresh database (Odoo restarts). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs the harness with `args`; its stdout, or its last lines of stderr as the error. */
export function harness(args: string[]): Promise<string> {
  if (!ODOO_HARNESS) return Promise.reject(new Error(SKIP_REASON));
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [ODOO_HARNESS!, ...args],
      { maxBuffer: 16 * 1024 * 1024, timeout: 15 * 60_000 },
      (error, stdout, stderr) =>
        error
          ? reject(
              new Error(
                `odoo ${args[0]} failed: ${stderr.trim().split('\n').slice(-8).join('\n')}`,
              ),
            )
          : resolve(stdout),
    );
  });
}

/** The environment line `odoo start` and `odoo reset` print. */
export function parseEnv(line: string): RealOdooEnv {
  const env = Object.fromEntries(
    line
      .trim()
      .split(/\s+/)
      .map((pair) => {
        const at = pair.indexOf('=');
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
  ) as Partial<RealOdooEnv>;
  for (const key of ['ODOO_URL', 'ODOO_DB', 'ODOO_USER', 'ODOO_PASSWORD', 'PGURL'] as const)
    if (!env[key]) throw new Error(`odoo start printed no ${key}: ${line}`);
  return env as RealOdooEnv;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port for Odoo's HTTP with the one Odoo takes for gevent (port + 3) free too. */
async function odooPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    if ((await portFree(port)) && (await portFree(port + 3))) return port;
  }
  throw new Error('no free port pair for Odoo');
}

/**
 * Starts Odoo `series` with `workers` prefork workers in a directory of its own (about 20 s; the
 * first start on a fresh machine also installs Odoo's Python packages from Debian's).
 */
export async function startRealOdoo(series: OdooSeries, workers = 2): Promise<RealOdoo> {
  if (!ODOO_HARNESS) throw new Error(SKIP_REASON);
  const dir = await mkdtemp(join(tmpdir(), `oc-odoo-${series}-`));
  // OC_ODOO_PORT pins the port (a developer sharing the machine keeps to the one given to them).
  const port = process.env.OC_ODOO_PORT ? Number(process.env.OC_ODOO_PORT) : await odooPort();
  const common = ['--dir', dir];
  let env: RealOdooEnv;
  try {
    env = parseEnv(
      await harness([
        'start',
        '--series',
        series,
        '--port',
        String(port),
        '--workers',
        String(workers),
        ...common,
      ]),
    );
  } catch (error) {
    await harness(['stop', ...common]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    series,
    env,
    dir,
    reset: async () => {
      await harness(['reset', ...common]);
    },
    stop: async () => {
      await harness(['stop', ...common]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A Node-side client of the real Odoo's database, as its admin. */
export function realOdooClient(odoo: RealOdoo): OdooClient {
  return new OdooClient({
    url: odoo.env.ODOO_URL,
    db: odoo.env.ODOO_DB,
    user: odoo.env.ODOO_USER,
    secret: new Secret(odoo.env.ODOO_PASSWORD),
    secretKind: 'password',
  });
}
