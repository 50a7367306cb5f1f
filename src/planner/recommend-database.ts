// Database recommendations: vCPU (F21), memory (F19), PgBouncer (F22), IOPS and WAL rate,
// storage growth, and a read replica when reads dominate.
import type { TransactionClass } from '../core/classes.js';
import type { Environment } from '../core/models/environment.js';
import type { Forecast } from '../core/models/forecast.js';
import type { NodeCatalog } from '../core/models/nodes.js';
import type {
  ConnectionBudget,
  DatabaseRecommendation,
  Evidence,
  ForecastSummary,
  HeadroomPolicy,
  StepRef,
  WorkerPoolRecommendation,
} from '../core/plan-types.js';
import { grade } from './confidence.js';
import { growthPerMonth, type Rates } from './forecast-demand.js';
import { databaseSteps, perTransaction, type DatabaseStep } from './measurements.js';
import type { RunOnDisk } from '../core/run-types.js';
import { pgTune } from './pgtune.js';

type CostKey = TransactionClass | 'mix';

interface CostModel {
  key: CostKey;
  steps: DatabaseStep[];
  busyMs: ReturnType<typeof perTransaction>;
  readBlocks: ReturnType<typeof perTransaction>;
  walBytes: ReturnType<typeof perTransaction>;
  sizeBytesPerTx: number;
  maxThroughput: number;
}

const GIB = 1024 ** 3;

function costModels(runs: readonly RunOnDisk[]): CostModel[] {
  return runs
    .map((run) => {
      const steps = databaseSteps(run);
      const key: CostKey = run.run.ladder.profile === 'peak-mix' ? 'mix' : run.run.ladder.profile;
      const transactions = steps.reduce((t, s) => t + s.throughput * s.seconds, 0);
      return {
        key,
        steps,
        busyMs: perTransaction(steps, (s) => s.busyMsPerSecond),
        readBlocks: perTransaction(steps, (s) => s.blksReadPerSecond),
        walBytes: perTransaction(steps, (s) => s.walBytesPerSecond),
        sizeBytesPerTx:
          transactions > 0
            ? Math.max(
                0,
                steps.reduce((t, s) => t + s.sizeGrowthBytes, 0),
              ) / transactions
            : 0,
        maxThroughput: Math.max(0, ...steps.map((s) => s.throughput)),
      };
    })
    .filter((m) => m.steps.length > 0);
}

/** Per second of a quantity at the given rates: each class at its own cost, else the mix's. */
function atRates(
  models: readonly CostModel[],
  rates: Rates,
  pick: (m: CostModel) => { perTransaction: number; background: number },
): number {
  const mix = models.find((m) => m.key === 'mix');
  let total = 0;
  let background = 0;
  for (const [c, rate] of Object.entries(rates) as [TransactionClass, number][]) {
    const model = models.find((m) => m.key === c) ?? mix;
    if (!model) continue;
    total += rate * pick(model).perTransaction;
    background = Math.max(background, pick(model).background);
  }
  return total + background;
}

export interface DatabasePlanInput {
  runs: readonly RunOnDisk[];
  forecast: Forecast;
  summary: ForecastSummary;
  environment: Environment;
  catalog: NodeCatalog;
  policy: HeadroomPolicy;
  workers: readonly WorkerPoolRecommendation[];
  connections: ConnectionBudget;
}

/** DB milliseconds per transaction of a class (its own run, else the mix); null if unmeasured. */
export function dbMsPerTransaction(runs: readonly RunOnDisk[], c: TransactionClass): number | null {
  const models = costModels(runs);
  const model = models.find((m) => m.key === c) ?? models.find((m) => m.key === 'mix');
  return model ? model.busyMs.perTransaction : null;
}

export function dbBusyCores(runs: readonly RunOnDisk[], rates: Rates): number {
  return atRates(costModels(runs), rates, (m) => m.busyMs) / 1000;
}

/** What every section reads: the cost models and the evidence they cite. */
interface Sizing {
  models: CostModel[];
  evidence: (inputs: Record<string, number>, formulas: string[]) => Evidence;
}

