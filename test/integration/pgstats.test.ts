// PostgreSQL statistics against the embedded PostgreSQL 18 and the machine's 15, read by a
// pg_monitor role: snapshots, deltas, the activity sampler, a missing pg_stat_statements.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalPostgres, type PostgresHandle } from '../../src/pg-local/postgres-provider.js';
import { Secret } from '../../src/core/secret.js';
import { sampleActivity } from '../../src/pgstats/activity-sampler.js';
import { databaseDeltas } from '../../src/pgstats/delta.js';
import { WITHHELD_QUERY } from '../../src/pgstats/snapshot.js';
import { PgStatsSession } from '../../src/pgstats/stats-session.js';

const PG15 = '/usr/lib/postgresql/15/bin';
const servers: { name: string; binDir?: string }[] = [{ name: 'embedded PostgreSQL 18' }];
if (existsSync(`${PG15}/postgres`)) servers.push({ name: 'PostgreSQL 15', binDir: PG15 });
else {
  it.skip('PostgreSQL 15 is not installed at /usr/lib/postgresql/15/bin: only 18 is tested here');
}

function withDb(url: string, db: string, user?: { name: string; password: string }): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  if (user) {
    u.username = user.name;
    u.password = user.password;
  }
  return u.toString();
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

describe.each(servers)('pgstats on $name', ({ binDir }) => {
  let handle: PostgresHandle;
  let admin: pg.Client;
  let monitorUrl: Secret;
  const monitor = { name: 'oc_monitor', password: 'monitor-pw-31337' };

  beforeAll(async () => {
    handle = await startLocalPostgres(binDir ? { binDir } : {});
    admin = await connect(handle.url.reveal());
    await admin.query(
      `CREATE ROLE ${monitor.name} LOGIN PASSWORD '${monitor.password}' IN ROLE pg_monitor`,
    );
    for (const db of ['tenant_a', 'tenant_b']) await admin.query(`CREATE DATABASE ${db}`);
    for (const db of ['tenant_a', 'tenant_b']) {
      const c = await connect(withDb(handle.url.reveal(), db));
      await c.query('CREATE TABLE stock_quant (id int PRIMARY KEY, quantity int NOT NULL)');
      await c.query('INSERT INTO stock_quant SELECT g, 100 FROM generate_series(1, 10) g');
      await c.end();
    }
    monitorUrl = new Secret(withDb(handle.url.reveal(), 'postgres', monitor));
  });
  afterAll(async () => {
    await admin?.end();
    await handle?.stop();
  });

  it('splits the deltas of a step per database, with its top statements, for a pg_monitor role', async () => {
    const session = await PgStatsSession.open(monitorUrl);
    try {
      expect(session.features.readsAllStats).toBe(true);
      const before = await session.snapshot();
      const tenant = await connect(withDb(handle.url.reveal(), 'tenant_a'));
      for (let i = 0; i < 25; i++) {
        await tenant.query('UPDATE stock_quant SET quantity = quantity - $1 WHERE id = $2', [
          1,
          (i % 10) + 1,
        ]);
      }
      await tenant.end();
      const after = await session.snapshot();
      const delta = databaseDeltas(before, after, []);

      const a = delta.databases.find((d) => d.datname === 'tenant_a')!;
      const b = delta.databases.find((d) => d.datname === 'tenant_b')!;
      expect(a.xactCommit).toBeGreaterThanOrEqual(25);
      expect(b.xactCommit).toBeLessThan(5);
      const update = a.topStatements.find((s) => s.query.startsWith('UPDATE stock_quant'));
      expect(update?.calls).toBe(25);
      expect(update!.walBytes).toBeGreaterThan(0);
      expect(update!.meanExecMs).toBeCloseTo(update!.totalExecMs / 25, 2);
      expect(b.topStatements.some((s) => s.query.startsWith('UPDATE stock_quant'))).toBe(false);
      expect(a.statementTimeMs).toBeGreaterThan(0);
      expect(a.activeTimeMs).toBeGreaterThan(0); // PG 14+
      expect(a.sizeBytesAfter).toBeGreaterThan(0);
      expect(delta.cluster.statStatements).toBe(true);
      expect(delta.cluster.walBytes).toBeGreaterThan(0);
      expect(delta.cluster.walRecords).toBeGreaterThan(0);
      expect(delta.cluster.note).toBeUndefined();
    } finally {
      await session.close();
    }
  });

  it('reads checkpoints from the view this version keeps them in', async () => {
    const session = await PgStatsSession.open(monitorUrl);
    try {
      const before = await session.snapshot();
      await admin.query('CHECKPOINT');
      const after = await session.snapshot();
      const delta = databaseDeltas(before, after, []);
      expect(delta.cluster.checkpointsRequested).toBeGreaterThanOrEqual(1);
      expect(delta.cluster.checkpoints).toBeGreaterThanOrEqual(1);
      expect(session.features.checkpointer).toBe(handle.versionNum >= 170000);
      if (handle.versionNum >= 160000) expect(after.cluster.io?.['client backend']).toBeDefined();
    } finally {
      await session.close();
    }
  });

  it('samples connections by state, wait events and lock waits per database', async () => {
    const holder = await connect(withDb(handle.url.reveal(), 'tenant_b'));
    const waiter = await connect(withDb(handle.url.reveal(), 'tenant_b'));
    const session = await connect(monitorUrl.reveal());
    try {
      await holder.query('BEGIN');
      await holder.query('UPDATE stock_quant SET quantity = 0 WHERE id = 1');
      const blocked = waiter.query('UPDATE stock_quant SET quantity = 1 WHERE id = 1');
      blocked.catch(() => {}); // settled below; a failed assertion ends the connection first
      const deadline = Date.now() + 10_000;
      let sample = await sampleActivity(session);
      while (!(sample.databases.tenant_b?.lockWaits ?? 0) && Date.now() < deadline) {
        sample = await sampleActivity(session);
      }
      const b = sample.databases.tenant_b!;
      expect(b.lockWaits).toBe(1);
      expect(b.states['idle in transaction']).toBe(1);
      expect(b.waits['Lock:transactionid']).toBe(1);
      expect(sample.locksNotGranted).toContainEqual(
        expect.objectContaining({
          datname: 'tenant_b',
          locktype: 'transactionid',
          mode: 'ShareLock',
        }),
      );
      await holder.query('COMMIT');
      await blocked;
      const summary = databaseDeltas(
        { ...emptySnapshotLike(), databases: [] },
        { ...emptySnapshotLike(), databases: [] },
        [sample],
      ).activity;
      expect(summary.lockWaitsMax).toBe(1);
      expect(summary.connectionsByState['idle in transaction']).toEqual({ mean: 1, max: 1 });
    } finally {
      await Promise.all([holder.end(), waiter.end(), session.end()]);
    }
  });

  it('never keeps the text of a statement that mentions a password', async () => {
    await admin.query(`ALTER ROLE ${monitor.name} PASSWORD '${monitor.password}'`);
    const session = await PgStatsSession.open(monitorUrl);
    try {
      const snapshot = await session.snapshot();
      const text = JSON.stringify(snapshot);
      expect(text).not.toContain(monitor.password);
      expect(text).toContain(WITHHELD_QUERY);
    } finally {
      await session.close();
    }
  });

  it('carries on without pg_stat_statements and says so in one line', async () => {
    await admin.query('DROP EXTENSION pg_stat_statements');
    try {
      const session = await PgStatsSession.open(monitorUrl);
      try {
        const note = session.features.statStatements.note!;
        expect(note).toMatch(/pg_stat_statements/);
        expect(note).not.toContain('\n');
        const before = await session.snapshot();
        const after = await session.snapshot();
        const delta = databaseDeltas(before, after, []);
        expect(delta.cluster.statStatements).toBe(false);
        expect(delta.cluster.note).toBe(note);
        expect(delta.databases.find((d) => d.datname === 'tenant_a')?.topStatements).toEqual([]);
      } finally {
        await session.close();
      }
    } finally {
      await admin.query('CREATE EXTENSION pg_stat_statements');
    }
  });
});

function emptySnapshotLike() {
  return {
    schemaVersion: 1 as const,
    takenAt: new Date().toISOString(),
    serverVersion: '',
    versionNum: 0,
    statements: null,
    cluster: {
      walLsnBytes: 0,
      checkpointsTimed: 0,
      checkpointsRequested: 0,
      checkpointWriteMs: 0,
      checkpointSyncMs: 0,
      buffersCheckpoint: 0,
      buffersClean: 0,
      buffersAlloc: 0,
    },
  };
}
