// The plan's recommendations as report sections (workers, Odoo's rules, node pools, autoscaling,
// database), each with its tables and the grounds of every recommendation.
import { ground, type Ground } from './grounds.js';
import type { PlanJson, WorkerPoolRecommendation } from '../core/plan-types.js';
import { money, percent, roundMeasure } from './round.js';
import { changeColumns, changeRow, yesNo, type Cell, type Table } from './table.js';

export interface RecommendationSection {
  id: string;
  title: string;
  tables: Table[];
  grounds: Ground[];
  /** A configuration fragment to start from (pgbouncer.ini). */
  code?: { title: string; lines: string[] };
}

const ITEM_VALUE = [
  { key: 'item', label: 'item' },
  { key: 'value', label: 'value', numeric: true },
];

function itemValueTable(id: string, title: string, rows: [string, Cell][], note?: string): Table {
  return {
    id,
    title,
    columns: ITEM_VALUE,
    rows: rows.map(([item, value]) => ({ item, value })),
    ...(note ? { note } : {}),
  };
}

const LIMITED_BY: Record<WorkerPoolRecommendation['limitedBy'], string> = {
  slo: 'the p95 SLOs',
  utilisation: 'the target utilisation',
  minimum: 'the minimum pool size',
  'n-star': 'the USL knee N* (more workers would not add throughput)',
};

function workerSection(plan: PlanJson, w: WorkerPoolRecommendation): RecommendationSection {
  const today = w.current;
  const todayCpu = w.pool === 'web' ? plan.environment.cpuPerPod : null;
  return {
    id: `workers-${w.pool}`,
    title: `Odoo ${w.pool} workers`,
    tables: [
      {
        id: `rec-workers-${w.pool}`,
        title: `Odoo ${w.pool} workers (${w.classes.join(', ')})`,
        columns: changeColumns('today', 'recommended'),
        rows: [
          changeRow('HTTP workers', today?.workers ?? null, w.workers),
          changeRow('pods', today?.pods ?? null, w.pods),
          changeRow(
            'workers per pod',
            today && today.pods > 0 ? roundMeasure(today.workers / today.pods) : null,
            w.workersPerPod,
          ),
          changeRow('cron threads per pod', null, w.cronThreadsPerPod),
          changeRow('CPU per pod', todayCpu, roundMeasure(w.podCpu)),
          changeRow('memory per pod (MiB)', null, roundMeasure(w.podMemoryMiB)),
          changeRow('worker utilisation at the peak (%)', null, percent(w.utilisation)),
          changeRow('requests that wait for a worker (%)', null, percent(w.probabilityOfWait)),
        ],
        note: `Sized by ${LIMITED_BY[w.limitedBy]}${w.nStar === null ? '' : `; USL knee N* = ${w.nStar}`}.${w.sloUnreachable.length > 0 ? ` No worker count meets the SLO of ${w.sloUnreachable.join(', ')}: their p95 misses it even without queueing.` : ''} Forecast peak: ${roundMeasure(w.transactionRate)} transactions/s, ${roundMeasure(w.requestRate)} requests/s; service time ${roundMeasure(w.serviceTimeMs)} ms (c_s² ${roundMeasure(w.serviceCv2)}).`,
      },
      {
        id: `rec-workers-${w.pool}-slo`,
        title: `Predicted p95 at the forecast peak with the recommended ${w.pool} workers`,
        columns: [
          { key: 'class', label: 'class' },
          { key: 'rate', label: 'forecast rate (tx/s)', numeric: true },
          { key: 'p95', label: 'predicted p95 (ms)', numeric: true },
          { key: 'slo', label: 'SLO p95 (ms)', numeric: true },
          { key: 'meets', label: 'meets the SLO' },
        ],
        rows: w.predictions.map((p) => ({
          class: p.class,
          rate: roundMeasure(p.rate),
          // Infinity in the planner, null in plan.json: the pool cannot keep up at all.
          p95: Number.isFinite(p.p95Ms) ? roundMeasure(p.p95Ms) : 'unbounded',
          slo: p.sloP95Ms,
          meets: p.sloP95Ms === null ? 'no SLO' : yesNo(p.meetsSlo),
        })),
      },
    ],
    grounds: [ground(`${w.pool} workers`, w)],
  };
}

