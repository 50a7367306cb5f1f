// odoo.conf fragments, one per worker pool: workers and cron threads, db_maxconn (F28),
// limit_memory_* (F29) and limit_time_* (F30) from the plan's measurements. Pure.
import type { MemoryEstimate, PlanJson, WorkerPoolRecommendation } from '../../core/plan-types.js';
import { type Setting, show } from './settings.js';

/** Connections one request holds per database at most (odony, F18). */
const CONNECTIONS_PER_REQUEST = 2;
/** Two more per process for code that opens its own cursor (a report, a job's own commit). */
const SPARE_CONNECTIONS = 2;
/** Odoo's default db_maxconn: kept for the gevent process, whose load the runs do not measure. */
export const ODOO_DEFAULT_DB_MAXCONN = 64;
/** Odoo's default limit_time_real, seconds: kept for scheduled jobs, which the runs do not measure. */
const ODOO_DEFAULT_LIMIT_TIME_REAL = 120;
/** Odoo's default limit_request. */
const ODOO_DEFAULT_LIMIT_REQUEST = 65536;

/** F28: db_maxconn = 2 × databases + 2. */
export function recommendedDbMaxconn(databases: number): number {
  return CONNECTIONS_PER_REQUEST * Math.max(1, databases) + SPARE_CONNECTIONS;
}

/** F29: soft = 2 ×, hard = 2.5 × the per-worker memory (working set × 1.15, F24). */
export const MEMORY_SOFT_FACTOR = 2;
export const MEMORY_HARD_FACTOR = 2.5;

export function memoryLimits(memory: MemoryEstimate): { softMiB: number; hardMiB: number } | null {
  if (memory.source !== 'measured-working-set') return null;
  return {
    softMiB: Math.ceil(MEMORY_SOFT_FACTOR * memory.perWorkerMiB),
    hardMiB: Math.ceil(MEMORY_HARD_FACTOR * memory.perWorkerMiB),
  };
}

/** F30: limit_time_cpu = ⌈10 × slowest request⌉ s; limit_time_real = 2 × limit_time_cpu. */
export const TIME_LIMIT_HEADROOM = 10;
export const REAL_PER_CPU = 2;

export function timeLimits(slowestRequestMs: number): { cpuSeconds: number; realSeconds: number } {
  const cpuSeconds = Math.max(1, Math.ceil((TIME_LIMIT_HEADROOM * slowestRequestMs) / 1000));
  return { cpuSeconds, realSeconds: REAL_PER_CPU * cpuSeconds };
}

/** The slowest request measured at low load among the pool's classes, with its class. */
export function slowestRequest(
  pool: WorkerPoolRecommendation,
): { class: string; ms: number } | null {
  let slowest: { class: string; ms: number } | null = null;
  for (const c of pool.classes) {
    const ms = pool.evidence.inputs[`${c}.slowestRequestMs`];
    if (ms !== undefined && ms > 0 && (slowest === null || ms > slowest.ms))
      slowest = { class: c, ms };
  }
  return slowest;
}

/** Databases the runs measured (plan.json database.connections.evidence.inputs.databases). */
export function measuredDatabases(plan: PlanJson): number {
  return Math.max(1, plan.database.connections.evidence.inputs.databases ?? 1);
}

/**
 * The pools of every Odoo process (F28): db_maxconn per worker and cron process, and the gevent
 * process's. Odoo 16 has no db_maxconn_gevent, so its gevent process shares db_maxconn, which then
 * keeps Odoo's default rather than starve the websockets.
 */
export function connectionPools(plan: PlanJson): {
  dbMaxconn: number;
  geventMaxconn: number;
  /** Whether odoo.conf can set the gevent pool apart (Odoo 17+). */
  separateGevent: boolean;
  databases: number;
  series: string;
} {
  const databases = measuredDatabases(plan);
  const series = plan.runs[0]?.target.odooVersion ?? '';
  const major = Number(/^(?:saas~)?(\d+)/.exec(series)?.[1] ?? NaN);
  const separateGevent = !(major < 17);
  const dbMaxconn = separateGevent ? recommendedDbMaxconn(databases) : ODOO_DEFAULT_DB_MAXCONN;
  return { dbMaxconn, geventMaxconn: ODOO_DEFAULT_DB_MAXCONN, separateGevent, databases, series };
}

const MIB = 1024 * 1024;

