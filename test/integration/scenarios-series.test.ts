// The same scenarios, unchanged, against labs emulating Odoo 16 and 18: the client adapts to the
// series and finds seeded deliveries by sale_id; no operation left out.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSlo } from '../../src/core/models/slo.js';
import { loadWorkload, workloadEnvironment } from '../../src/core/models/workload.js';
import type { LabHandle } from '../../src/lab/server/index.js';
import { REPO, runK6 } from '../scenarios/run-k6.js';
import { labViolations, startSeededLab } from '../scenarios/seeded-lab.js';

for (const serie of ['16.0', '18.0'] as const) {
  describe(`against a lab emulating Odoo ${serie}`, () => {
    let lab: LabHandle;
    let workloadJson: string;

    beforeAll(async () => {
      ({ lab } = await startSeededLab(
        ['series'],
        {
          products: 10,
          customers: 4,
          readyOrders: 20,
          deliveredOrders: 10,
          stock: 300,
          linesPerOrder: 2,
        },
        serie,
      ));
      const workload = await loadWorkload(join(REPO, 'models', 'workload', 'default.yaml'));
      workload.classes['month-end-billing'].payload.batchSize = 3;
      workloadJson = workloadEnvironment(workload, await loadSlo(join(REPO, 'models', 'slo.yaml')));
    });

    afterAll(async () => {
      await lab?.stop();
    });

    it.each([
      ['stock-moves', '2'],
      ['order-wave', '2'],
      ['carrier-burst', '2'],
      ['month-end-billing', '0.5'],
    ])('%s runs without a failed transaction', async (profile, rate) => {
      const result = await runK6(join(REPO, 'scenarios', `${profile}.ts`), {
        ODOO_URL: lab.url,
        ODOO_DB: 'series',
        ODOO_PASSWORD: 'admin',
        OC_WORKLOAD: workloadJson,
        OC_RATE: rate,
        OC_DURATION: '6s',
      });
      const warnings = result.console.map((l) => l.msg).join('\n');
      expect([0, 99], `${result.stderr.slice(-1500)}\n${warnings}`).toContain(result.exitCode);
      expect(warnings).not.toMatch(/no ready deliveries|no deliveries of seeded orders/);
      const metrics = result.summary!.metrics;
      expect(metrics.oc_transactions!.count).toBeGreaterThan(0);
      expect(metrics.oc_transaction_failed!.value, warnings).toBe(0);
      expect(await labViolations(lab)).toEqual([]);
    });
  });
}
