// "What changed since last quarter": comparing two runs shows their differences — changed
// recommendations and moved measurements — and comparing a run with itself shows none.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithBaseline } from '../../src/report/compare.js';
import { readBaseline, readPlannedRun, type PlannedRun } from '../../src/report/read-run.js';
import type { Table } from '../../src/report/table.js';
import { writeSyntheticRun } from '../fixtures/report/synthetic-run.js';

let root: string;
let q2Dir: string;
let q3Dir: string;
let q3: PlannedRun;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-report-compare-'));
  q2Dir = await writeSyntheticRun(root, 'q2');
  q3Dir = await writeSyntheticRun(root, 'q3');
  q3 = await readPlannedRun(q3Dir);
});
afterAll(() => rm(root, { recursive: true, force: true }));

function row(table: Table | null, item: string) {
  return table?.rows.find((r) => r.item === item);
}

function measure(table: Table | null, cls: string, name: string) {
  return table?.rows.find((r) => r.class === cls && r.measure === name);
}

describe('comparing with an earlier run', () => {
  it('shows each recommendation that changed, then and now', async () => {
    const c = compareWithBaseline(q3, await readBaseline(q2Dir, root));
    expect(c.against).toMatchObject({ kind: 'run', runId: '2025-06-12T10-00-00Z-peak-mix' });
    expect(row(c.recommendations, 'verdict')).toMatchObject({
      before: 'ready',
      after: 'not ready',
      change: 'changed',
    });
    expect(row(c.recommendations, 'Odoo web pods')).toMatchObject({
      before: 4,
      after: 6,
      change: '+2',
    });
    expect(row(c.recommendations, 'Odoo web workers')).toMatchObject({ change: '+8' });
    expect(row(c.recommendations, 'monthly cost (EUR)')).toMatchObject({
      before: 1250,
      after: 1940,
      change: '+690',
    });
    expect(row(c.recommendations, 'autoscaling: maximum replicas')).toMatchObject({
      before: null,
      change: 'new',
    });
    expect(row(c.recommendations, 'node pool web: nodes')).toMatchObject({ change: '+1' });
    expect(row(c.recommendations, 'database instance')).toMatchObject({
      before: 'db-custom-4-16',
      after: 'db-custom-8-32',
      change: 'changed',
    });
    expect(row(c.recommendations, 'tenant acme')).toMatchObject({
      before: 'stay-shared',
      after: 'dedicated-database',
      change: 'changed',
    });
    expect(row(c.recommendations, 'tenant globex')).toMatchObject({ change: 'unchanged' });
  });

  it('shows how the key measurements moved, in percent', async () => {
    const c = compareWithBaseline(q3, await readBaseline(q2Dir, root));
    const best = measure(c.measurements, 'order-wave', 'best valid throughput (tx/s)')!;
    expect(best.before).not.toBe(best.after);
    expect(best.changePct).toBeCloseTo(
      (((best.after as number) - (best.before as number)) / (best.before as number)) * 100,
      0,
    );
    expect(measure(c.measurements, 'order-wave', 'USL knee N*')).toMatchObject({
      before: 15,
      after: 17,
    });
    expect(c.headline).toMatch(
      /^Against run 2025-06-12T10-00-00Z-peak-mix: \d+ of \d+ recommendation items changed/,
    );
  });

  it('shows no difference when a run is compared with itself', async () => {
    const c = compareWithBaseline(q3, await readBaseline(q3Dir, root));
    expect(c.recommendations!.rows.every((r) => r.change === 'unchanged')).toBe(true);
    expect(c.measurements!.rows.every((r) => r.changePct === 0)).toBe(true);
    expect(c.headline).toContain(': 0 of');
    expect(c.headline).toContain('; 0 of');
  });

  it('compares measurements only, and says so, when the earlier run has no plan', async () => {
    const noPlan = await writeSyntheticRun(join(root, 'no-plan'), 'q2', { withPlan: false });
    const c = compareWithBaseline(q3, await readBaseline(noPlan, root));
    expect(c.recommendations).toBeNull();
    expect(measure(c.measurements, 'stock-moves', 'best valid throughput (tx/s)')).toBeDefined();
    expect(c.notes.join(' ')).toMatch(/no plan\.json.*odoo-capacity plan/);
  });

  it('compares planned figures only when given a lone plan.json', async () => {
    const c = compareWithBaseline(q3, await readBaseline(join(q2Dir, 'plan.json'), root));
    expect(c.against.kind).toBe('plan');
    expect(row(c.recommendations, 'Odoo web pods')).toMatchObject({ change: '+2' });
    expect(measure(c.measurements, 'order-wave', 'best valid throughput (tx/s)')).toBeUndefined();
    expect(measure(c.measurements, 'order-wave', 'USL knee N*')).toBeDefined();
  });

  it('notes a different environment and marks pools that appeared', async () => {
    const other = await writeSyntheticRun(join(root, 'other'), 'q2', {
      mutatePlan: (plan) => {
        plan.environment.name = 'old-cluster';
        plan.nodePools[0]!.pool = 'integration';
      },
    });
    const c = compareWithBaseline(q3, await readBaseline(other, root));
    expect(c.notes.join(' ')).toContain('then old-cluster, now synthetic-staging');
    expect(row(c.recommendations, 'node pool web: nodes')).toMatchObject({
      before: null,
      change: 'new',
    });
    expect(row(c.recommendations, 'node pool integration: nodes')).toMatchObject({
      after: null,
      change: 'gone',
    });
  });
});
