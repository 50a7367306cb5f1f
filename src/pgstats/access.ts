// Can this role read the statistics the runner needs? pg_stat_statements must be preloaded and
// created, and the role must see other roles' statements (superuser, pg_read_all_stats or
// pg_monitor).
import { connectPg } from '../core/pg-connect.js';
import type { Secret } from '../core/secret.js';

export interface StatsAccess {
  summary: string;
  problem?: string;
  fix?: string;
}

export async function checkStatsAccess(url: Secret): Promise<StatsAccess> {
  const client = await connectPg(url);
  try {
    const role = await client.query<{ version: string; reader: boolean; settings: boolean }>(`
      SELECT current_setting('server_version') AS version,
             rolsuper OR pg_has_role(current_user, 'pg_read_all_stats', 'member') AS reader,
             rolsuper OR pg_has_role(current_user, 'pg_read_all_settings', 'member') AS settings
        FROM pg_roles WHERE rolname = current_user`);
    const r = role.rows[0]!;
    const summary = `PostgreSQL ${r.version}`;
    if (!r.reader || !r.settings) {
      return {
        summary,
        problem: `${summary}: role cannot read other roles' statistics and server settings`,
        fix: 'GRANT pg_monitor TO <the PGURL role>; (it includes pg_read_all_stats and pg_read_all_settings)',
      };
    }
    const facts = await client.query<{ preload: string; ext: boolean }>(`
      SELECT current_setting('shared_preload_libraries') AS preload,
             EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS ext`);
    const f = facts.rows[0]!;
    if (
      !f.preload
        .split(',')
        .map((s) => s.trim())
        .includes('pg_stat_statements')
    ) {
      return {
        summary,
        problem: `${summary}: pg_stat_statements is not in shared_preload_libraries`,
        fix: "Add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf and restart PostgreSQL.",
      };
    }
    if (!f.ext) {
      return {
        summary,
        problem: `${summary}: the pg_stat_statements extension is not created in this database`,
        fix: 'Run CREATE EXTENSION pg_stat_statements; as a superuser in the database PGURL names.',
      };
    }
    await client.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
    return { summary: `${summary}, pg_stat_statements readable` };
  } finally {
    await client.end();
  }
}
