// What the benches that drive a target share: the CLI run as a child process, the lab started
// from dist with its embedded PostgreSQL (emulating a series, JSON-2 on request), and a real Odoo
// of any series started, restarted with another worker count, and stopped through the Odoo test
// harness (its directory kept between restarts, so the database and what was seeded stay). Either
// gives an API key of admin for JSON-2.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Logging from '../../src/core/logger.js';
import type * as Provider from '../../src/pg-local/postgres-provider.js';
import type * as Secrets from '../../src/core/secret.js';
import type * as LabServer from '../../src/lab/server/index.js';
import type { OdooSerie } from '../../src/lab/contract.js';
import { createApiKey } from '../../test/real-odoo/support/api-key.js';
import {
  harness,
  parseEnv,
  type RealOdoo,
  type RealOdooEnv,
} from '../../test/real-odoo/support/real-odoo.js';

export const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'odoo-capacity.js');

/**
 * A module of the built package at `root` (another checkout's, to compare two versions; one built
 * before dist/src/ keeps its modules in dist/).
 */
export const dist = async <T>(path: string, root = ROOT): Promise<T> => {
  const base = existsSync(join(root, 'dist', 'src'))
    ? join(root, 'dist', 'src')
    : join(root, 'dist');
  return (await import(pathToFileURL(join(base, path)).href)) as T;
};

/** `odoo-capacity <args>`; exit 1 with a document on stdout (a missed step, an infeasible plan) is a result. */
export function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [BIN, ...args],
      { env, maxBuffer: 64 * 1024 * 1024, timeout: 60 * 60_000 },
      (error, stdout, stderr) => {
        if (error && !(error.code === 1 && stdout.trim() !== ''))
          reject(new Error(`odoo-capacity ${args[0]}: ${stderr.trim().split('\n').pop()}`));
        else resolve(stdout);
      },
    ),
  );
}

/** A target the CLI drives: its ODOO_* and PGURL variables, restartable with another worker count. */
export interface Target {
  name: string;
  env(): NodeJS.ProcessEnv;
  /**
   * Restarts with `workers` workers (the lab also at `costScale`, default 1); nothing to do when
   * it already runs so.
   */
  restart(workers: number, costScale?: number): Promise<void>;
  /** `odoo-capacity seed <args>`; the lab seeds at cost scale 0 (seeding is not measured). */
  seed(args: string[]): Promise<string>;
  /**
   * An API key of admin, for JSON-2: the lab's (started with `json2`), or one made on the real
   * Odoo the first time it is asked for.
   */
  apiKey(): Promise<string>;
  stop(): Promise<void>;
}

/** What the lab emulates: the series (default 17.0) and, with `json2`, Odoo 19's JSON-2 too. */
export interface LabTargetOptions {
  serie?: OdooSerie;
  json2?: boolean;
}

/**
 * The lab from dist (of the package at `root`, default this one) with `workers` workers, default
 * cost scale, on its own embedded PostgreSQL.
 */
export async function startLabTarget(
  db: string,
  workers: number,
  port?: number,
  root = ROOT,
  options: LabTargetOptions = {},
): Promise<Target> {
  const { startLocalPostgres, freePort } = await dist<typeof Provider>(
    'pg-local/postgres-provider.js',
  );
  const { startLab } = await dist<typeof LabServer>('lab/server/index.js', root);
  const { Secret } = await dist<typeof Secrets>('core/secret.js');
  const { Logger } = await dist<typeof Logging>('core/logger.js');
  const pg = await startLocalPostgres();
  const password = randomBytes(12).toString('base64url');
  const key = options.json2 ? randomBytes(20).toString('hex') : undefined;
  const labPort = port ?? (await freePort());
  let lab: { stop(): Promise<void> } | undefined;
  let running = 0;
  let scale = 1;
  const up = async (n: number, costScale = 1) => {
    if (n === running && costScale === scale) return;
    await lab?.stop();
    lab = await startLab({
      port: labPort,
      workers: n,
      costScale,
      databases: [db],
      pgUrl: pg.url,
      serie: options.serie,
      json2: options.json2,
      apiKey: key === undefined ? undefined : new Secret(key),
      adminPassword: new Secret(password),
      log: new Logger('warn'),
      onProgress: () => undefined,
    });
    running = n;
    scale = costScale;
  };
  await up(workers);
  const env = () => ({
    ...process.env,
    ODOO_URL: `http://127.0.0.1:${labPort}`,
    ODOO_DB: db,
    ODOO_USER: 'admin',
    ODOO_PASSWORD: password,
    PGURL: pg.url.reveal(),
  });
  return {
    name: 'lab',
    env,
    restart: (n, costScale) => up(n, costScale),
    seed: async (args) => {
      const n = running;
      await up(n, 0);
      try {
        return await cli(['seed', ...args], env());
      } finally {
        await up(n, 1);
      }
    },
    apiKey: () =>
      key === undefined
        ? Promise.reject(new Error('the lab was started without JSON-2'))
        : Promise.resolve(key),
    stop: async () => {
      await lab?.stop();
      await pg.stop();
    },
  };
}

/**
 * Real Odoo `series` on 127.0.0.1:`port` with `workers` prefork workers, in `dir` (default
 * $TMPDIR/odoo-PORT). A restart stops Odoo and starts it again on the same directory: the
 * database stays, only the worker count changes. `fresh`: a database an earlier start left in
 * `dir` is reset to the fresh one first.
 */
export async function startOdooTarget(
  series: string,
  port: number,
  workers: number,
  dir = join(tmpdir(), `odoo-${port}`),
  { fresh = false } = {},
): Promise<Target> {
  const where = ['--dir', dir];
  let vars!: RealOdooEnv;
  let running = 0;
  const read = (line: string) => {
    vars = parseEnv(line);
  };
  const up = async (n: number) => {
    const line = await harness([
      'start',
      '--series',
      series,
      '--port',
      String(port),
      '--workers',
      String(n),
      ...where,
    ]);
    read(line);
    running = n;
  };
  const used = existsSync(join(dir, 'pgport'));
  await harness(['stop', ...where]);
  await up(workers);
  if (fresh && used) read(await harness(['reset', ...where]));
  let key: Promise<string> | undefined;
  return {
    name: `odoo${series.split('.')[0]}`,
    env: () => ({ ...process.env, ...vars }),
    seed: (args) => cli(['seed', ...args], { ...process.env, ...vars }),
    // createApiKey reads only the PostgreSQL URL of the harness's environment.
    apiKey: () => (key ??= createApiKey({ env: vars } as unknown as RealOdoo)),
    restart: async (n) => {
      if (n === running) return;
      await harness(['stop', ...where]);
      await up(n);
    },
    stop: async () => {
      await harness(['stop', ...where]);
    },
  };
}
