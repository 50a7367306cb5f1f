// Deltas between two snapshots, per database (one Odoo database is one tenant), plus the
// cluster-wide counters and the summary of activity samples: step.json's `database`.
import type {
  ActivitySummary,
  DatabaseDelta,
  StatementDelta,
  StepJson,
} from '../core/run-types.js';
import type { ActivitySample, DatabaseActivity } from './activity-sampler.js';
import type { ClusterCounters, PgSnapshot, StatementCounters } from './snapshot.js';

export const TOP_STATEMENTS = 20;

/**
 * after − before for a cumulative counter. A counter that went down was reset (or its statement
 * evicted and re-entered) during the step: what it counted since is all that is known.
 */
const diff = (after: number, before: number | undefined): number =>
  before === undefined || after < before ? after : after - before;

const round = (n: number): number => Number(n.toFixed(3));

function statementDeltas(
  before: StatementCounters[] | null,
  after: StatementCounters[] | null,
): Map<number, StatementDelta[]> {
  const byDb = new Map<number, StatementDelta[]>();
  if (!after) return byDb;
  const old = new Map((before ?? []).map((s) => [`${s.dbid}/${s.queryid}`, s]));
  for (const s of after) {
    const b = old.get(`${s.dbid}/${s.queryid}`);
    const calls = diff(s.calls, b?.calls);
    if (calls <= 0) continue;
    const reset = b !== undefined && s.calls < b.calls;
    const d = (a: number, x: number | undefined) => (reset ? a : diff(a, x));
    const totalExecMs = d(s.totalExecMs, b?.totalExecMs);
    const list = byDb.get(s.dbid) ?? [];
    list.push({
      queryid: s.queryid,
      query: s.query,
      calls,
      totalExecMs: round(totalExecMs),
      meanExecMs: round(totalExecMs / calls),
      rows: d(s.rows, b?.rows),
      sharedBlksHit: d(s.sharedBlksHit, b?.sharedBlksHit),
      sharedBlksRead: d(s.sharedBlksRead, b?.sharedBlksRead),
      walBytes: d(s.walBytes ?? 0, b?.walBytes),
    });
    byDb.set(s.dbid, list);
  }
  return byDb;
}

function summarize(perSample: (DatabaseActivity | undefined)[]): ActivitySummary {
  const states = new Set(perSample.flatMap((a) => Object.keys(a?.states ?? {})));
  const connectionsByState: ActivitySummary['connectionsByState'] = {};
  for (const state of [...states].sort()) {
    const values = perSample.map((a) => a?.states[state] ?? 0);
    connectionsByState[state] = {
      mean: round(values.reduce((s, v) => s + v, 0) / values.length),
      max: Math.max(...values),
    };
  }
  const waitEvents: Record<string, number> = {};
  for (const a of perSample) {
    for (const [wait, n] of Object.entries(a?.waits ?? {}))
      waitEvents[wait] = (waitEvents[wait] ?? 0) + n;
  }
  return {
    samples: perSample.length,
    connectionsByState,
    waitEvents: Object.fromEntries(Object.entries(waitEvents).sort(([, a], [, b]) => b - a)),
    lockWaitsMax: Math.max(0, ...perSample.map((a) => a?.lockWaits ?? 0)),
  };
}

/** The whole cluster's activity in each sample: the databases added together. */
function clusterActivity(sample: ActivitySample): DatabaseActivity {
  const total: DatabaseActivity = { states: {}, waits: {}, lockWaits: 0 };
  for (const db of Object.values(sample.databases)) {
    for (const [k, n] of Object.entries(db.states)) total.states[k] = (total.states[k] ?? 0) + n;
    for (const [k, n] of Object.entries(db.waits)) total.waits[k] = (total.waits[k] ?? 0) + n;
    total.lockWaits += db.lockWaits;
  }
  return total;
}

export function summarizeActivity(samples: readonly ActivitySample[]): ActivitySummary {
  return summarize(samples.map(clusterActivity));
}

