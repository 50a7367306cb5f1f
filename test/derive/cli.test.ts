// `workload derive` refuses what it cannot use with one line and the CLI's exit codes, never a
// stack trace, and never shows a password.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalPostgres, type PostgresHandle } from '../../src/pg-local/postgres-provider.js';
import { cleanEnv, hasStackTrace, runCli } from '../helpers/cli.js';

async function derive(args: string[], env: Record<string, string> = {}) {
  const result = await runCli(['workload', 'derive', ...args], cleanEnv(env));
  expect(hasStackTrace(result.stderr)).toBe(false);
  return result;
}

describe('workload derive: bad input', () => {
  it('asks for PGURL when there is none', async () => {
    const r = await derive([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no database: set PGURL/m);
  });

  it('refuses a password on the command line', async () => {
    const r = await derive(['--pg-url', 'postgres://reader:s3cret-pass@127.0.0.1:1/odoo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--pg-url: a password inside the URL is not accepted');
    expect(r.stderr).not.toContain('s3cret-pass');
  });

  it('checks its numbers before connecting', async () => {
    const r = await derive(['--days', '3'], { PGURL: 'postgres://reader@127.0.0.1:1/odoo' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--days: expected a whole number of days from 7 to 3660, got 3/);
    const u = await derive(['--until', '2026-13-45'], { PGURL: 'postgres://r@127.0.0.1:1/odoo' });
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('--until: expected a date YYYY-MM-DD');
  });

  it('says PostgreSQL is unreachable with exit 3, the password masked', async () => {
    const r = await derive([], { PGURL: 'postgres://reader:s3cret-pass@127.0.0.1:1/odoo' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/PostgreSQL \(Odoo database\): cannot connect/);
    expect(r.stderr).not.toContain('s3cret-pass');
  });
});

describe('workload derive: a database that is not what it needs', () => {
  let handle: PostgresHandle;
  let url: string;

  beforeAll(async () => {
    handle = await startLocalPostgres();
    url = handle.url.reveal();
  }, 120_000);
  afterAll(async () => {
    await handle?.stop();
  });

  it('says a database without Odoo tables is not an Odoo database, exit 2', async () => {
    const r = await derive([], { PGURL: url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no sale_order or account_move table: not an Odoo database/);
  });

  it('names a time zone PostgreSQL does not know, exit 2', async () => {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query(
      'CREATE TABLE IF NOT EXISTS sale_order (id serial PRIMARY KEY, state varchar, date_order timestamp)',
    );
    await db.end();
    const r = await derive(['--timezone', 'Mars/Olympus'], { PGURL: url });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--timezone: .*Mars\/Olympus/);
  });
});