/** vCPU: the busiest forecast event decides, since the database is shared by every pool (F21). */
function sizeVcpu(
  { models, evidence }: Sizing,
  summary: ForecastSummary,
  policy: HeadroomPolicy,
  environment: Environment,
) {
  const busyByEvent = summary.events.map((e) => ({
    event: e,
    cores: atRates(models, e.rates, (m) => m.busyMs) / 1000,
  }));
  const worst = busyByEvent.reduce((a, b) => (b.cores > a.cores ? b : a), busyByEvent[0]!);
  const vcpu = Math.max(2, Math.ceil(worst.cores / policy.databaseTargetUtilisation - 1e-9));
  const maxMeasured = Math.max(0, ...models.map((m) => m.maxThroughput));
  const extrapolation = maxMeasured > 0 ? worst.event.total / maxMeasured : Infinity;
  const busySources = new Set(models.flatMap((m) => m.steps.map((s) => s.busySource)));
  const dbMsInputs = Object.fromEntries(
    models.map((m) => [`${m.key}.dbMsPerTransaction`, m.busyMs.perTransaction]),
  );
  const busyCaps = busySources.has('none')
    ? [
        {
          grade: 'low' as const,
          reason: 'some steps had neither pg_stat_statements nor active_time',
        },
      ]
    : [];
  const section: DatabaseRecommendation['vcpu'] = {
    busyCoresAtPeak: worst.cores,
    dbMsPerTransaction: Object.fromEntries(models.map((m) => [m.key, m.busyMs.perTransaction])),
    targetUtilisation: policy.databaseTargetUtilisation,
    vcpu,
    current: environment.database.vcpu,
    evidence: evidence(
      { ...dbMsInputs, peakRate: worst.event.total, busyCoresAtPeak: worst.cores },
      ['F21'],
    ),
    assumptions: [
      `sized for "${worst.event.name}" (${worst.event.date}), the busiest forecast event for the database`,
      'DB time is Σ pg_stat_statements total_exec_time (or active_time): it includes I/O waits, so it over- rather than under-states CPU',
      ...models.map(
        (m) =>
          `${m.key}: ${m.busyMs.method === 'regression' ? 'slope of DB time against throughput over the steps' : 'DB time ÷ transactions'}`,
      ),
    ],
    confidence: grade({ extrapolation, caps: busyCaps }),
  };
  return { section, vcpu, worst, extrapolation };
}

/** Storage: bytes per transaction × monthly volume, grown month by month over a year (F27). */
function sizeStorage({ models, evidence }: Sizing, forecast: Forecast) {
  const sizeNow = Math.max(0, ...models.flatMap((m) => m.steps.map((s) => s.sizeBytesAfter)));
  const monthlyBytes = (month: number) =>
    (Object.entries(forecast.baseline) as [TransactionClass, number][]).reduce((t, [c, rate]) => {
      const model = models.find((m) => m.key === c) ?? models.find((m) => m.key === 'mix');
      const volume =
        rate * 3600 * forecast.busyHoursPerMonth * (1 + growthPerMonth(forecast, c)) ** month;
      return t + (model ? model.sizeBytesPerTx * volume : 0);
    }, 0);
  const growthGiBPerMonth = monthlyBytes(0) / GIB;
  const sizeIn12 =
    sizeNow + Array.from({ length: 12 }, (_, m) => monthlyBytes(m)).reduce((a, b) => a + b, 0);
  const section: DatabaseRecommendation['storage'] = {
    bytesPerTransaction: Object.fromEntries(models.map((m) => [m.key, m.sizeBytesPerTx])),
    growthGiBPerMonth,
    provisionGiB: Math.ceil((sizeIn12 / GIB) * forecast.database.storageHeadroom),
    evidence: evidence({ databaseSizeGiB: sizeNow / GIB, growthGiBPerMonth }, ['F27']),
    assumptions: [
      `monthly volume = today's busy-hour rate × ${forecast.busyHoursPerMonth} busy hours (models/forecast.yaml busyHoursPerMonth)`,
      'pg_database_size grows in file-extension steps: over short steps the per-transaction size is coarse',
      `provisioned storage = size a year out × ${forecast.database.storageHeadroom} (models/forecast.yaml database.storageHeadroom)`,
    ],
    confidence: { grade: 'low', reasons: ['database size deltas over short load steps'] },
  };
  return { section, sizeNow, sizeIn12 };
}

/**
 * The instance: enough RAM that effective_cache_size (¾ RAM) holds the data the run touched, and
 * at least 4 GiB per vCPU; the cheapest in the catalog that fits, else a power of two of RAM.
 */
