// The messages the master and its workers exchange over the IPC channel of child_process.fork.
import type { CostKey } from '../contract.js';
import type { AuthPolicy, LoginFailures } from './auth.js';
import type { HttpAnswer } from './http.js';
import type { LabIdentity } from './version.js';

/** One HTTP request as the master hands it to a worker's Dispatcher. */
export interface RpcRequest {
  path: string;
  httpMethod: string;
  body: string;
  ip: string;
  /** The headers JSON-2 reads (Authorization, X-Odoo-Database), and Content-Type. */
  headers?: { authorization?: string; database?: string; contentType?: string };
}

export type RpcResponse = HttpAnswer;

/** What one request did, for the master's status counters. */
export interface RequestStats {
  retries: Record<string, number>;
  /** The fault code answered, if any. */
  fault?: number | string;
  /** An answered call without retries: its cost key, and the ms the worker spent on it. */
  cost?: { key: CostKey; workerMs: number };
}

/** Sent once to a new worker: everything it needs, secrets included (never on argv or env). */
export interface WorkerConfig {
  identity: LabIdentity;
  databases: string[];
  /** PostgreSQL URL of the `postgres` database; the worker swaps in each tenant's name. */
  pgUrl: string;
  /** File URL of the module exporting `orm: LabOrm`. */
  ormModule: string;
  authPolicy: AuthPolicy;
  /** Connections per tenant database in this worker (Odoo's db_maxconn is per process). */
  dbMaxConn: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** The login failure counts the worker this one replaces left (auth.ts FailureStore). */
  loginFailures?: [string, LoginFailures][];
}

export type MasterMessage =
  | { type: 'init'; config: WorkerConfig }
  | {
      type: 'request';
      id: number;
      request: RpcRequest;
      /** The master's part of this worker's previous call (RequestStats.cost above). */
      masterTime?: { key: CostKey; ms: number };
    }
  | { type: 'shutdown' };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-failed'; message: string }
  | { type: 'response'; id: number; response: RpcResponse; stats: RequestStats }
  | { type: 'log'; line: string }
  /** A change of the worker's login failure counts, kept by the master for its replacement. */
  | { type: 'login-failures'; source: string; failures: LoginFailures | undefined };
