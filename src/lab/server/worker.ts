// A prefork worker process, like Odoo's WorkerHTTP: one request at a time, with per-process
// PostgreSQL pools, credentials cache and login cooldown counters.
import pg from 'pg';
import { Logger } from '../../core/logger.js';
import { Secret } from '../../core/secret.js';
import type { LabOrm } from '../contract.js';
import { Authenticator } from './auth.js';
import { CostModel } from './cost-profile.js';
import { databaseUrl } from './databases.js';
import { Dispatcher } from './dispatch.js';
import { INTERNAL_SERVER_ERROR } from './http.js';
import type {
  MasterMessage,
  RequestStats,
  RpcResponse,
  WorkerConfig,
  WorkerMessage,
} from './messages.js';

function send(message: WorkerMessage): void {
  process.send?.(message);
}

/** Log lines go to the master, which writes them in order with the process's own lines. */
function workerLogger(level: WorkerConfig['logLevel']): Logger {
  return new Logger(level, {
    write: (line) => send({ type: 'log', line: `worker ${process.pid}: ${line}` }),
  });
}

async function start(
  config: WorkerConfig,
): Promise<{ dispatcher: Dispatcher; cost: CostModel; log: Logger; close(): Promise<void> }> {
  const log = workerLogger(config.logLevel);
  const pgUrl = new Secret(config.pgUrl);
  const { orm } = (await import(config.ormModule)) as { orm: LabOrm };
  const pools = new Map<string, pg.Pool>();
  const endpoint = new URL(pgUrl.reveal());
  const cost = new CostModel(config.identity.costScale);
  const dispatcher = new Dispatcher({
    orm,
    pool: (db) => {
      let pool = pools.get(db);
      if (!pool) {
        pool = new pg.Pool({
          connectionString: databaseUrl(pgUrl, db),
          max: config.dbMaxConn,
          application_name: `odoo-capacity-lab worker ${process.pid}`,
        });
        pool.on('error', (error) => log.warn(`PostgreSQL connection lost: ${error.message}`));
        pools.set(db, pool);
      }
      return pool;
    },
    auth: new Authenticator(config.authPolicy, log, {
      initial: config.loginFailures,
      onChange: (source, failures) => send({ type: 'login-failures', source, failures }),
    }),
    cost,
    identity: config.identity,
    databases: config.databases,
    pgEndpoint: { host: endpoint.hostname, port: Number(endpoint.port || 5432) },
    log,
  });
  return {
    dispatcher,
    cost,
    log,
    close: async () => {
      await Promise.all([...pools.values()].map((p) => p.end().catch(() => {})));
    },
  };
}

let worker: Awaited<ReturnType<typeof start>> | undefined;

/** Serves one request; whatever happens, the master gets an answer and the worker lives on. */
async function serve(message: Extract<MasterMessage, { type: 'request' }>): Promise<void> {
  let answer: { response: RpcResponse; stats: RequestStats };
  try {
    if (!worker) throw new Error('a request before the worker was ready');
    if (message.masterTime)
      worker.cost.recordMasterTime(message.masterTime.key, message.masterTime.ms);
    answer = await worker.dispatcher.handle(message.request);
  } catch (error) {
    // The dispatcher answers every request itself; this is the last line of defence.
    (worker?.log ?? workerLogger('error')).error(`HTTP 500: ${(error as Error)?.message}`);
    answer = { response: INTERNAL_SERVER_ERROR, stats: { retries: {}, fault: 'HTTP 500' } };
  }
  send({ type: 'response', id: message.id, ...answer });
}

process.on('message', (message: MasterMessage) => {
  switch (message.type) {
    case 'init':
      start(message.config).then(
        (started) => {
          worker = started;
          send({ type: 'ready' });
        },
        (error: unknown) => send({ type: 'init-failed', message: (error as Error).message }),
      );
      break;
    case 'request':
      void serve(message);
      break;
    case 'shutdown':
      void (worker?.close() ?? Promise.resolve()).finally(() => process.exit(0));
      break;
  }
});

// An error no request awaits (a promise left rejected, a callback that throws) is a bug of the
// method that left it: logged, and the worker serves on, as an Odoo worker survives any request.
function stray(kind: string) {
  return (error: unknown) => {
    const log = worker?.log ?? workerLogger('error');
    log.error(`${kind} outside any request: ${(error as Error)?.message ?? String(error)}`);
    if (error instanceof Error) log.debug(error.stack ?? '');
  };
}
process.on('unhandledRejection', stray('unhandled rejection'));
process.on('uncaughtException', stray('uncaught exception'));

// The master's death ends the worker, as Odoo's workers check their parent.
process.on('disconnect', () => process.exit(0));
