// A snapshot of PostgreSQL's cumulative statistics before and after each step, with the view
// differences from PostgreSQL 13 to 18 settled here so deltas read one shape.
import type pg from 'pg';
import { RUN_SCHEMA_VERSION, type DatabaseDelta } from '../core/run-types.js';
import { OWN_QUERY_MARK, type ServerFeatures } from './server-features.js';

/** The cumulative counters of pg_stat_database whose differences make a DatabaseDelta. */
export type DatabaseCounters = Pick<
  DatabaseDelta,
  | 'datname'
  | 'xactCommit'
  | 'xactRollback'
  | 'blksRead'
  | 'blksHit'
  | 'tempBytes'
  | 'deadlocks'
  | 'conflicts'
  | 'activeTimeMs'
> & { oid: number; sizeBytes: number };

export interface StatementCounters {
  dbid: number;
  queryid: string;
  query: string;
  calls: number;
  totalExecMs: number;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  /** pg_stat_statements 1.8+. */
  walBytes?: number;
}

export interface ClusterCounters {
  /** Bytes of WAL since 0/0 (pg_current_wal_lsn): every version has it. */
  walLsnBytes: number;
  checkpointsTimed: number;
  checkpointsRequested: number;
  checkpointWriteMs: number;
  checkpointSyncMs: number;
  buffersCheckpoint: number;
  buffersClean: number;
  /** Buffers written by backends: pg_stat_bgwriter before 16, pg_stat_io from 16. */
  buffersBackend?: number;
  buffersAlloc: number;
  /** pg_stat_wal, PG 14+. */
  walRecords?: number;
  walFpi?: number;
  /** pg_stat_io, PG 16+, per backend type. */
  io?: Record<string, { readBytes: number; writeBytes: number; hits: number }>;
}

