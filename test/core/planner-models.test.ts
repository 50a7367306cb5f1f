// The planner's models: the shipped defaults load, and mistakes are named by file, line and field.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/core/load-yaml.js';
import { forecastSchema, loadForecast } from '../../src/core/models/forecast.js';
import { loadNodes, nodesSchema } from '../../src/core/models/nodes.js';
import { loadTenancy } from '../../src/core/models/tenancy.js';
import { loadTenants, tenantsSchema } from '../../src/core/models/tenants.js';

const models = join(import.meta.dirname, '..', '..', 'models');

describe('planner models', () => {
  it('the shipped nodes, forecast, tenants and tenancy load', async () => {
    const nodes = await loadNodes(join(models, 'nodes.yaml'));
    expect(nodes.nodeTypes.map((n) => n.name)).toContain('local-2c-24g');
    const forecast = await loadForecast(join(models, 'forecast.yaml'));
    expect(forecast.pools.web.classes).toEqual(['order-wave', 'stock-moves']);
    expect((await loadTenants(join(models, 'tenants.yaml'))).tenants.length).toBeGreaterThan(1);
    expect((await loadTenancy(join(models, 'tenancy.yaml'))).thresholds.dbTimeShare).toBe(0.4);
  });

  it('rejects a node type listed twice, naming the line', () => {
    const text = `schemaVersion: 1
nodeTypes:
  - {name: a, vcpu: 2, memoryGiB: 4, pricePerMonth: 1}
  - {name: a, vcpu: 4, memoryGiB: 8, pricePerMonth: 2}
`;
    expect(() => parseYaml(nodesSchema, text, 'nodes.yaml')).toThrow(
      /^nodes\.yaml:4: nodeTypes\[1\]\.name: duplicate node type "a"/,
    );
  });

  it('rejects a class served by two pools and growth for an unknown class', () => {
    const twoPools = `schemaVersion: 1
baseline: {order-wave: 1}
pools:
  web: {classes: [order-wave]}
  cron: {classes: [order-wave]}
  integration: {classes: []}
`;
    expect(() => parseYaml(forecastSchema, twoPools, 'forecast.yaml')).toThrow(
      /forecast\.yaml:\d+: pools\.cron\.classes: order-wave is already served by the web pool/,
    );
    const growth =
      'schemaVersion: 1\nbaseline: {order-wave: 1}\ngrowthPercentPerMonth: {order-waves: 3}\n';
    expect(() => parseYaml(forecastSchema, growth, 'forecast.yaml')).toThrow(
      /growthPercentPerMonth\.order-waves: unknown transaction class/,
    );
    const date =
      "schemaVersion: 1\nbaseline: {}\npeaks: [{name: x, date: '13-40', multipliers: {}}]\n";
    expect(() => parseYaml(forecastSchema, date, 'forecast.yaml')).toThrow(
      /peaks\[0\]\.date: not a calendar date/,
    );
  });

  it('rejects two tenants on one database', () => {
    const text = `schemaVersion: 1
sharedPool: {regions: [eu]}
tenants:
  - {name: A, database: x}
  - {name: B, database: x}
`;
    expect(() => parseYaml(tenantsSchema, text, 'tenants.yaml')).toThrow(
      /tenants\.yaml:5: tenants\[1\]\.database: database "x" is listed twice/,
    );
  });
});
