// docker-compose.yml checked without a Docker engine: services, loopback ports, healthchecks,
// Odoo's connection budget, and the `metrics` profile with Prometheus and Grafana.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Service {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string>;
  ports?: (string | { host_ip?: string; target: number; published?: string | number })[];
  healthcheck?: { test: string[] | string; interval?: string; retries?: number };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  network_mode?: string;
  configs?: { source: string; target: string }[];
  volumes?: string[];
}

interface Compose {
  services: Record<string, Service>;
  configs?: Record<string, { content?: string }>;
}

const REPO = join(import.meta.dirname, '..', '..');
let compose: Compose;

beforeAll(async () => {
  const text = await readFile(join(REPO, 'docker-compose.yml'), 'utf8');
  compose = parse(text, { merge: true }) as Compose;
});

function args(service: Service): string[] {
  return Array.isArray(service.command) ? service.command : (service.command ?? '').split(/\s+/);
}

/** `--name=value` or `-c name=value` (PostgreSQL) settings of a command line. */
function setting(service: Service, name: string): string | undefined {
  const list = args(service);
  for (const [i, arg] of list.entries()) {
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
    if (list[i - 1] === '-c' && arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

describe('docker-compose.yml', () => {
  it('runs Odoo 17 from the official image over PostgreSQL 16', () => {
    expect(compose.services.odoo?.image).toMatch(/^odoo:17(\.0)?$/);
    expect(compose.services.db?.image).toMatch(/^postgres:16(\.|$)/);
    expect(compose.services.odoo?.depends_on?.db?.condition).toBe('service_healthy');
  });

  it('binds every published port to 127.0.0.1 only', () => {
    const published = Object.entries(compose.services).flatMap(([name, s]) =>
      (s.ports ?? []).map((p) => ({ name, p })),
    );
    expect(published.length).toBeGreaterThanOrEqual(2);
    for (const { name, p } of published) {
      if (typeof p === 'string') expect(p, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
      else expect(p.host_ip, name).toBe('127.0.0.1');
    }
    expect(compose.services.odoo?.ports).toContain('127.0.0.1:8069:8069');
    expect(compose.services.db?.ports).toContain('127.0.0.1:5432:5432');
  });

  it('gives every long-running service a healthcheck', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.profiles?.length) continue; // one-shot or optional tools
      expect(service.healthcheck, name).toBeDefined();
      expect(service.healthcheck!.retries, name).toBeGreaterThan(0);
      expect(service.healthcheck!.interval, name).toMatch(/^\d+s$/);
    }
    expect(String(compose.services.db!.healthcheck!.test)).toContain('pg_isready');
    expect(String(compose.services.odoo!.healthcheck!.test)).toContain('127.0.0.1:8069/web/health');
  });

  it('preloads pg_stat_statements, times I/O, and creates the extension and a pg_monitor role', () => {
    const db = compose.services.db!;
    expect(setting(db, 'shared_preload_libraries')?.split(',')).toContain('pg_stat_statements');
    expect(setting(db, 'track_io_timing')).toBe('on');
    const init = db.configs?.find((c) => c.target.startsWith('/docker-entrypoint-initdb.d/'));
    expect(init).toBeDefined();
    const content = compose.configs?.[init!.source]?.content ?? '';
    expect(content).toMatch(/CREATE EXTENSION IF NOT EXISTS pg_stat_statements/);
    expect(content).toMatch(/IN ROLE pg_monitor/);
  });

  it('runs Odoo with prefork workers within PostgreSQL’s connection budget (F18)', () => {
    const odoo = compose.services.odoo!;
    const workers = Number(setting(odoo, 'workers'));
    const cron = Number(setting(odoo, 'max-cron-threads'));
    const maxconn = Number(setting(odoo, 'db_maxconn'));
    const maxConnections = Number(setting(compose.services.db!, 'max_connections'));
    expect(workers).toBeGreaterThanOrEqual(2);
    expect(cron).toBeGreaterThanOrEqual(0);
    expect((1 + workers + cron) * maxconn).toBeLessThan(maxConnections);
    expect(odoo.environment).toMatchObject({ HOST: 'db', USER: 'odoo' });
  });

  it('offers an optional k6 runner whose load stays on loopback, with no secret in the file', () => {
    const k6 = compose.services.k6!;
    expect(k6.profiles).toEqual(['k6']);
    expect(k6.image).toMatch(/^grafana\/k6:/);
    expect(k6.network_mode).toBe('service:odoo');
    expect(k6.environment?.ODOO_URL).toBe('http://127.0.0.1:8069');
    expect(k6.environment?.ODOO_PASSWORD).toMatch(/^\$\{ODOO_PASSWORD:-\}$/);
  });

  it('has a one-shot init that installs the apps the scenarios need', () => {
    const init = compose.services['odoo-init']!;
    expect(init.profiles).toEqual(['init']);
    const modules = setting(init, 'init')?.split(',') ?? [];
    expect(modules).toEqual(
      expect.arrayContaining(['sale_management', 'stock', 'account', 'stock_delivery']),
    );
    expect(args(init)).toContain('--stop-after-init');
  });
});

describe('the metrics profile of docker-compose.yml', () => {
  /** host path → container path of a service's bind mounts, each host path existing. */
  function binds(service: Service): Map<string, string> {
    const out = new Map<string, string>();
    for (const volume of service.volumes ?? []) {
      const [host, target] = volume.split(':');
      if (!host!.startsWith('./')) continue;
      expect(existsSync(join(REPO, host!)), host).toBe(true);
      out.set(host!.slice(2), target!);
    }
    return out;
  }

  it('runs Prometheus with its remote-write receiver and the shipped configuration', async () => {
    const prometheus = compose.services.prometheus!;
    expect(prometheus.profiles).toEqual(['metrics']);
    expect(prometheus.image).toMatch(/^prom\/prometheus:/);
    expect(prometheus.command).toContain('--web.enable-remote-write-receiver');
    const mounted = binds(prometheus);
    const config = mounted.get('deploy/prometheus/prometheus.yml');
    expect(prometheus.command).toContain(`--config.file=${config}`);
    const parsed = parse(await readFile(join(REPO, 'deploy/prometheus/prometheus.yml'), 'utf8'));
    expect(parsed).toHaveProperty('global');
  });

  it('provisions Grafana with that Prometheus as default datasource and the dashboard', async () => {
    const grafana = compose.services.grafana!;
    expect(grafana.profiles).toEqual(['metrics']);
    expect(grafana.image).toMatch(/^grafana\/grafana:/);
    expect(grafana.depends_on?.prometheus?.condition).toBe('service_healthy');
    const mounted = binds(grafana);
    expect(mounted.get('deploy/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    const dashboardPath = mounted.get('deploy/grafana/odoo-capacity.json')!;
    expect(dashboardPath).toBeDefined();
    expect(grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(dashboardPath);

    const provisioning = join(REPO, 'deploy', 'grafana', 'provisioning');
    const datasources = parse(
      await readFile(join(provisioning, 'datasources', 'prometheus.yml'), 'utf8'),
    ) as { apiVersion: number; datasources: { type: string; url: string; isDefault: boolean }[] };
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toEqual([
      expect.objectContaining({
        type: 'prometheus',
        url: 'http://prometheus:9090',
        isDefault: true,
      }),
    ]);
    const providers = parse(
      await readFile(join(provisioning, 'dashboards', 'odoo-capacity.yml'), 'utf8'),
    ) as { apiVersion: number; providers: { type: string; options: { path: string } }[] };
    expect(providers.apiVersion).toBe(1);
    expect(providers.providers).toEqual([
      expect.objectContaining({
        type: 'file',
        options: { path: dashboardPath.replace(/\/[^/]+$/, '') },
      }),
    ]);
  });
});
