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
