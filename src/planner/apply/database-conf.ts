// pgbouncer.ini and postgresql.conf fragments from the plan's database section: the pooler's
// mode and sizes (F22, F28) and PGTune's memory settings for the recommended instance (F19). Pure.
import type { PlanJson } from '../../core/plan-types.js';
import { worstCaseConnections } from '../odoo-rules.js';
import { connectionPools } from './odoo-conf.js';
import { type Setting, show } from './settings.js';

/** F28: max_client_conn = Σ pods × ((workers + cron) × db_maxconn + the gevent process's pool). */
export function maxClientConnections(plan: PlanJson): number {
  const pools = connectionPools(plan);
  return worstCaseConnections(
    plan.workers.map((w) => ({
      pods: w.pods,
      workersPerPod: w.workersPerPod,
      cronThreadsPerPod: w.cronThreadsPerPod,
    })),
    pools.dbMaxconn,
    pools.separateGevent ? pools.geventMaxconn : pools.dbMaxconn,
  );
}

export function pgbouncerDatabases(plan: PlanJson): string[] {
  const session = plan.database.connections.pooler.sessionModeDatabases;
  return [
    '[databases]',
    '; every database through the pool; DB_HOST: your PostgreSQL server',
    '* = host=DB_HOST port=5432',
    "; Odoo's bus LISTENs on this database, which transaction pooling breaks: session mode",
    '; (plan.json database.connections.pooler.sessionModeDatabases)',
    ...session.map((db) => `${db} = host=DB_HOST port=5432 pool_mode=session`),
    '',
  ];
}

export function pgbouncerSettings(plan: PlanJson): Setting[] {
  const c = plan.database.connections;
  const cores = c.evidence.inputs.cores;
  const connections = connectionPools(plan);
  const pools = plan.workers.map(
    (w) => `${w.pool} ${w.pods}×(${w.workersPerPod}+${w.cronThreadsPerPod})`,
  );
  return [
    {
      name: 'pool_mode',
      value: c.pooler.poolMode,
      why: [
        'plan.json database.connections.pooler.poolMode: a server connection per transaction (F22),',
        'so idle Odoo connections hold no PostgreSQL backend.',
      ],
    },
    {
      name: 'default_pool_size',
      value: c.pooler.defaultPoolSize,
      why: [
        `plan.json database.connections.pooler.defaultPoolSize: (2 × ${cores ?? '?'} database cores) + 1 spindle`,
        '(F22), server connections per database and user.',
      ],
    },
    {
      name: 'max_client_conn',
      value: maxClientConnections(plan),
      why: [
        `F28: every Odoo process filling its pool, Σ pods × ((workers + cron) × db_maxconn ${connections.dbMaxconn}`,
        `+ the gevent process's ${connections.separateGevent ? connections.geventMaxconn : connections.dbMaxconn}) over the pools ${pools.join(', ')} (plan.json workers[]),`,
        'as the odoo-<pool>.conf fragments set them.',
      ],
    },
  ];
}

/** A PostgreSQL memory setting: whole MB when exact, else kB. */
export function pgMemory(mib: number): string {
  const kb = Math.floor(mib * 1024);
  return kb % 1024 === 0 ? `${kb / 1024}MB` : `${kb}kB`;
}

export function postgresqlSettings(plan: PlanJson): Setting[] {
  const m = plan.database.memory;
  const c = plan.database.connections;
  const ram = `${m.ramGiB} GiB of RAM (plan.json database.memory.ramGiB${plan.database.instance ? `, instance ${plan.database.instance.name}` : ''})`;
  return [
    {
      name: 'max_connections',
      value: c.maxConnections,
      why: [
        'plan.json database.connections.maxConnections (F22): the PgBouncer pool per database',
        `× ${c.evidence.inputs.databases ?? '?'} database(s) + one bus connection per pod (${c.evidence.inputs.pods ?? '?'}) + 10 for admin and monitoring.`,
      ],
    },
    {
      name: 'shared_buffers',
      value: pgMemory(m.sharedBuffersMiB),
      why: [
        `plan.json database.memory.sharedBuffersMiB ${show(m.sharedBuffersMiB)}: ¼ of ${ram} (F19).`,
      ],
    },
    {
      name: 'effective_cache_size',
      value: pgMemory(m.effectiveCacheSizeMiB),
      why: [
        `plan.json database.memory.effectiveCacheSizeMiB ${show(m.effectiveCacheSizeMiB)}: ¾ of the RAM (F19), which is at`,
        `least 4/3 of the database as measured (${show(m.databaseSizeGiB, 3)} GiB) and 4 GiB per vCPU.`,
      ],
    },
    {
      name: 'work_mem',
      value: pgMemory(m.workMemMiB),
      why: [
        `plan.json database.memory.workMemMiB ${show(m.workMemMiB)}: (RAM − shared_buffers) ÷ ((max_connections`,
        '+ worker processes) × 3), at least 4 MB (F19).',
      ],
    },
    {
      name: 'maintenance_work_mem',
      value: pgMemory(m.maintenanceWorkMemMiB),
      why: [
        `plan.json database.memory.maintenanceWorkMemMiB ${show(m.maintenanceWorkMemMiB)}: RAM ÷ 16, at most 8 GB (F19).`,
      ],
    },
    {
      name: 'wal_buffers',
      value: pgMemory(m.walBuffersMiB),
      why: [
        `plan.json database.memory.walBuffersMiB ${show(m.walBuffersMiB)}: 3 % of shared_buffers, 32 kB to 16 MB (F19).`,
      ],
    },
  ];
}
