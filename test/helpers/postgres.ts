// A PostgreSQL for tests: PGURL, else testcontainers' PostgreSQL when a Docker engine answers, else
// the embedded one (src/pg-local). testcontainers is a devDependency, so this branch lives here.
import { existsSync } from 'node:fs';
import {
  STATS_SETTINGS,
  inspectPostgres,
  providePostgres as provideLocalPostgres,
  type PostgresHandle,
  type ProvideOptions,
} from '../../src/pg-local/postgres-provider.js';
import { Secret } from '../../src/core/secret.js';

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

/**
 * PGURL, else testcontainers when Docker answers (unless `docker: false`: the probe costs a second
 * when no engine is there), else embedded PostgreSQL.
 */
export async function providePostgres(
  options: ProvideOptions & { docker?: boolean } = {},
): Promise<PostgresHandle> {
  if (!options.pgUrl && options.docker !== false) {
    const container = await startTestcontainers();
    if (container) return container;
  }
  return provideLocalPostgres(options);
}

export interface WatchedTenant {
  postgres: PostgresHandle;
  /** postgres://oc_monitor:<password>@…/postgres: a pg_monitor role, as a user gives PGURL. */
  monitorUrl: string;
  /** One business write in the tenant database `lab` (an UPDATE of sale_order), for a target. */
  write(): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * An embedded PostgreSQL with a tenant database `lab` (sale_order, 50 rows) a test target writes
 * to, and a pg_monitor role that watches it, as the runner's statistics do.
 */
export async function startWatchedTenant(monitorPassword: string): Promise<WatchedTenant> {
  const { startLocalPostgres } = await import('../../src/pg-local/postgres-provider.js');
  const { default: pg } = await import('pg');
  const postgres = await startLocalPostgres();
  const admin = new pg.Client({ connectionString: postgres.url.reveal() });
  await admin.connect();
  await admin.query(
    `CREATE ROLE oc_monitor LOGIN PASSWORD '${monitorPassword}' IN ROLE pg_monitor`,
  );
  await admin.query('CREATE DATABASE lab');
  await admin.end();
  const base = new URL(postgres.url.reveal());
  const labUrl = new URL(postgres.url.reveal());
  labUrl.pathname = '/lab';
  const tenant = new pg.Pool({ connectionString: labUrl.toString(), max: 4 });
  // PostgreSQL stopping at teardown ends a client still closing (57P01): not the test's concern,
  // and without a listener the pool would raise it as an uncaught error.
  tenant.on('error', () => undefined);
  await tenant.query('CREATE TABLE sale_order (id int PRIMARY KEY, amount_total numeric)');
  await tenant.query('INSERT INTO sale_order SELECT g, 0 FROM generate_series(1, 50) g');
  let n = 0;
  return {
    postgres,
    monitorUrl: `postgres://oc_monitor:${monitorPassword}@${base.host}/postgres`,
    write: () =>
      tenant.query('UPDATE sale_order SET amount_total = amount_total + 1 WHERE id = $1', [
        (n++ % 50) + 1,
      ]),
    async stop() {
      await tenant.end();
      await postgres.stop();
    },
  };
}
