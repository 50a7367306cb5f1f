// The prefork master: one FIFO queue, a request handed to a worker only when idle, 503 beyond the
// queue's bound, and limit_time_real enforced (src/lab/README.md, "Limits").
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../../core/logger.js';
import type { CostKey } from '../contract.js';
import type { LoginFailures } from './auth.js';
import { PAYLOAD_TOO_LARGE, SERVICE_UNAVAILABLE, type HttpAnswer } from './http.js';
import type { MasterMessage, RpcRequest, WorkerConfig, WorkerMessage } from './messages.js';
import { LAB_STATUS_SCHEMA, type LabStatus } from './status.js';
import type { LabIdentity } from './version.js';

export interface MasterOptions {
  host: string;
  port: number;
  workers: number;
  limitTimeRealSeconds: number;
  workerScript: string;
  identity: LabIdentity;
  databases: readonly string[];
  log: Logger;
  /** Answers GET /lab/check; the master runs it itself. */
  check?: () => Promise<unknown>;
  /** Requests that may wait for a worker; more are answered 503 (default QUEUE_PER_WORKER × workers). */
  maxQueue?: number;
  /** Default HEADERS_TIMEOUT_MS and REQUEST_TIMEOUT_MS (tests shorten them). */
  timeouts?: { headersMs: number; requestMs: number };
}

/** A request body larger than this is answered 413 (src/lab/README.md, "Limits"). */
export const BODY_LIMIT_BYTES = 10 * 1024 * 1024;
/** The request bodies the master may hold at once, read or queued; beyond, 503. */
export const BUFFERED_LIMIT_BYTES = 128 * 1024 * 1024;
/** Default bound of the queue, per worker. */
export const QUEUE_PER_WORKER = 64;
/** The request's headers, then the whole request, must arrive within these (else 408). */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;

interface Job {
  id: number;
  request: RpcRequest;
  res: ServerResponse;
  /** performance.now() when the request's headers were read, its body read, it went to a worker. */
  arrivedAt: number;
  queuedAt: number;
  sentAt?: number;
  /** Body bytes this job holds in the master until a worker takes it. */
  bytes: number;
}

interface Slot {
  child: ChildProcess;
  state: 'starting' | 'idle' | 'busy';
  served: number;
  job?: Job;
  since?: number;
  timer?: NodeJS.Timeout;
  killed?: boolean;
  /** The master's part of the slot's last call, passed on with its next request. */
  masterTime?: { key: CostKey; ms: number };
  /** The worker's login failure counts, handed to the worker that replaces it. */
  loginFailures: Map<string, LoginFailures>;
}

