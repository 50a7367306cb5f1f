// Can this role read the statistics the runner needs (doctor)? Decided by the same feature probe
// the runner uses.
import { connectPg } from '../core/pg-connect.js';
import type { Secret } from '../core/secret.js';
import { detectFeatures } from './server-features.js';

export interface StatsAccess {
  summary: string;
  problem?: string;
  fix?: string;
}

export async function checkStatsAccess(url: Secret): Promise<StatsAccess> {
  const client = await connectPg(url);
  try {
    const features = await detectFeatures(client);
    const summary = `PostgreSQL ${features.serverVersion}`;
    if (!features.readsAllStats) {
      return {
        summary,
        problem: `${summary}: role cannot read other roles' statistics`,
        fix: 'GRANT pg_monitor TO <the PGURL role>; (it includes pg_read_all_stats and pg_read_all_settings)',
      };
    }
    const ss = features.statStatements;
    if (!ss.available) {
      return {
        summary,
        problem: `${summary}: ${ss.note}`,
        fix: "Add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf, restart, then CREATE EXTENSION pg_stat_statements; in the database PGURL names.",
      };
    }
    return { summary: `${summary}, pg_stat_statements ${ss.extVersion} readable` };
  } finally {
    await client.end();
  }
}
