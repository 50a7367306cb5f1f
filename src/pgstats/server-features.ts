// What this PostgreSQL (13–18) offers the statistics code, read once per run, including whether
// pg_stat_statements is usable by this role.
import type pg from 'pg';

export interface StatStatementsFeature {
  available: boolean;
  /** Schema-qualified view name, e.g. "public".pg_stat_statements. */
  relation?: string;
  extVersion?: string;
  /** Column names of the view: 1.8+ total_exec_time, 1.8+ wal_bytes, 1.9+ toplevel, ... */
  columns: Set<string>;
  /** Why it is not available, or what is limited: one line for the log and step.json. */
  note?: string;
}

export interface ServerFeatures {
  serverVersion: string;
  versionNum: number;
  /** pg_stat_database.active_time (14+). */
  activeTime: boolean;
  /** pg_stat_wal (14+). */
  statWal: boolean;
  /** pg_stat_io (16+); read_bytes/write_bytes replace op_bytes in 18. */
  statIo: boolean;
  ioByteColumns: boolean;
  /** pg_stat_checkpointer (17+): checkpoint counters moved out of pg_stat_bgwriter. */
  checkpointer: boolean;
  /** The role sees other roles' queries (superuser, pg_read_all_stats or pg_monitor). */
  readsAllStats: boolean;
  statStatements: StatStatementsFeature;
}

/** Marks the statistics code's own queries, so snapshots leave them out of pg_stat_statements. */
export const OWN_QUERY_MARK = '/* odoo-capacity pgstats */';

// SQLSTATEs that decide what pg_stat_statements can give (branch on codes, not text).
const NOT_PRELOADED = '55000'; // object_not_in_prerequisite_state: not in shared_preload_libraries
const INSUFFICIENT_PRIVILEGE = '42501';

async function statStatementsFeature(client: pg.Client): Promise<StatStatementsFeature> {
  // Reading shared_preload_libraries needs pg_read_all_settings; querying the view tells the
  // same without it.
  const { rows } = await client.query<{
    schema: string | null;
    version: string | null;
    db: string;
  }>(
    `${OWN_QUERY_MARK}
     SELECT quote_ident(n.nspname) AS schema, e.extversion AS version, current_database() AS db
       FROM (SELECT 1) one
       LEFT JOIN pg_extension e ON e.extname = 'pg_stat_statements'
       LEFT JOIN pg_namespace n ON n.oid = e.extnamespace`,
  );
  const r = rows[0]!;
  const unavailable = (note: string): StatStatementsFeature => ({
    available: false,
    columns: new Set(),
    note: `${note}: statement statistics skipped`,
  });
  if (r.schema === null) {
    return unavailable(
      `the pg_stat_statements extension is not created in database ${r.db} (CREATE EXTENSION pg_stat_statements)`,
    );
  }
  const relation = `${r.schema}.pg_stat_statements`;
  try {
    await client.query(`${OWN_QUERY_MARK} SELECT 1 FROM ${relation} LIMIT 1`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === NOT_PRELOADED) {
      return unavailable(
        'pg_stat_statements is not in shared_preload_libraries (add it to postgresql.conf and restart)',
      );
    }
    if (code === INSUFFICIENT_PRIVILEGE) {
      return unavailable('this role may not read pg_stat_statements (GRANT pg_monitor)');
    }
    throw error;
  }
  const columns = await client.query<{ attname: string }>(
    `${OWN_QUERY_MARK} SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [relation],
  );
  const names = new Set(columns.rows.map((c) => c.attname));
  return { available: true, relation, extVersion: r.version ?? undefined, columns: names };
}

export async function detectFeatures(client: pg.Client): Promise<ServerFeatures> {
  const { rows } = await client.query<{ version: string; num: string; reader: boolean }>(
    `${OWN_QUERY_MARK}
     SELECT current_setting('server_version') AS version,
            current_setting('server_version_num') AS num,
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
              OR pg_has_role(current_user, 'pg_read_all_stats', 'member') AS reader`,
  );
  const r = rows[0]!;
  const versionNum = Number(r.num);
  const statStatements = await statStatementsFeature(client);
  if (statStatements.available && !statStatements.columns.has('total_exec_time')) {
    statStatements.note = `pg_stat_statements ${statStatements.extVersion} predates 1.8: no WAL bytes per statement (ALTER EXTENSION pg_stat_statements UPDATE)`;
  }
  if (statStatements.available && !r.reader) {
    statStatements.note =
      "this role sees only its own statements' text (GRANT pg_monitor to see all)";
  }
  return {
    serverVersion: r.version,
    versionNum,
    activeTime: versionNum >= 140000,
    statWal: versionNum >= 140000,
    statIo: versionNum >= 160000,
    ioByteColumns: versionNum >= 180000,
    checkpointer: versionNum >= 170000,
    readsAllStats: r.reader,
    statStatements,
  };
}
