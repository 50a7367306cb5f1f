import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/core/load-yaml.js';
import { environmentSchema, loadEnvironment } from '../../src/core/models/environment.js';

describe('models/environment.yaml', () => {
  it('the shipped default loads', async () => {
    const env = await loadEnvironment(
      join(import.meta.dirname, '..', '..', 'models', 'environment.yaml'),
    );
    expect(env.production).toBe(false);
    expect(env.odoo.workersPerPod).toBeGreaterThan(0);
  });

  it('rejects an unknown field, naming it', () => {
    const text =
      'name: x\ntenancy: dedicated\nodoo: {version: "17.0", pods: 1, workersPerPod: 2, cpuPerPod: 1, memoryPerPodMiB: 1, wokers: 3}\nnodes: {type: a, count: 1}\ndatabase: {instance: i, vcpu: 1, memoryGiB: 1}\n';
    expect(() => parseYaml(environmentSchema, text, 'env.yaml')).toThrow(
      /^env\.yaml:3: odoo: .*wokers/,
    );
  });
});
