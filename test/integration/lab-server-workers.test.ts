// The lab's prefork model on real processes, PostgreSQL and HTTP: one request per worker, queueing,
// limit_time_real kills and rolls back, concurrent writers retried on 40001.
import pg from 'pg';
import { startLocalPostgres, type PostgresHandle } from '../../src/pg-local/postgres-provider.js';
import { databaseUrl } from '../../src/lab/server/databases.js';
import type { LabHandle } from '../../src/lab/server/index.js';
import {
  executeKw,
  startProbeLab,
  waitFor,
  type Captured,
} from '../lab/server/support/lab-client.js';

const DB = 'lab';
let postgres: PostgresHandle;
let lab: LabHandle & { logs: Captured };
let observer: pg.Client;

beforeAll(async () => {
  postgres = await startLocalPostgres();
  lab = await startProbeLab({
    workers: 2,
    databases: [DB],
    // Long enough for a first call's 600,000-round password check on a busy machine.
    limitTimeRealSeconds: 8,
    pgUrl: postgres.url,
  });
  observer = new pg.Client({ connectionString: databaseUrl(postgres.url, DB) });
  await observer.connect();
  await warmWorkers();
});

/**
 * Each worker checks the password once (600,000 PBKDF2 rounds) before caching it: two
 * overlapping calls warm both workers' caches, so later requests take their method's time only.
 */
async function warmWorkers(): Promise<void> {
  await Promise.all([0, 1].map(() => executeKw(lab.url, DB, 'lab.probe', 'hold', [0.2])));
}
afterAll(async () => {
  await observer?.end();
  await lab?.stop();
  await postgres?.stop();
});

/** The lab's workers' connections that are running a statement, seen from PostgreSQL. */
async function activeWorkerConnections(client: pg.Client): Promise<number> {
  const r = await client.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE 'odoo-capacity-lab worker%' AND state = 'active' AND datname = $1",
    [DB],
  );
  return r.rows[0]!.n;
}

describe('lab prefork workers', () => {
  it('runs at most two requests at once with --workers 2; the others wait in the queue and all succeed', async () => {
    const seen: number[] = [];
    let done = false;
    const sampling = (async () => {
      while (!done) {
        seen.push(await activeWorkerConnections(observer));
        seen.push(lab.status().workers.busy);
      }
    })();
    let answers;
    try {
      const calls = Array.from({ length: 6 }, () =>
        executeKw(lab.url, DB, 'lab.probe', 'hold', [0.3]),
      );
      await waitFor(() => lab.status().queue.length > 0, 'a queued request');
      answers = await Promise.all(calls);
    } finally {
      done = true;
      await sampling;
    }

    expect(answers.map((a) => a.value)).toEqual(Array(6).fill(true));
    expect(Math.max(...seen)).toBe(2);
    expect(lab.status().workers.peak_concurrent).toBe(2);
    expect(lab.status().queue.peak).toBeGreaterThanOrEqual(4);
  });

  it('kills a request past limit_time_real: the connection drops, its writes roll back, a new worker serves', async () => {
    const before = lab.status();
    const pidsBefore = before.workers.list.map((w) => w.pid);
    const marker = `killed-${Date.now()}`;
    const outcome = await executeKw(lab.url, DB, 'lab.probe', 'hold', [30, marker]).then(
      () => 'answered',
      (error: Error) => `dropped: ${(error.cause as Error | undefined)?.message ?? error.message}`,
    );
    expect(outcome).toMatch(/^dropped/);
    await waitFor(() => lab.status().workers.idle === 2, 'a replacement worker');
    const after = lab.status();
    expect(after.requests.killed_limit_time_real).toBe(before.requests.killed_limit_time_real + 1);
    expect(
      after.workers.list.map((w) => w.pid).filter((p) => !pidsBefore.includes(p)),
    ).toHaveLength(1);
    const rows = await observer.query('SELECT 1 FROM res_partner WHERE ref = $1', [marker]);
    expect(rows.rowCount).toBe(0);
    expect(lab.logs.lines.some((l) => l.includes('limit_time_real'))).toBe(true);
  });

  it('retries concurrent writers to one row on 40001 until each succeeds, and counts the retries', async () => {
    const hot = 1;
    await warmWorkers(); // the previous test replaced a worker
    const before = lab.status().retries.by_code['40001'] ?? 0;
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => executeKw(lab.url, DB, 'lab.probe', 'bump', [hot, 0.2])),
    );
    expect(answers.map((a) => a.fault ?? a.value)).toEqual(Array(4).fill(true));
    expect(lab.status().retries.by_code['40001'] ?? 0).toBeGreaterThan(before);
    expect(
      lab.logs.lines.some((l) =>
        /SERIALIZATION_FAILURE, \d tries left, try again in [\d.]+ sec\.\.\./.test(l),
      ),
    ).toBe(true);
    const row = await executeKw(lab.url, DB, 'res.partner', 'read', [[hot]]);
    expect((row.value as { name: string }[])[0]!.name).toMatch(/\+{4}$/);
  });

  it('answers a fault for a malformed body and keeps serving', async () => {
    const response = await fetch(`${lab.url}/xmlrpc/2/object`, {
      method: 'POST',
      body: '<methodCall><params>',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.text()).toMatch(/<name>faultCode<\/name>\s*<value><int>1<\/int>/);
    expect(lab.status().requests.worker_crashes).toBe(0);
    const ok = await executeKw(lab.url, DB, 'res.partner', 'search_count', [[]]);
    expect(typeof ok.value).toBe('number');
  });
});