function pickInstance(catalog: NodeCatalog, vcpu: number, sizeNow: number) {
  const ramNeeded = Math.max(4, 4 * vcpu, Math.ceil(((4 / 3) * sizeNow) / GIB));
  const instances = [...catalog.databaseInstances].sort(
    (a, b) => a.pricePerMonth - b.pricePerMonth,
  );
  const instance = instances.find((i) => i.vcpu >= vcpu && i.memoryGiB >= ramNeeded) ?? null;
  const unfit =
    instances.length > 0 && !instance
      ? [
          `database: no instance in models/nodes.yaml has ${vcpu} vCPU and ${ramNeeded} GiB (largest: ${instances.reduce((a, b) => (b.vcpu > a.vcpu ? b : a)).name})`,
        ]
      : [];
  return {
    instance,
    unfit,
    ramGiB: instance ? instance.memoryGiB : 2 ** Math.ceil(Math.log2(ramNeeded)),
    cores: instance ? instance.vcpu : vcpu,
  };
}

/** Connections: PgBouncer in transaction mode; the bus keeps session mode on `postgres` (F22). */
function sizeConnections({ evidence }: Sizing, input: DatabasePlanInput, cores: number) {
  const databases = new Set(
    input.runs.flatMap((r) =>
      r.steps.flatMap((s) => s.step.database.databases.map((d) => d.datname)),
    ),
  );
  const defaultPoolSize = 2 * cores + 1;
  const pods = input.workers.reduce((t, w) => t + w.pods, 0);
  const maxConnections = defaultPoolSize * Math.max(1, databases.size) + pods + 10;
  const worst = input.connections.worstCaseConnections;
  const section: DatabaseRecommendation['connections'] = {
    maxConnections,
    pooler: {
      kind: 'pgbouncer',
      poolMode: 'transaction',
      defaultPoolSize,
      maxClientConn: worst,
      sessionModeDatabases: ['postgres'],
      ini: [
        '[databases]',
        '* = host=DB_HOST port=5432',
        'postgres = host=DB_HOST port=5432 pool_mode=session',
        '[pgbouncer]',
        'pool_mode = transaction',
        `default_pool_size = ${defaultPoolSize}`,
        `max_client_conn = ${worst}`,
      ],
    },
    evidence: evidence(
      { cores, databases: databases.size, pods, worstCaseOdooConnections: worst },
      ['F18', 'F22'],
    ),
    assumptions: [
      'server pool per database ≈ 2 × cores + 1 effective spindle (SSD) (HikariCP)',
      "Odoo's bus LISTENs on the postgres database, which transaction pooling would break: it stays in session mode",
      'max_connections = pool per database × databases + one bus connection per pod + 10 for admin and monitoring',
    ],
    confidence: { grade: 'medium', reasons: ['pool sizing rule of thumb, not measured'] },
  };
  return { section, maxConnections };
}

/** Memory: PGTune's settings for the instance, checked against the measured hit ratio (F19). */
function sizeMemory(
  { models, evidence }: Sizing,
  tune: ReturnType<typeof pgTune>,
  ramGiB: number,
  storage: { sizeNow: number; sizeIn12: number },
): DatabaseRecommendation['memory'] {
  const hit = models
    .flatMap((m) => m.steps)
    .reduce((t, s) => ({ hit: t.hit + s.blksHit, read: t.read + s.blksRead }), { hit: 0, read: 0 });
  const hitRatio = hit.hit + hit.read > 0 ? hit.hit / (hit.hit + hit.read) : null;
  const { sizeNow, sizeIn12 } = storage;
  return {
    ramGiB,
    sharedBuffersMiB: tune.sharedBuffersKb / 1024,
    effectiveCacheSizeMiB: tune.effectiveCacheSizeKb / 1024,
    maintenanceWorkMemMiB: tune.maintenanceWorkMemKb / 1024,
    workMemMiB: tune.workMemKb / 1024,
    walBuffersMiB: tune.walBuffersKb / 1024,
    databaseSizeGiB: sizeNow / GIB,
    databaseSizeIn12MonthsGiB: sizeIn12 / GIB,
    hitRatio,
    evidence: evidence(
      { databaseSizeGiB: sizeNow / GIB, ramGiB, ...(hitRatio !== null ? { hitRatio } : {}) },
      ['F19'],
    ),
    assumptions: [
      'PGTune web profile: shared_buffers ¼ RAM, effective_cache_size ¾ RAM',
      'RAM at least 4 GiB per vCPU and enough that effective_cache_size holds the database as measured (its size a year out is reported, not cached)',
      ...(hitRatio !== null && hitRatio < 0.99
        ? [
            `the measured hit ratio ${hitRatio.toFixed(3)} is below 0.99: reads leave shared buffers; the working set may exceed memory`,
          ]
        : []),
    ],
    confidence: grade({
      caps: [
        { grade: 'medium', reason: 'PGTune is a heuristic starting point, not a measurement' },
      ],
    }),
  };
}