// The master reads each request before queueing it rather than passing the raw socket: it must
// answer /lab/status while every worker is busy, and Node cannot hand over a socket it has read.
export class PreforkMaster {
  readonly #options: MasterOptions;
  readonly #server: Server;
  readonly #queue: Job[] = [];
  readonly #slots = new Set<Slot>();
  readonly #started = Date.now();
  #nextId = 1;
  #stopping = false;
  #port = 0;
  #workerConfig: WorkerConfig | undefined;
  readonly #maxQueue: number;
  /** Body bytes held: being read, or queued. */
  #buffered = 0;
  #counters = {
    served: 0,
    peakBusy: 0,
    peakQueue: 0,
    killed: 0,
    crashes: 0,
    busy503: 0,
    tooLarge413: 0,
    faults: {} as Record<string, number>,
    retries: {} as Record<string, number>,
  };

  constructor(options: MasterOptions) {
    this.#options = options;
    this.#maxQueue = options.maxQueue ?? QUEUE_PER_WORKER * options.workers;
    // The timeouts bound only the arrival of a request (Node stops them once it is read whole):
    // a request queued behind busy workers waits as long as it takes, and limit_time_real bounds
    // the time a worker spends on it.
    this.#server = createServer(
      {
        headersTimeout: options.timeouts?.headersMs ?? HEADERS_TIMEOUT_MS,
        requestTimeout: options.timeouts?.requestMs ?? REQUEST_TIMEOUT_MS,
        connectionsCheckingInterval: 1000,
      },
      (req, res) => this.#onRequest(req, res),
    );
    // Every request is its own connection, as with Odoo's HTTP/1.0 workers.
    this.#server.keepAliveTimeout = 0;
  }

  get port(): number {
    return this.#port;
  }

  /** Binds the port; fails with EADDRINUSE before anything else starts. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.#server.once('error', onError);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', onError);
        this.#port = (this.#server.address() as { port: number }).port;
        resolve(this.#port);
      });
    });
  }

  /** Forks the workers and resolves when all of them are ready to serve. */
  async startWorkers(config: WorkerConfig): Promise<void> {
    this.#workerConfig = config;
    await Promise.all(Array.from({ length: this.#options.workers }, () => this.#fork()));
  }

  #fork(loginFailures = new Map<string, LoginFailures>()): Promise<void> {
    const child = fork(this.#options.workerScript, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const slot: Slot = { child, state: 'starting', served: 0, loginFailures };
    this.#slots.add(slot);
    return new Promise((resolve, reject) => {
      child.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'ready':
            slot.state = 'idle';
            resolve();
            this.#dispatch();
            break;
          case 'init-failed':
            reject(new Error(`lab worker failed to start: ${message.message}`));
            child.kill('SIGKILL');
            break;
          case 'response':
            this.#onResponse(slot, message);
            break;
          case 'log':
            this.#options.log.info(message.line.replace(/\n$/, ''));
            break;
          case 'login-failures':
            if (message.failures) slot.loginFailures.set(message.source, message.failures);
            else slot.loginFailures.delete(message.source);
            break;
        }
      });
      child.on('exit', (code, signal) => {
        this.#slots.delete(slot);
        clearTimeout(slot.timer);
        if (slot.state === 'starting') {
          reject(new Error(`lab worker exited during start (${signal ?? code})`));
        }
        if (slot.job) {
          // A crash while serving: the client sees the connection drop, as with Odoo.
          if (!slot.killed) {
            this.#counters.crashes++;
            this.#options.log.error(
              `worker ${child.pid} died (${signal ?? code}) while serving a request`,
            );
          }
          slot.job.res.socket?.destroy();
          slot.job = undefined;
        }
        if (!this.#stopping && slot.state !== 'starting') {
          this.#fork(slot.loginFailures).catch((error: Error) =>
            this.#options.log.error(error.message),
          );
        }
      });
      const config = { ...this.#workerConfig!, loginFailures: [...loginFailures] };
      this.#send(slot, { type: 'init', config });
    });
  }

  #send(slot: Slot, message: MasterMessage): void {
    if (slot.child.connected) slot.child.send(message);
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const arrivedAt = performance.now();
    res.shouldKeepAlive = false;
    const path = req.url ?? '/';
    if (req.method === 'GET' && path.split('?')[0] === '/lab/status') {
      return this.#json(res, 200, this.status());
    }
    if (req.method === 'GET' && path.split('?')[0] === '/lab/check') {
      return this.#serveCheck(res);
    }
    if (this.#queue.length >= this.#maxQueue) return this.#refuseBusy(res);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > BODY_LIMIT_BYTES) return this.#refuseTooLarge(res);
    const chunks: Buffer[] = [];
    let size = 0;
    const release = () => {
      this.#buffered -= size;
      size = 0;
    };
    req.on('data', (chunk: Buffer) => {
      if (res.writableEnded) return;
      size += chunk.length;
      this.#buffered += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        release();
        return this.#refuseTooLarge(res);
      }
      if (this.#buffered > BUFFERED_LIMIT_BYTES) {
        release();
        return this.#refuseBusy(res);
      }
      chunks.push(chunk);
    });
    // A client gone before its request was read whole: its bytes are no longer held.
    req.on('close', () => {
      if (!req.complete) release();
    });
    req.on('end', () => {
      if (res.writableEnded) return;
      if (this.#queue.length >= this.#maxQueue) {
        release();
        return this.#refuseBusy(res);
      }
      const job: Job = {
        id: this.#nextId++,
        request: {
          path,
          httpMethod: req.method ?? 'GET',
          body: Buffer.concat(chunks).toString('utf8'),
          ip: req.socket.remoteAddress ?? 'n/a',
          headers: {
            authorization: req.headers.authorization,
            database: req.headers['x-odoo-database'] as string | undefined,
            contentType: req.headers['content-type'],
          },
        },
        res,
        arrivedAt,
        queuedAt: performance.now(),
        bytes: size,
      };
      this.#queue.push(job);
      this.#counters.peakQueue = Math.max(this.#counters.peakQueue, this.#queue.length);
      this.#dispatch();
    });
  }

  /** 503 at once: the queue (or the bytes the master holds) is full. */
  #refuseBusy(res: ServerResponse): void {
    this.#counters.busy503++;
    this.#answer(res, SERVICE_UNAVAILABLE, { 'retry-after': '1' });
  }

  #refuseTooLarge(res: ServerResponse): void {
    this.#counters.tooLarge413++;
    this.#answer(res, PAYLOAD_TOO_LARGE);
  }

  /** An answer before the request was read whole: the connection closes after it. */
  #answer(res: ServerResponse, answer: HttpAnswer, headers: Record<string, string> = {}): void {
    if (res.headersSent) return;
    res
      .writeHead(answer.status, {
        'content-type': answer.contentType,
        'content-length': Buffer.byteLength(answer.body),
        connection: 'close',
        ...headers,
      })
      .end(answer.body);
  }

  #serveCheck(res: ServerResponse): void {
    const check = this.#options.check;
    if (!check) return this.#json(res, 501, { error: 'lab check is not available' });
    check().then(
      (result) => this.#json(res, 200, result),
      (error: Error) => this.#json(res, 500, { error: error.message }),
    );
  }

  #json(res: ServerResponse, status: number, value: unknown): void {
    res
      .writeHead(status, { 'content-type': 'application/json', connection: 'close' })
      .end(JSON.stringify(value));
  }

  /** Hands queued requests, oldest first, to idle workers. */
  #dispatch(): void {
    for (const slot of this.#slots) {
      if (slot.state !== 'idle') continue;
      let job: Job | undefined;
      while ((job = this.#queue.shift())) {
        this.#buffered -= job.bytes;
        // A client that gave up while queued has nothing to wait for.
        if (!job.res.socket?.destroyed) break;
      }
      if (!job) return;
      slot.state = 'busy';
      slot.job = job;
      slot.since = Date.now();
      const busy = [...this.#slots].filter((s) => s.state === 'busy').length;
      this.#counters.peakBusy = Math.max(this.#counters.peakBusy, busy);
      if (this.#options.limitTimeRealSeconds > 0) {
        slot.timer = setTimeout(() => this.#kill(slot), this.#options.limitTimeRealSeconds * 1000);
      }
      job.sentAt = performance.now();
      const { masterTime } = slot;
      slot.masterTime = undefined;
      this.#send(slot, { type: 'request', id: job.id, request: job.request, masterTime });
    }
  }

  #kill(slot: Slot): void {
    if (slot.state !== 'busy') return;
    this.#counters.killed++;
    slot.killed = true;
    this.#options.log.error(
      `worker ${slot.child.pid} (${slot.job?.request.path}) timeout after ${this.#options.limitTimeRealSeconds} s (limit_time_real): killed`,
    );
    slot.child.kill('SIGKILL');
  }

  #onResponse(slot: Slot, message: Extract<WorkerMessage, { type: 'response' }>): void {
    clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = undefined;
    slot.state = 'idle';
    slot.served++;
    this.#counters.served++;
    const { stats, response } = message;
    if (stats.fault !== undefined) {
      const key = String(stats.fault).split('\n')[0]!;
      this.#counters.faults[key] = (this.#counters.faults[key] ?? 0) + 1;
    }
    for (const [code, n] of Object.entries(stats.retries)) {
      this.#counters.retries[code] = (this.#counters.retries[code] ?? 0) + n;
    }
    if (job && job.id === message.id && !job.res.socket?.destroyed) {
      job.res
        .writeHead(response.status, {
          'content-type': response.contentType,
          'content-length': Buffer.byteLength(response.body),
          connection: 'close',
        })
        .end(response.body);
      if (stats.cost) {
        // Reading the request, the hand-over both ways and the answer's write; not the queue.
        const ms = job.queuedAt - job.arrivedAt + performance.now() - job.sentAt!;
        slot.masterTime = { key: stats.cost.key, ms: ms - stats.cost.workerMs };
      }
    }
    this.#dispatch();
  }

  status(): LabStatus {
    const list = [...this.#slots].map((s) => ({
      pid: s.child.pid ?? 0,
      state: s.state,
      served: s.served,
      ...(s.state === 'busy' && s.since ? { busy_s: (Date.now() - s.since) / 1000 } : {}),
    }));
    const busy = list.filter((w) => w.state === 'busy').length;
    const retries = this.#counters.retries;
    const { identity, databases } = this.#options;
    return {
      schema: LAB_STATUS_SCHEMA,
      lab: {
        pid: process.pid,
        port: this.#port,
        serie: identity.serie,
        cost_scale: identity.costScale,
        uptime_s: (Date.now() - this.#started) / 1000,
      },
      databases: [...databases],
      workers: {
        configured: this.#options.workers,
        alive: list.length,
        busy,
        idle: list.filter((w) => w.state === 'idle').length,
        peak_concurrent: this.#counters.peakBusy,
        list,
      },
      queue: { length: this.#queue.length, peak: this.#counters.peakQueue, limit: this.#maxQueue },
      requests: {
        served: this.#counters.served,
        faults: { ...this.#counters.faults },
        killed_limit_time_real: this.#counters.killed,
        worker_crashes: this.#counters.crashes,
        refused_busy: this.#counters.busy503,
        refused_too_large: this.#counters.tooLarge413,
      },
      retries: {
        total: Object.values(retries).reduce((a, b) => a + b, 0),
        by_code: { ...retries },
      },
      limit_time_real_s: this.#options.limitTimeRealSeconds,
    };
  }

  /** Stops listening, drops queued requests, and ends every worker. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const job of this.#queue.splice(0)) job.res.socket?.destroy();
    this.#server.closeAllConnections();
    const exits = [...this.#slots].map(
      (slot) =>
        new Promise<void>((resolve) => {
          if (slot.child.exitCode !== null || slot.child.signalCode !== null) return resolve();
          slot.child.once('exit', () => resolve());
          const force = setTimeout(() => slot.child.kill('SIGKILL'), 5000);
          slot.child.once('exit', () => clearTimeout(force));
          if (slot.child.connected) this.#send(slot, { type: 'shutdown' });
          else slot.child.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
    await closed;
  }
}