export function odooSettings(plan: PlanJson, pool: WorkerPoolRecommendation): Setting[] {
  const at = `plan.json workers[${pool.pool}]`;
  const memory = memoryLimits(plan.memory);
  const slowest = slowestRequest(pool);
  const time = slowest ? timeLimits(slowest.ms) : null;
  const settings: Setting[] = [
    {
      name: 'workers',
      value: pool.workersPerPod,
      why: [
        `${at}.workersPerPod: the pool's ${pool.workers} HTTP workers over ${pool.pods} pods of ${pool.podCpu} vCPU,`,
        `at most 2×vCPU+1 per pod (F16). The queueing model (F11–F15) sized them for ${show(pool.transactionRate)}`,
        `transactions/s (${show(pool.requestRate)} requests/s) at the forecast peak: utilisation ${show(pool.utilisation)}, limited by ${pool.limitedBy}.`,
      ],
    },
    {
      name: 'max_cron_threads',
      value: pool.cronThreadsPerPod,
      why: [`${at}.cronThreadsPerPod (models/forecast.yaml pools.${pool.pool}.cronThreads).`],
    },
    ...dbMaxconnSettings(plan),
    memory
      ? {
          name: 'limit_memory_soft',
          value: memory.softMiB * MIB,
          why: [
            `F29: ${MEMORY_SOFT_FACTOR} × plan.json memory.perWorkerMiB ${show(plan.memory.perWorkerMiB)} (measured working set × 1.15, F24)`,
            `= ${memory.softMiB} MiB, in bytes. Odoo compares it with a worker's virtual size, which`,
            'runs above its resident working set: past it, the worker is recycled after its request.',
          ],
        }
      : unmeasuredMemory('limit_memory_soft', plan.memory),
    memory
      ? {
          name: 'limit_memory_hard',
          value: memory.hardMiB * MIB,
          why: [
            `F29: ${MEMORY_HARD_FACTOR} × plan.json memory.perWorkerMiB = ${memory.hardMiB} MiB, in bytes (the ratio of Odoo's`,
            'defaults, 2560/2048): the address-space limit at which an allocation fails.',
          ],
        }
      : unmeasuredMemory('limit_memory_hard', plan.memory),
    time && slowest
      ? {
          name: 'limit_time_cpu',
          value: time.cpuSeconds,
          why: [
            `F30: ⌈${TIME_LIMIT_HEADROOM} × the slowest request measured at low load⌉ = ⌈${TIME_LIMIT_HEADROOM} × ${show(slowest.ms / 1000, 3)} s⌉`,
            `(${at}.evidence.inputs["${slowest.class}.slowestRequestMs"]). CPU time ≤ wall time, so`,
            "it bounds CPU too. Requests the scenarios do not exercise (reports, imports) aren't covered.",
          ],
        }
      : unmeasuredTime('limit_time_cpu', pool),
    time
      ? {
          name: 'limit_time_real',
          value: time.realSeconds,
          why: [
            `F30: ${REAL_PER_CPU} × limit_time_cpu (the ratio of Odoo's defaults, 120/60), leaving room for`,
            'waits on locks and the database.',
          ],
        }
      : unmeasuredTime('limit_time_real', pool),
  ];
  if (pool.cronThreadsPerPod > 0)
    settings.push({
      name: 'limit_time_real_cron',
      value: ODOO_DEFAULT_LIMIT_TIME_REAL,
      why: [
        "Odoo's default limit_time_real: scheduled jobs are not measured by the runs, so they keep",
        "the limit Odoo's defaults give them (limit_time_real_cron -1 follows limit_time_real, 120 s),",
        'not the request limit above.',
      ],
    });
  const perWorker = pool.workers > 0 ? pool.requestRate / pool.workers : 0;
  settings.push({
    name: 'limit_request',
    value: ODOO_DEFAULT_LIMIT_REQUEST,
    why: [
      "Odoo's default: the runs measure no memory growth per request to recycle sooner. At the",
      `forecast peak, ${show(perWorker)} requests/s per worker (${at}.requestRate ÷ workers), a worker`,
      perWorker > 0
        ? `is recycled about every ${show(ODOO_DEFAULT_LIMIT_REQUEST / perWorker / 3600, 1)} hours.`
        : 'is hardly ever recycled.',
    ],
  });
  return settings;
}

function unmeasuredMemory(name: string, memory: MemoryEstimate): Setting {
  return {
    name,
    value: null,
    why: [
      `F29 needs a measured working set per worker; plan.json memory.source is ${memory.source}`,
      "(Odoo's rule of thumb). Odoo's default stays until one is measured.",
    ],
    missing:
      'no worker memory measured: pass `plan --working-set-mib <MiB>` (container_memory_working_set_bytes ÷ workers)',
  };
}

function unmeasuredTime(name: string, pool: WorkerPoolRecommendation): Setting {
  return {
    name,
    value: null,
    why: [
      `F30 needs the slowest request of the ${pool.pool} pool's classes (${pool.classes.join(', ')});`,
      `plan.json workers[${pool.pool}].evidence.inputs has no <class>.slowestRequestMs. Odoo's default stays.`,
    ],
    missing: `no slowest request measured for the ${pool.pool} pool: re-run \`plan\` with this version on the run`,
  };
}

function dbMaxconnSettings(plan: PlanJson): Setting[] {
  const pools = connectionPools(plan);
  if (!pools.separateGevent)
    return [
      {
        name: 'db_maxconn',
        value: pools.dbMaxconn,
        why: [
          `Odoo's default: the runs measured Odoo ${pools.series}, which has no db_maxconn_gevent, so its`,
          'gevent (websocket) process shares db_maxconn and serves every websocket of the pod at once,',
          `which the runs do not load. F28 would give the workers ${recommendedDbMaxconn(pools.databases)} (2 per request and database + 2).`,
        ],
      },
    ];
  return [
    {
      name: 'db_maxconn',
      value: pools.dbMaxconn,
      why: [
        `F28: 2 connections per request and database (F18) × the ${pools.databases} database(s) the runs saw`,
        '(plan.json database.connections.evidence.inputs.databases) + 2 for code that opens its own',
        'cursor. Per process; PgBouncer max_client_conn counts every process at this value.',
      ],
    },
    {
      name: 'db_maxconn_gevent',
      value: pools.geventMaxconn,
      why: [
        "Odoo's default db_maxconn, kept for the gevent (websocket) process (Odoo 17+): it serves",
        'every websocket of the pod at once, and the runs do not load it.',
      ],
    },
  ];
}
