// Odoo's `retrying` on a real PostgreSQL: REPEATABLE READ, genuine serialization failures
// retried up to five tries, then the original error as fault 1; integrity errors as fault 2.
import pg from 'pg';
import { startLocalPostgres, type PostgresHandle } from '../../src/pg-local/postgres-provider.js';
import { ValidationError } from '../../src/lab/exceptions.js';
import { intFault } from '../../src/lab/server/faults.js';
import { retrying, type RetryEvent } from '../../src/lab/server/transaction.js';
import { FRAMES } from '../../src/lab/server/traceback.js';

let postgres: PostgresHandle;
let worker: pg.Client;
let other: pg.Client;

beforeAll(async () => {
  postgres = await startLocalPostgres();
  worker = new pg.Client({ connectionString: postgres.url.reveal() });
  other = new pg.Client({ connectionString: postgres.url.reveal() });
  await Promise.all([worker.connect(), other.connect()]);
  await worker.query(
    'CREATE TABLE quant (id int PRIMARY KEY, qty int NOT NULL); INSERT INTO quant VALUES (1, 0)',
  );
});
afterAll(async () => {
  await Promise.all([worker?.end(), other?.end()]);
  await postgres?.stop();
});

/**
 * One try of a call that meets a genuine 40001 while `conflicts` > 0: it takes its snapshot,
 * another session commits a change to the row, then it updates the same row.
 */
function conflictingCall(conflicts: { left: number }) {
  return async () => {
    await worker.query('SELECT qty FROM quant WHERE id = 1');
    if (conflicts.left-- > 0) await other.query('UPDATE quant SET qty = qty + 100 WHERE id = 1');
    await worker.query('UPDATE quant SET qty = qty + 1 WHERE id = 1');
    return (
      await worker.query<{ level: string }>(
        "SELECT current_setting('transaction_isolation') AS level",
      )
    ).rows[0]!.level;
  };
}

function hooks(events: RetryEvent[], gaveUp: string[] = []) {
  return {
    onRetry: (e: RetryEvent) => events.push(e),
    onGiveUp: (code: string) => gaveUp.push(code),
    random: () => 0, // Odoo's backoff is uniform(0, 2**try); its lower bound keeps the test short.
  };
}

describe("Odoo's retrying on PostgreSQL", () => {
  it('runs the call in REPEATABLE READ and retries a serialization failure until it commits', async () => {
    const events: RetryEvent[] = [];
    const before = (await other.query('SELECT qty FROM quant WHERE id = 1')).rows[0].qty as number;
    const result = await retrying(worker, conflictingCall({ left: 2 }), hooks(events));
    expect(result).toEqual({ value: 'repeatable read', retries: 2 });
    expect(events.map((e) => [e.code, e.triesLeft])).toEqual([
      ['40001', 4],
      ['40001', 3],
    ]);
    const after = (await other.query('SELECT qty FROM quant WHERE id = 1')).rows[0].qty as number;
    expect(after - before).toBe(201); // two concurrent +100 and exactly one committed +1
  });

  it('gives up after the fifth try and raises the original error, fault 1 naming SerializationFailure', async () => {
    const events: RetryEvent[] = [];
    const gaveUp: string[] = [];
    const error = await retrying(
      worker,
      conflictingCall({ left: 99 }),
      hooks(events, gaveUp),
    ).catch((e: unknown) => e);
    expect(events).toHaveLength(4);
    expect(gaveUp).toEqual(['40001']);
    const fault = intFault(error, [FRAMES.rpc, FRAMES.retrying]);
    expect(fault.faultCode).toBe(1);
    expect(fault.faultString.trim().split('\n').at(-1)).toMatch(
      /^psycopg2\.errors\.SerializationFailure: could not serialize access/,
    );
    expect((await worker.query('SELECT 1 AS ok')).rows[0].ok).toBe(1); // no transaction left open
  });

  it('turns an IntegrityError into a ValidationError (fault 2) without retrying, and rolls back', async () => {
    const events: RetryEvent[] = [];
    const error = await retrying(
      worker,
      async () => {
        await worker.query('UPDATE quant SET qty = -5 WHERE id = 1');
        await worker.query('INSERT INTO quant VALUES (1, 0)');
      },
      hooks(events),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(intFault(error, []).faultCode).toBe(2);
    expect((error as Error).message).toMatch(/^The operation cannot be completed: duplicate key/);
    expect(events).toHaveLength(0);
    expect((await other.query('SELECT qty FROM quant WHERE id = 1')).rows[0].qty).not.toBe(-5);
  });
});