function clusterDelta(before: ClusterCounters, after: ClusterCounters) {
  const opt = (a?: number, b?: number) => (a === undefined ? undefined : diff(a, b));
  const io =
    after.io &&
    Object.fromEntries(
      Object.entries(after.io).map(([type, a]) => {
        const b = before.io?.[type];
        return [
          type,
          {
            readBytes: diff(a.readBytes, b?.readBytes),
            writeBytes: diff(a.writeBytes, b?.writeBytes),
            hits: diff(a.hits, b?.hits),
          },
        ];
      }),
    );
  const buffersCheckpoint = diff(after.buffersCheckpoint, before.buffersCheckpoint);
  const buffersClean = diff(after.buffersClean, before.buffersClean);
  const buffersBackend = opt(after.buffersBackend, before.buffersBackend);
  return {
    walBytes: diff(after.walLsnBytes, before.walLsnBytes),
    checkpoints:
      diff(after.checkpointsTimed, before.checkpointsTimed) +
      diff(after.checkpointsRequested, before.checkpointsRequested),
    buffersWritten: buffersCheckpoint + buffersClean + (buffersBackend ?? 0),
    checkpointsRequested: diff(after.checkpointsRequested, before.checkpointsRequested),
    checkpointWriteMs: round(diff(after.checkpointWriteMs, before.checkpointWriteMs)),
    checkpointSyncMs: round(diff(after.checkpointSyncMs, before.checkpointSyncMs)),
    buffersCheckpoint,
    buffersClean,
    ...(buffersBackend !== undefined && { buffersBackend }),
    buffersAlloc: diff(after.buffersAlloc, before.buffersAlloc),
    ...(after.walRecords !== undefined && { walRecords: opt(after.walRecords, before.walRecords) }),
    ...(after.walFpi !== undefined && { walFpi: opt(after.walFpi, before.walFpi) }),
    ...(io && { io }),
  };
}

/** step.json's `database` from the snapshots around a step and the samples taken in its hold. */
export function databaseDeltas(
  before: PgSnapshot,
  after: PgSnapshot,
  samples: readonly ActivitySample[],
): StepJson['database'] {
  const statements = statementDeltas(before.statements, after.statements);
  const oldDbs = new Map(before.databases.map((d) => [d.oid, d]));
  const databases: DatabaseDelta[] = after.databases.map((a) => {
    const b = oldDbs.get(a.oid);
    const top = (statements.get(a.oid) ?? []).sort((x, y) => y.totalExecMs - x.totalExecMs);
    return {
      datname: a.datname,
      xactCommit: diff(a.xactCommit, b?.xactCommit),
      xactRollback: diff(a.xactRollback, b?.xactRollback),
      blksRead: diff(a.blksRead, b?.blksRead),
      blksHit: diff(a.blksHit, b?.blksHit),
      tempBytes: diff(a.tempBytes, b?.tempBytes),
      deadlocks: diff(a.deadlocks, b?.deadlocks),
      conflicts: diff(a.conflicts, b?.conflicts),
      ...(a.activeTimeMs !== undefined && {
        activeTimeMs: round(diff(a.activeTimeMs, b?.activeTimeMs)),
      }),
      statementTimeMs: round(top.reduce((s, t) => s + t.totalExecMs, 0)),
      walBytes: top.reduce((s, t) => s + t.walBytes, 0),
      sizeBytesBefore: b?.sizeBytes ?? a.sizeBytes,
      sizeBytesAfter: a.sizeBytes,
      topStatements: top.slice(0, TOP_STATEMENTS),
      activity: summarize(samples.map((s) => s.databases[a.datname])),
    };
  });
  const statStatements = after.statements !== null;
  return {
    cluster: {
      ...clusterDelta(before.cluster, after.cluster),
      statStatements,
      ...(after.statStatementsNote !== undefined && { note: after.statStatementsNote }),
    },
    databases,
    activity: summarizeActivity(samples),
  };
}
