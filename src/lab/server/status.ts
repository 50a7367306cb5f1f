// The live status the master serves at GET /lab/status (docs/contracts.md "Lab ↔ tools").
export const LAB_STATUS_SCHEMA = 1;

export interface WorkerStatus {
  pid: number;
  state: 'starting' | 'idle' | 'busy';
  served: number;
  /** Seconds the current request has been running, when busy. */
  busy_s?: number;
}

export interface LabStatus {
  schema: number;
  lab: { pid: number; port: number; serie: string; cost_scale: number; uptime_s: number };
  databases: string[];
  workers: {
    configured: number;
    alive: number;
    busy: number;
    idle: number;
    /** Highest number of requests being served at the same moment since start. */
    peak_concurrent: number;
    list: WorkerStatus[];
  };
  /** `limit`: requests that may wait; more are answered 503. */
  queue: { length: number; peak: number; limit: number };
  requests: {
    served: number;
    faults: Record<string, number>;
    /** Requests whose worker was SIGKILLed after limit_time_real. */
    killed_limit_time_real: number;
    /** Workers that died on their own while serving a request. */
    worker_crashes: number;
    /** Answered 503: the queue or the master's buffered bytes were full. */
    refused_busy: number;
    /** Answered 413: a body over the lab's limit. */
    refused_too_large: number;
  };
  /** Concurrency retries of Odoo's `retrying`, by SQLSTATE. */
  retries: { total: number; by_code: Record<string, number> };
  limit_time_real_s: number;
}
