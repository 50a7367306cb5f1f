// The PostgreSQL provider starts a real server (PGURL, testcontainers or embedded, whichever this
// machine offers), with pg_stat_statements answering, and cleans up after itself.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { providePostgres } from '../../src/core/postgres-provider.js';
import { resolvePgUrl } from '../../src/core/target.js';

describe('providePostgres', () => {
  it('starts a server where pg_stat_statements records a query, and stops it', async () => {
    const handle = await providePostgres({ pgUrl: resolvePgUrl({}) });
    const client = new pg.Client({ connectionString: handle.url.reveal() });
    try {
      await client.connect();
      expect(handle.statStatements).toBe(true);
      await client.query('SELECT 42 AS provider_probe');
      const { rows } = await client.query<{ calls: string }>(
        "SELECT calls FROM pg_stat_statements WHERE query LIKE 'SELECT $1 AS provider_probe%'",
      );
      expect(Number(rows[0]?.calls)).toBeGreaterThanOrEqual(1);
      expect(handle.versionNum).toBeGreaterThanOrEqual(130000);
    } finally {
      await client.end();
      await handle.stop();
    }
    if (handle.kind !== 'pgurl') {
      // The server is gone: a new connection is refused.
      const probe = new pg.Client({
        connectionString: handle.url.reveal(),
        connectionTimeoutMillis: 2000,
      });
      await expect(probe.connect()).rejects.toThrow();
    }
  });

  it('reports an unreachable PGURL as unreachable, without the password', async () => {
    const error = (await providePostgres({
      pgUrl: resolvePgUrl({ pgUrl: 'postgres://u:pw-secret-55@127.0.0.1:1/postgres' }),
    }).catch((e: unknown) => e)) as Error & { exitCode: number };
    expect(error.exitCode).toBe(3);
    expect(error.message).not.toContain('pw-secret-55');
  });
});
