// doctor's statistics check against a real PostgreSQL: a monitoring role passes, a plain role
// fails with the GRANT that fixes it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresHandle } from '../../src/pg-local/postgres-provider.js';
import { providePostgres } from '../helpers/postgres.js';
import { resolvePgUrl } from '../../src/core/target.js';
import { cleanEnv, hasStackTrace, runCli } from '../helpers/cli.js';

let handle: PostgresHandle;
let plainUrl: string;
let monitorUrl: string;

beforeAll(async () => {
  handle = await providePostgres({ pgUrl: resolvePgUrl({}) });
  const admin = new pg.Client({ connectionString: handle.url.reveal() });
  await admin.connect();
  const suffix = Date.now().toString(36);
  await admin.query(`CREATE ROLE oc_plain_${suffix} LOGIN PASSWORD 'plain-pw-8812'`);
  await admin.query(`CREATE ROLE oc_mon_${suffix} LOGIN PASSWORD 'mon-pw-8812' IN ROLE pg_monitor`);
  await admin.end();
  const base = new URL(handle.url.reveal());
  plainUrl = `postgres://oc_plain_${suffix}:plain-pw-8812@${base.host}${base.pathname}`;
  monitorUrl = `postgres://oc_mon_${suffix}:mon-pw-8812@${base.host}${base.pathname}`;
});
afterAll(() => handle?.stop());

describe('doctor pgstats', () => {
  it('passes for a role in pg_monitor', async () => {
    const result = await runCli(['doctor', '--json'], cleanEnv({ PGURL: monitorUrl }));
    const check = (
      JSON.parse(result.stdout) as { checks: { name: string; status: string }[] }
    ).checks.find((c) => c.name === 'pgstats');
    expect(check?.status).toBe('ok');
  });

  it('fails for a role that cannot read statistics, saying which GRANT fixes it, without the password', async () => {
    const result = await runCli(['doctor'], cleanEnv({ PGURL: plainUrl }));
    expect(result.code).toBe(1);
    const failure = result.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(failure).toHaveLength(1);
    expect(failure[0]).toMatch(/^FAIL pgstats .*GRANT pg_monitor/);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(result.stderr + result.stdout).not.toContain('plain-pw-8812');
  });
});
