// Test harness for the lab's ORM on a real PostgreSQL: a fresh database per suite, calls run in
// REPEATABLE READ transactions as the server runs them, or held open to interleave.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { OdooFloat, type LabEnv, type OdooSerie } from '../../../src/lab/contract.js';
import { orm } from '../../../src/lab/orm/index.js';
import type { PostgresHandle } from '../../../src/pg-local/postgres-provider.js';
import { providePostgres } from '../../helpers/postgres.js';
import { resolvePgUrl } from '../../../src/core/target.js';

export const ADMIN = 2;

function unmarkFloats(value: unknown): unknown {
  if (value instanceof OdooFloat) return value.value;
  if (Array.isArray(value)) return value.map(unmarkFloats);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unmarkFloats(v)]));
  return value;
}

export function startPostgres(): Promise<PostgresHandle> {
  return providePostgres({ pgUrl: resolvePgUrl({}), docker: false });
}

/** An open REPEATABLE READ transaction, as one server request holds it. */
export class Tx {
  readonly client: pg.PoolClient;
  readonly serie: OdooSerie;
  constructor(client: pg.PoolClient, serie: OdooSerie) {
    this.client = client;
    this.serie = serie;
  }

  /** A call as the server makes it; floats marked for the wire come back as plain numbers. */
  async call<T = unknown>(
    model: string,
    method: string,
    args: unknown[] = [],
    kwargs: Record<string, unknown> = {},
  ): Promise<T> {
    return unmarkFloats(await this.rawCall(model, method, args, kwargs)) as T;
  }

  /** The value exactly as the ORM hands it to the server. */
  rawCall(
    model: string,
    method: string,
    args: unknown[] = [],
    kwargs: Record<string, unknown> = {},
  ): Promise<unknown> {
    const context = (kwargs.context as Record<string, unknown> | undefined) ?? {};
    const env: LabEnv = { cr: this.client, uid: ADMIN, db: 'test', context, serie: this.serie };
    return orm.callKw(env, model, method, args, kwargs);
  }

  /** The backend pid, to watch this transaction in pg_stat_activity. */
  async pid(): Promise<number> {
    const { rows } = await this.client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return rows[0]!.pid;
  }

  async commit(): Promise<void> {
    await this.client.query('COMMIT');
    this.client.release();
  }

  async rollback(): Promise<void> {
    await this.client.query('ROLLBACK').catch(() => undefined);
    this.client.release();
  }
}

export class LabDb {
  readonly pool: pg.Pool;
  readonly name: string;
  readonly serie: OdooSerie;
  constructor(pool: pg.Pool, name: string, serie: OdooSerie) {
    this.pool = pool;
    this.name = name;
    this.serie = serie;
  }

  async begin(): Promise<Tx> {
    const client = await this.pool.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    return new Tx(client, this.serie);
  }

  /** One call in its own transaction: committed on success, rolled back on error. */
  async call<T = unknown>(
    model: string,
    method: string,
    args: unknown[] = [],
    kwargs: Record<string, unknown> = {},
  ): Promise<T> {
    const tx = await this.begin();
    try {
      const result = await tx.call<T>(model, method, args, kwargs);
      await tx.commit();
      return result;
    } catch (error) {
      await tx.rollback();
      throw error;
    }
  }

  async query<T extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    return (await this.pool.query<T>(text, params)).rows;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Creates and bootstraps a new database on the server. */
export async function createLabDb(
  handle: PostgresHandle,
  serie: OdooSerie = '17.0',
  adminPassword = 'admin',
): Promise<LabDb> {
  const name = `lab_orm_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: handle.url.reveal() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(handle.url.reveal());
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 12 });
  // Idle clients still closing when the server stops get its shutdown notice: not a test failure.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  try {
    await orm.bootstrap(client, { adminPassword, serie });
  } finally {
    client.release();
  }
  return new LabDb(pool, name, serie);
}

/**
 * Two transactions whose snapshots are both taken before `work` runs, so neither sees what the
 * other writes; both commit after it, or both roll back when it fails.
 */
export async function inTwoTransactions<T>(
  db: LabDb,
  work: (first: Tx, second: Tx) => Promise<T>,
): Promise<T> {
  const first = await db.begin();
  const second = await db.begin();
  try {
    await first.call('res.partner', 'search_count', [[]]);
    await second.call('res.partner', 'search_count', [[]]);
    const result = await work(first, second);
    await first.commit();
    await second.commit();
    return result;
  } catch (error) {
    await first.rollback();
    await second.rollback();
    throw error;
  }
}

/** Waits until `check` holds, polling, or fails after the deadline. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  deadlineMs = 15_000,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Whether a backend is blocked on a lock (pg_stat_activity). */
export async function isWaitingOnLock(db: LabDb, pid: number): Promise<boolean> {
  const rows = await db.query<{ w: string | null }>(
    'SELECT wait_event_type AS w FROM pg_stat_activity WHERE pid = $1',
    [pid],
  );
  return rows[0]?.w === 'Lock';
}

/** Several lab databases on one server for a test file, closed together. */
export class LabDbs {
  #handle: PostgresHandle | undefined;
  readonly #dbs: LabDb[] = [];

  async start(): Promise<void> {
    this.#handle = await startPostgres();
  }

  async create(serie: OdooSerie = '17.0'): Promise<LabDb> {
    const db = await createLabDb(this.#handle!, serie);
    this.#dbs.push(db);
    return db;
  }

  async stop(): Promise<void> {
    for (const db of this.#dbs) await db.close();
    await this.#handle?.stop();
  }
}