/** I/O at the busiest event: blocks read outside shared buffers and WAL written (F21). */
function sizeIo(
  { models, evidence }: Sizing,
  peakRates: Rates,
  extrapolation: number,
): DatabaseRecommendation['io'] {
  const readIops = atRates(models, peakRates, (m) => m.readBlocks);
  const walMBps = atRates(models, peakRates, (m) => m.walBytes) / 1e6;
  return {
    readIopsUpperBound: readIops,
    walMBps,
    evidence: evidence({ readIopsAtPeak: readIops, walMBpsAtPeak: walMBps }, ['F21']),
    assumptions: [
      'blocks read from outside shared buffers count as I/O: the OS cache absorbs some, so read IOPS is an upper bound',
    ],
    confidence: grade({ extrapolation }),
  };
}

/** A read replica when read-only statements carry at least the forecast's share of DB time. */
function sizeReadReplica(
  { models, evidence }: Sizing,
  forecast: Forecast,
): DatabaseRecommendation['readReplica'] {
  const weighted = models.flatMap((m) => m.steps).filter((s) => s.readOnlyShare !== null);
  const busyTotal = weighted.reduce((t, s) => t + s.busyMsPerSecond, 0);
  const readShare =
    busyTotal > 0
      ? weighted.reduce((t, s) => t + s.readOnlyShare! * s.busyMsPerSecond, 0) / busyTotal
      : null;
  const threshold = forecast.database.readReplicaShare;
  return {
    recommended: readShare !== null && readShare >= threshold,
    readShare,
    threshold,
    evidence: evidence(readShare !== null ? { readShare } : {}, []),
    assumptions: [
      'read-only statements are SELECTs without FOR UPDATE/SHARE among the top statements',
      `a replica pays off from a read share of ${threshold} (models/forecast.yaml database.readReplicaShare)`,
    ],
    confidence:
      readShare === null
        ? { grade: 'low', reasons: ['no pg_stat_statements: the read share is unknown'] }
        : { grade: 'medium', reasons: ['top statements only'] },
  };
}

export function recommendDatabase(input: DatabasePlanInput): {
  database: DatabaseRecommendation;
  unfit: string[];
  warnings: string[];
} {
  const { summary, forecast, environment, catalog, policy } = input;
  const models = costModels(input.runs);
  const warnings: string[] = [];
  const steps: StepRef[] = models.flatMap((m) => m.steps.map((s) => s.step));
  const measuredKeys = new Set(models.map((m) => m.key));
  const unpriced = (Object.keys(summary.peakRates) as TransactionClass[]).filter(
    (c) => !measuredKeys.has(c) && !measuredKeys.has('mix') && (summary.peakRates[c] ?? 0) > 0,
  );
  if (unpriced.length)
    warnings.push(`database: no run measured ${unpriced.join(', ')}; their DB cost is left out`);
  const sizing: Sizing = {
    models,
    evidence: (inputs, formulas) => ({ steps, fits: [], inputs, formulas }),
  };

  const vcpu = sizeVcpu(sizing, summary, policy, environment);
  const storage = sizeStorage(sizing, forecast);
  const picked = pickInstance(catalog, vcpu.vcpu, storage.sizeNow);
  const connections = sizeConnections(sizing, input, picked.cores);
  const tune = pgTune({
    ramGiB: picked.ramGiB,
    cpus: picked.cores,
    maxConnections: connections.maxConnections,
    storage: environment.database.storage,
  });
  const { instance } = picked;
  const database: DatabaseRecommendation = {
    vcpu: vcpu.section,
    memory: sizeMemory(sizing, tune, picked.ramGiB, storage),
    connections: connections.section,
    io: sizeIo(sizing, vcpu.worst.event.rates, vcpu.extrapolation),
    storage: storage.section,
    readReplica: sizeReadReplica(sizing, forecast),
    instance: instance
      ? {
          name: instance.name,
          vcpu: instance.vcpu,
          memoryGiB: instance.memoryGiB,
          monthlyCost: instance.pricePerMonth,
        }
      : null,
  };
  return { database, unfit: picked.unfit, warnings };
}
