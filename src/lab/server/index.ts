// The lab's programmatic entry point: startLab() binds the port, provides PostgreSQL, bootstraps
// the tenant databases, forks the workers, and returns a handle to read status and stop.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { BadInputError, UnreachableError } from '../../core/errors.js';
import { log as processLog, type Logger } from '../../core/logger.js';
import { packageRoot } from '../../core/package-root.js';
import { providePostgres, type PostgresHandle } from '../../pg-local/postgres-provider.js';
import { Secret } from '../../core/secret.js';
import type { LabOrm, OdooSerie } from '../contract.js';
import { DEFAULT_AUTH_POLICY, type AuthPolicy } from './auth.js';
import { API_KEY_INDEX_SIZE, API_KEY_ROUNDS, hashSecret } from '../orm/password-hash.js';
import { databaseUrl, ensureDatabases } from './databases.js';
import { PreforkMaster } from './master.js';
import type { LabStatus } from './status.js';

export type { LabStatus } from './status.js';

export interface LabOptions {
  /** 0 picks a free port (tests). */
  port?: number;
  workers?: number;
  databases?: string[];
  /** PostgreSQL to use instead of the embedded one. */
  pgUrl?: Secret;
  serie?: OdooSerie;
  adminPassword?: Secret;
  limitTimeRealSeconds?: number;
  costScale?: number;
  /** Also serve Odoo 19's JSON-2 (POST /json/2/<model>/<method>), whatever the serie. */
  json2?: boolean;
  /** A global API key of admin in every database (JSON-2 authenticates with keys only). */
  apiKey?: Secret;
  /** Module exporting `orm: LabOrm` (default: the lab's ORM in dist/src/lab/orm). */
  ormModule?: string;
  /** Module exporting `checkDatabase(client, db)` (default: the lab's src/lab/check.ts). */
  checkModule?: string;
  authPolicy?: AuthPolicy;
  /** Requests that may wait for a worker before the lab answers 503 (default 64 per worker). */
  maxQueue?: number;
  /** HTTP timeouts of a request's arrival (default 10 s for the headers, 30 s in all). */
  timeouts?: { headersMs: number; requestMs: number };
  log?: Logger;
  onProgress?: (line: string) => void;
}

export interface LabHandle {
  url: string;
  port: number;
  databases: string[];
  status(): LabStatus;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/** The compiled worker: next to this module in dist/src/, or there when this runs from src/. */
function distFile(...parts: string[]): string {
  const here = fileURLToPath(import.meta.url);
  const fromDist = !here.endsWith('.ts');
  return fromDist
    ? join(dirname(here), '..', '..', ...parts)
    : join(packageRoot, 'dist', 'src', ...parts);
}

function requireBuilt(file: string, what: string): string {
  if (!existsSync(file)) {
    throw new UnreachableError(`the lab's ${what} is not built (${file} is missing)`, {
      hint: 'Run `npm run build`.',
    });
  }
  return file;
}

export async function startLab(options: LabOptions = {}): Promise<LabHandle> {
  const log = options.log ?? processLog;
  const progress = options.onProgress ?? ((line: string) => log.info(line));
  const workers = options.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new BadInputError(`--workers: expected an integer of at least 1, got ${workers}`);
  }
  const databases = options.databases ?? ['lab'];
  const serie = options.serie ?? '17.0';
  const costScale = options.costScale ?? 1;
  const adminPassword = options.adminPassword ?? new Secret('admin');
  const workerScript = requireBuilt(distFile('lab', 'server', 'worker.js'), 'worker');
  const ormModule =
    options.ormModule ??
    pathToFileURL(requireBuilt(distFile('lab', 'orm', 'index.js'), 'ORM')).href;

  const identity = { serie, costScale, workers, json2: options.json2 ?? false };
  let postgres: PostgresHandle | undefined;
  const master = new PreforkMaster({
    host: HOST,
    port: options.port ?? 8069,
    workers,
    limitTimeRealSeconds: options.limitTimeRealSeconds ?? 120,
    workerScript,
    identity,
    databases,
    log,
    maxQueue: options.maxQueue,
    timeouts: options.timeouts,
    check: () => runChecks(options.checkModule ?? '../check.js', postgres!.url, databases),
  });
  const port = await master.listen().catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') {
      throw new UnreachableError(`port ${options.port} on ${HOST} is already in use`, {
        hint: 'Stop what listens there (`odoo-capacity lab stop --port N` for a lab) or pick --port.',
      });
    }
    throw error;
  });
  try {
    progress(`lab: listening on http://${HOST}:${port}`);
    postgres = await providePostgres({ pgUrl: options.pgUrl });
    progress(`lab: PostgreSQL ${postgres.versionNum} (${postgres.kind})`);
    const { orm } = (await import(ormModule)) as { orm: LabOrm };
    await ensureDatabases(postgres.url, databases, {
      orm,
      adminPassword,
      serie,
      onProgress: (line) => progress(`lab: ${line}`),
    });
    if (options.apiKey) await addApiKey(postgres.url, databases, options.apiKey);
    await master.startWorkers({
      identity,
      databases,
      pgUrl: postgres.url.reveal(),
      ormModule,
      authPolicy: options.authPolicy ?? DEFAULT_AUTH_POLICY,
      dbMaxConn: 4,
      logLevel: log.level,
    });
    progress(`lab: ${workers} workers up (serie ${serie}, cost scale ${costScale})`);
  } catch (error) {
    await master.stop().catch(() => {});
    await postgres?.stop().catch(() => {});
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${port}`,
    port,
    databases,
    status: () => master.status(),
    stop: () =>
      (stopped ??= (async () => {
        await master.stop();
        await postgres?.stop();
      })()),
  };
}

interface Checker {
  checkDatabase(client: pg.ClientBase, db: string): Promise<unknown[]>;
}

/** GET /lab/check: the ORM's invariant checker (src/lab/check.ts) on every tenant database. */
async function runChecks(
  checkModule: string,
  pgUrl: Secret,
  databases: readonly string[],
): Promise<LabCheckResult> {
  // The default is the ORM team's module, named through a variable so the server builds alone.
  const { checkDatabase } = (await import(checkModule)) as Checker;
  const results = [];
  for (const db of databases) {
    const client = new pg.Client({ connectionString: databaseUrl(pgUrl, db) });
    await client.connect();
    try {
      results.push({ db, violations: await checkDatabase(client, db) });
    } finally {
      await client.end();
    }
  }
  return { ok: results.every((r) => r.violations.length === 0), databases: results };
}

export interface LabCheckResult {
  ok: boolean;
  databases: { db: string; violations: unknown[] }[];
}

/** Stores `key` as admin's global API key, as Odoo's _generate does, unless a key has its index. */
async function addApiKey(pgUrl: Secret, databases: string[], key: Secret): Promise<void> {
  const secret = key.reveal();
  if (secret.length < API_KEY_INDEX_SIZE)
    throw new BadInputError(`the API key must have at least ${API_KEY_INDEX_SIZE} characters`);
  const hash = await hashSecret(secret, API_KEY_ROUNDS);
  for (const db of databases) {
    const client = new pg.Client({ connectionString: databaseUrl(pgUrl, db) });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO res_users_apikeys (name, user_id, scope, index, key)
         SELECT 'odoo-capacity lab', 2, NULL, $1::varchar, $2::varchar
          WHERE NOT EXISTS (SELECT 1 FROM res_users_apikeys WHERE index = $1::varchar)`,
        [secret.slice(0, API_KEY_INDEX_SIZE), hash],
      );
    } finally {
      await client.end();
    }
  }
}