function baselineSection(plan: PlanJson): RecommendationSection {
  const b = plan.baseline;
  const c = plan.connections;
  return {
    id: 'odoo-rules',
    title: "Odoo's rule of thumb and database connections",
    tables: [
      itemValueTable(
        'rec-odoo-baseline',
        "Odoo's deployment rule of thumb, for comparison (F16, F17)",
        [
          [`concurrent users (${b.concurrentUsersSource})`, roundMeasure(b.concurrentUsers)],
          ['workers by users / 6', b.workers],
          ['most workers per pod, (2 × CPU) + 1', b.maxWorkersPerPod],
          ['RAM by the rule (MiB)', roundMeasure(b.ramMiB)],
          [
            `memory per worker (MiB, ${plan.memory.source})`,
            roundMeasure(plan.memory.perWorkerMiB),
          ],
        ],
      ),
      itemValueTable('rec-connection-budget', 'Connection budget (F18)', [
        ['worst case: pods × (1 + workers + cron) × db_maxconn', c.worstCaseConnections],
        ['db_maxconn', c.dbMaxconn],
        ['max_connections', c.maxConnections],
        ['fits without a pooler', yesNo(c.fitsWithoutPooler)],
        ['expected peak (two per busy request)', roundMeasure(c.expectedPeakConnections)],
      ]),
    ],
    grounds: [ground('connection budget', c)],
  };
}

function nodePoolSections(plan: PlanJson): RecommendationSection[] {
  return plan.nodePools.map((p) => ({
    id: `node-pool-${p.pool}`,
    title: `Node pool ${p.pool}`,
    tables: [
      itemValueTable(
        `rec-node-pool-${p.pool}`,
        `Node pool ${p.pool} (Odoo ${p.odooPools.join(', ')})`,
        [
          ['node type', p.nodeType],
          ['allocatable CPU per node', roundMeasure(p.allocatable.cpu)],
          ['allocatable memory per node (MiB)', roundMeasure(p.allocatable.memoryMiB)],
          ['nodes the load needs', p.nodesForLoad],
          [
            `nodes to run (N+${plan.headroom.spareNodes}, ${p.zones} zone${p.zones === 1 ? '' : 's'})`,
            p.nodes,
          ],
          ['nodes per zone', p.nodesPerZone.join(' + ')],
          ['CPU requested / allocatable (%)', percent(p.utilisation.cpu)],
          ['memory requested / allocatable (%)', percent(p.utilisation.memory)],
          [`monthly cost (${p.currency})`, money(p.monthlyCost)],
        ],
      ),
      {
        id: `rec-node-pool-${p.pool}-alternatives`,
        title: `Node types that fit the ${p.pool} pool, cheapest first`,
        columns: [
          { key: 'nodeType', label: 'node type' },
          { key: 'nodes', label: 'nodes', numeric: true },
          { key: 'monthly', label: `monthly cost (${p.currency})`, numeric: true },
        ],
        rows: p.alternatives.map((a) => ({
          nodeType: a.nodeType,
          nodes: a.nodes,
          monthly: money(a.monthlyCost),
        })),
      },
    ],
    grounds: [ground(`node pool ${p.pool}`, p)],
  }));
}

function autoscalingSection(plan: PlanJson): RecommendationSection[] {
  const a = plan.autoscaling;
  if (!a) return [];
  return [
    {
      id: 'autoscaling',
      title: `Autoscaling of the ${a.pool} pods`,
      tables: [
        itemValueTable('rec-autoscaling', `Horizontal pod autoscaler for ${a.pool}`, [
          ['minimum replicas', a.minReplicas],
          ['maximum replicas', a.maxReplicas],
          ['metric', a.metric],
          ['target in-flight requests per pod', roundMeasure(a.targetConcurrencyPerPod)],
          ['CPU target, as a fallback (%)', percent(a.cpuTargetUtilisation)],
          ['maximum cut at the USL knee N*', yesNo(a.cappedAtNStar)],
        ]),
      ],
      grounds: [ground('autoscaling', a)],
    },
  ];
}