export interface PgSnapshot {
  schemaVersion: typeof RUN_SCHEMA_VERSION;
  takenAt: string;
  serverVersion: string;
  versionNum: number;
  databases: DatabaseCounters[];
  /** Null when pg_stat_statements is not available (see note). */
  statements: StatementCounters[] | null;
  statStatementsNote?: string;
  cluster: ClusterCounters;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const QUERY_TEXT_MAX = 2000;
// Utility statements keep their literals in pg_stat_statements (ALTER ROLE ... PASSWORD '...'):
// their text never reaches a run directory.
const MENTIONS_SECRET = /password|secret|passwd|api[_-]?key/i;
export const WITHHELD_QUERY = '[statement text withheld: it mentions a password or key]';

async function databaseCounters(
  client: pg.Client,
  features: ServerFeatures,
): Promise<DatabaseCounters[]> {
  const activeTime = features.activeTime ? 's.active_time' : 'NULL::float8';
  const { rows } = await client.query(`${OWN_QUERY_MARK}
    SELECT d.oid, d.datname, s.xact_commit, s.xact_rollback, s.blks_read, s.blks_hit,
           s.temp_bytes, s.deadlocks, s.conflicts, ${activeTime} AS active_time,
           pg_database_size(d.oid) AS size
      FROM pg_database d JOIN pg_stat_database s ON s.datid = d.oid
     WHERE NOT d.datistemplate AND d.datallowconn
     ORDER BY d.datname`);
  return rows.map((r) => ({
    oid: num(r.oid),
    datname: r.datname as string,
    xactCommit: num(r.xact_commit),
    xactRollback: num(r.xact_rollback),
    blksRead: num(r.blks_read),
    blksHit: num(r.blks_hit),
    tempBytes: num(r.temp_bytes),
    deadlocks: num(r.deadlocks),
    conflicts: num(r.conflicts),
    ...(features.activeTime && { activeTimeMs: num(r.active_time) }),
    sizeBytes: num(r.size),
  }));
}

async function statementCounters(
  client: pg.Client,
  features: ServerFeatures,
): Promise<StatementCounters[] | null> {
  const ss = features.statStatements;
  if (!ss.available) return null;
  const has = (c: string) => ss.columns.has(c);
  // 1.8 (PG 13) renamed total_time to total_exec_time; older versions survive pg_upgrade.
  const totalTime = has('total_exec_time') ? 'total_exec_time' : 'total_time';
  const walBytes = has('wal_bytes') ? 'sum(wal_bytes)' : 'NULL';
  // 1.9 (PG 14) splits nested statements (toplevel false) from the top-level ones.
  const topLevel = has('toplevel') ? 'AND toplevel' : '';
  const { rows } = await client.query(`${OWN_QUERY_MARK}
    SELECT dbid, queryid::text AS queryid, min(query) AS query, sum(calls) AS calls,
           sum(${totalTime}) AS total_ms, sum(rows) AS rows, sum(shared_blks_hit) AS hit,
           sum(shared_blks_read) AS read, ${walBytes} AS wal
      FROM ${ss.relation}
     WHERE queryid IS NOT NULL ${topLevel}
     GROUP BY dbid, queryid`);
  return rows
    .filter((r) => !String(r.query ?? '').includes(OWN_QUERY_MARK))
    .map((r) => {
      const query = String(r.query ?? '');
      return {
        dbid: num(r.dbid),
        queryid: r.queryid as string,
        query: MENTIONS_SECRET.test(query) ? WITHHELD_QUERY : query.slice(0, QUERY_TEXT_MAX),
        calls: num(r.calls),
        totalExecMs: num(r.total_ms),
        rows: num(r.rows),
        sharedBlksHit: num(r.hit),
        sharedBlksRead: num(r.read),
        ...(r.wal !== null && { walBytes: num(r.wal) }),
      };
    });
}

async function clusterCounters(
  client: pg.Client,
  features: ServerFeatures,
): Promise<ClusterCounters> {
  const one = async (sql: string) => (await client.query(`${OWN_QUERY_MARK} ${sql}`)).rows[0]!;
  const wal = await one(`SELECT pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery()
      THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, '0/0') AS bytes`);
  let counters: ClusterCounters;
  if (features.checkpointer) {
    // 17 moved the checkpoint counters to pg_stat_checkpointer and backend writes to pg_stat_io.
    const c = await one(`SELECT num_timed, num_requested, write_time, sync_time, buffers_written
                           FROM pg_stat_checkpointer`);
    const b = await one('SELECT buffers_clean, buffers_alloc FROM pg_stat_bgwriter');
    counters = {
      walLsnBytes: num(wal.bytes),
      checkpointsTimed: num(c.num_timed),
      checkpointsRequested: num(c.num_requested),
      checkpointWriteMs: num(c.write_time),
      checkpointSyncMs: num(c.sync_time),
      buffersCheckpoint: num(c.buffers_written),
      buffersClean: num(b.buffers_clean),
      buffersAlloc: num(b.buffers_alloc),
    };
  } else {
    const b = await one(`SELECT checkpoints_timed, checkpoints_req, checkpoint_write_time,
        checkpoint_sync_time, buffers_checkpoint, buffers_clean, buffers_backend, buffers_alloc
        FROM pg_stat_bgwriter`);
    counters = {
      walLsnBytes: num(wal.bytes),
      checkpointsTimed: num(b.checkpoints_timed),
      checkpointsRequested: num(b.checkpoints_req),
      checkpointWriteMs: num(b.checkpoint_write_time),
      checkpointSyncMs: num(b.checkpoint_sync_time),
      buffersCheckpoint: num(b.buffers_checkpoint),
      buffersClean: num(b.buffers_clean),
      buffersBackend: num(b.buffers_backend),
      buffersAlloc: num(b.buffers_alloc),
    };
  }
  if (features.statWal) {
    const w = await one('SELECT wal_records, wal_fpi FROM pg_stat_wal');
    counters.walRecords = num(w.wal_records);
    counters.walFpi = num(w.wal_fpi);
  }
  if (features.statIo) {
    // 16 and 17 count operations of op_bytes each; 18 reports bytes directly.
    const bytes = features.ioByteColumns
      ? 'sum(read_bytes) AS read_bytes, sum(write_bytes) AS write_bytes'
      : 'sum(reads * op_bytes) AS read_bytes, sum(writes * op_bytes) AS write_bytes';
    const { rows } = await client.query(`${OWN_QUERY_MARK}
      SELECT backend_type, ${bytes}, sum(hits) AS hits, sum(writes) AS writes
        FROM pg_stat_io GROUP BY backend_type ORDER BY backend_type`);
    counters.io = Object.fromEntries(
      rows.map((r) => [
        r.backend_type as string,
        { readBytes: num(r.read_bytes), writeBytes: num(r.write_bytes), hits: num(r.hits) },
      ]),
    );
    const client_ = rows.find((r) => r.backend_type === 'client backend');
    counters.buffersBackend = num(client_?.writes);
  }
  return counters;
}

export async function takeSnapshot(
  client: pg.Client,
  features: ServerFeatures,
): Promise<PgSnapshot> {
  const takenAt = new Date().toISOString();
  const [databases, statements, cluster] = [
    await databaseCounters(client, features),
    await statementCounters(client, features),
    await clusterCounters(client, features),
  ];
  return {
    schemaVersion: RUN_SCHEMA_VERSION,
    takenAt,
    serverVersion: features.serverVersion,
    versionNum: features.versionNum,
    databases,
    statements,
    ...(features.statStatements.note !== undefined && {
      statStatementsNote: features.statStatements.note,
    }),
    cluster,
  };
}
