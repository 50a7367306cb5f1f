// The PostgreSQL provider starts a real server (PGURL, testcontainers or embedded, whichever this
// machine offers), with pg_stat_statements answering, and cleans up after itself.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startLocalPostgres } from '../../src/pg-local/postgres-provider.js';
import { providePostgres } from '../helpers/postgres.js';
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
      pgUrl: resolvePgUrl({}, { PGURL: 'postgres://u:pw-secret-55@127.0.0.1:1/postgres' }),
    }).catch((e: unknown) => e)) as Error & { exitCode: number };
    expect(error.exitCode).toBe(3);
    expect(error.message).not.toContain('pw-secret-55');
  });
});

// Statistics code must work on more than one PostgreSQL: the provider also starts
// the machine's own installs (Debian's /usr/lib/postgresql/<major>/bin).
const systemBinDirs = readdirSync('/usr/lib/postgresql', { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => join('/usr/lib/postgresql', d.name, 'bin'))
  .filter((dir) => existsSync(join(dir, 'postgres')));

describe('startLocalPostgres with system binaries', () => {
  if (systemBinDirs.length === 0) {
    it('has no system PostgreSQL to test here (none in /usr/lib/postgresql)', () => {
      console.warn(
        'no system PostgreSQL under /usr/lib/postgresql: only the embedded 18 was tested',
      );
    });
  }
  for (const binDir of systemBinDirs) {
    it(`starts ${binDir} with pg_stat_statements`, async () => {
      const handle = await startLocalPostgres({ binDir });
      try {
        expect(handle.statStatements).toBe(true);
        expect(Math.floor(handle.versionNum / 10000)).toBe(Number(binDir.split('/').at(-2)));
      } finally {
        await handle.stop();
      }
    });
  }
});