function databaseSection(plan: PlanJson): RecommendationSection {
  const db = plan.database;
  const env = plan.environment;
  const pooler = db.connections.pooler;
  const msPerTx = Object.entries(db.vcpu.dbMsPerTransaction).map(([cls, ms]): [string, Cell] => [
    `DB time per transaction, ${cls} (ms)`,
    roundMeasure(ms),
  ]);
  return {
    id: 'database',
    title: 'Database',
    tables: [
      {
        id: 'rec-database',
        title: 'Database',
        columns: changeColumns('today', 'recommended'),
        rows: [
          changeRow('instance', null, db.instance?.name ?? null),
          changeRow('vCPU', db.vcpu.current ?? env.databaseVcpu, roundMeasure(db.vcpu.vcpu)),
          changeRow(
            'RAM (GiB)',
            roundMeasure(env.databaseMemoryGiB),
            roundMeasure(db.memory.ramGiB),
          ),
          changeRow(
            'max_connections',
            plan.connections.maxConnections,
            db.connections.maxConnections,
          ),
          changeRow('read replica', null, yesNo(db.readReplica.recommended)),
        ],
      },
      {
        id: 'rec-database-settings',
        title: 'PostgreSQL and PgBouncer settings',
        columns: [
          { key: 'setting', label: 'setting' },
          { key: 'value', label: 'value', numeric: true },
          { key: 'from', label: 'from' },
        ],
        rows: [
          {
            setting: 'shared_buffers (MiB)',
            value: roundMeasure(db.memory.sharedBuffersMiB),
            from: 'F19',
          },
          {
            setting: 'effective_cache_size (MiB)',
            value: roundMeasure(db.memory.effectiveCacheSizeMiB),
            from: 'F19',
          },
          {
            setting: 'maintenance_work_mem (MiB)',
            value: roundMeasure(db.memory.maintenanceWorkMemMiB),
            from: 'F19',
          },
          { setting: 'work_mem (MiB)', value: roundMeasure(db.memory.workMemMiB), from: 'F19' },
          {
            setting: 'wal_buffers (MiB)',
            value: roundMeasure(db.memory.walBuffersMiB),
            from: 'F19',
          },
          { setting: 'max_connections', value: db.connections.maxConnections, from: 'F18' },
          { setting: 'pgbouncer pool_mode', value: pooler.poolMode, from: 'F22' },
          { setting: 'pgbouncer default_pool_size', value: pooler.defaultPoolSize, from: 'F22' },
          { setting: 'pgbouncer max_client_conn', value: pooler.maxClientConn, from: 'F22' },
          {
            setting: 'pgbouncer session-mode databases (Odoo bus)',
            value: pooler.sessionModeDatabases.join(', '),
            from: '§4',
          },
        ],
      },
      itemValueTable('rec-database-load', 'Database load at the forecast peak', [
        ['busy cores at the peak', roundMeasure(db.vcpu.busyCoresAtPeak)],
        ['target CPU utilisation (%)', percent(db.vcpu.targetUtilisation)],
        ...msPerTx,
        ['read IOPS (upper bound)', roundMeasure(db.io.readIopsUpperBound)],
        ['WAL (MB/s)', roundMeasure(db.io.walMBps)],
        ['database size now (GiB)', roundMeasure(db.memory.databaseSizeGiB)],
        ['database size in 12 months (GiB)', roundMeasure(db.memory.databaseSizeIn12MonthsGiB)],
        ['growth (GiB a month)', roundMeasure(db.storage.growthGiBPerMonth)],
        ['buffer hit ratio (%)', db.memory.hitRatio === null ? null : percent(db.memory.hitRatio)],
        [
          'read-only share of statement time (%)',
          db.readReplica.readShare === null ? null : percent(db.readReplica.readShare),
        ],
      ]),
    ],
    grounds: [
      ground('database vCPU', db.vcpu),
      ground('database memory', db.memory),
      ground('database connections', db.connections),
      ground('database I/O', db.io),
      ground('database storage', db.storage),
      ground('read replica', db.readReplica),
    ],
    code: { title: 'pgbouncer.ini (a start)', lines: pooler.ini },
  };
}

export function recommendationSections(plan: PlanJson): RecommendationSection[] {
  return [
    ...plan.workers.map((w) => workerSection(plan, w)),
    baselineSection(plan),
    ...nodePoolSections(plan),
    ...autoscalingSection(plan),
    databaseSection(plan),
  ];
}
