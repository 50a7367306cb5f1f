// Month-end billing's posting counters from real k6 output of two runs against a real Odoo 17.0,
// one collision retried and one failed, against k6's own end-of-test summaries.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/runner/k6-output-ingest.js';
import { mergeMeasurements } from '../../src/runner/step-measurements.js';
import { stepFigures } from '../../src/runner/step-stats.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'k6');
const RETRIED = join(FIXTURES, 'month-end-billing-odoo17-retried.ndjson.gz');
const UNPOSTED = join(FIXTURES, 'month-end-billing-odoo17-unposted.ndjson.gz');

describe('posting counters in step.json', () => {
  it('a collision retried: attempts, the collision and every invoice posted, no error', async () => {
    const billing = stepFigures(await ingestFile(RETRIED), 12).classes['month-end-billing']!;
    expect(billing.posting).toEqual({
      attempts: 10,
      collisions: 1,
      collisionRate: 0.1,
      invoicesPosted: 36,
      invoicesPostedPerSecond: 3,
      invoicesUnposted: 0,
    });
    expect(billing.transactions).toBe(9);
    expect(billing.errors.total).toBe(0);
  });

  it('retries run out: the invoices left unposted, and one failure tagged collision', async () => {
    const billing = stepFigures(await ingestFile(UNPOSTED), 12).classes['month-end-billing']!;
    expect(billing.posting).toMatchObject({
      attempts: 15,
      collisions: 1,
      invoicesPosted: 56,
      invoicesUnposted: 4,
    });
    expect(billing.posting!.collisionRate).toBeCloseTo(1 / 15, 6);
    expect(billing.transactions).toBe(14);
    expect(billing.errors).toMatchObject({ total: 1, byTag: { collision: 1 } });
  });

  it('segments merge exactly', async () => {
    const merged = mergeMeasurements([await ingestFile(RETRIED), await ingestFile(UNPOSTED)]);
    const posting = stepFigures(merged, 12).classes['month-end-billing']!.posting!;
    expect(posting).toMatchObject({
      attempts: 25,
      collisions: 2,
      collisionRate: 0.08,
      invoicesPosted: 92,
      invoicesUnposted: 4,
    });
  });

  it('a class that never posts has no posting figures', async () => {
    const m = await ingestFile(RETRIED);
    const billing = m.classes.get('month-end-billing')!;
    const none = { attempts: 0, collisions: 0, invoicesPosted: 0, invoicesUnposted: 0 };
    m.classes.set('order-wave', { ...billing, posting: none });
    expect(stepFigures(m, 12).classes['order-wave']).not.toHaveProperty('posting');
  });
});
