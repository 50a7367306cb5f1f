// Samples of PostgreSQL activity during a step's hold (pg-samples.ndjson); query texts are never
// read, since they may hold customer data.
import type pg from 'pg';
import { log } from '../core/logger.js';
import { OWN_QUERY_MARK } from './server-features.js';

export interface DatabaseActivity {
  /** Client connections by state: active, idle, idle in transaction, ... */
  states: Record<string, number>;
  /** Wait events of client connections, "Lock:transactionid" style, by count. */
  waits: Record<string, number>;
  /** Client connections waiting on a heavyweight lock (wait_event_type Lock). */
  lockWaits: number;
}

export interface ActivitySample {
  time: string;
  databases: Record<string, DatabaseActivity>;
  /** Locks not granted, by database, lock type and mode. */
  locksNotGranted: { datname: string; locktype: string; mode: string; count: number }[];
}

export async function sampleActivity(client: pg.Client): Promise<ActivitySample> {
  const time = new Date().toISOString();
  const activity = await client.query<{
    datname: string | null;
    state: string | null;
    wait: string | null;
    lock: boolean;
    n: string;
  }>(`${OWN_QUERY_MARK}
    SELECT datname, state,
           CASE WHEN wait_event IS NOT NULL THEN wait_event_type || ':' || wait_event END AS wait,
           wait_event_type = 'Lock' AS lock, count(*) AS n
      FROM pg_stat_activity
     WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
     GROUP BY 1, 2, 3, 4`);
  const locks = await client.query<{
    datname: string | null;
    locktype: string;
    mode: string;
    n: string;
  }>(
    `${OWN_QUERY_MARK}
     SELECT coalesce(d.datname, a.datname) AS datname, l.locktype, l.mode, count(*) AS n
       FROM pg_locks l
       LEFT JOIN pg_database d ON d.oid = l.database
       -- transactionid and virtualxid locks name no database: the waiting backend's is used.
       LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE NOT l.granted
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  const databases: Record<string, DatabaseActivity> = {};
  for (const r of activity.rows) {
    const db = (databases[r.datname ?? '(none)'] ??= { states: {}, waits: {}, lockWaits: 0 });
    const n = Number(r.n);
    const state = r.state ?? 'unknown';
    db.states[state] = (db.states[state] ?? 0) + n;
    if (r.wait && state === 'active') db.waits[r.wait] = (db.waits[r.wait] ?? 0) + n;
    if (r.lock) db.lockWaits += n;
  }
  return {
    time,
    databases,
    locksNotGranted: locks.rows.map((r) => ({
      datname: r.datname ?? '(cluster)',
      locktype: r.locktype,
      mode: r.mode,
      count: Number(r.n),
    })),
  };
}

export interface ActivitySampler {
  /** Stops sampling and returns the samples taken (an in-flight sample is awaited). */
  stop(): Promise<ActivitySample[]>;
}

/**
 * Samples every intervalSeconds until stopped, the first sample at once. A failed sample is
 * logged and skipped: a momentary statistics hiccup must not end a load step.
 */
export function startActivitySampler(client: pg.Client, intervalSeconds: number): ActivitySampler {
  const samples: ActivitySample[] = [];
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      try {
        samples.push(await sampleActivity(client));
      } catch (error) {
        log.warn(`PostgreSQL activity sample skipped: ${(error as Error).message}`);
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalSeconds * 1000);
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      return samples;
    },
  };
}
