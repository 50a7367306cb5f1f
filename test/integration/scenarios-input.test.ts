// What stops a scenario before any load: a bad OC_* variable or an unreachable target gives one
// line naming the variable or the address and what to do, and a non-zero exit, in real k6.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, errorMessages, runK6 } from '../scenarios/run-k6.js';

const ORDER_WAVE = join(REPO, 'scenarios', 'order-wave.ts');

describe('bad input to a scenario', () => {
  it.each([
    [{ OC_RATE: 'fast' }, 'OC_RATE: expected a positive number, got "fast"'],
    [{ OC_DURATION: '10 minutes' }, 'OC_DURATION: expected a k6 duration'],
    [{ OC_EXECUTOR: 'ramping' }, 'OC_EXECUTOR: expected open or closed'],
    [{ ODOO_URL: 'http://127.0.0.1:9', ODOO_PASSWORD: 'x' }, 'ODOO_DB: not set'],
    [{ OC_WORKLOAD: '{not json' }, 'OC_WORKLOAD: not JSON'],
    [{ OC_WORKLOAD: '{"workload":{},"slo":{}}' }, 'OC_WORKLOAD: schemaVersion must be 1'],
  ])('%o stops k6 with one line naming it', async (env, message) => {
    const result = await runK6(ORDER_WAVE, env);
    expect(result.exitCode).not.toBe(0);
    const errors = errorMessages(result.stderr);
    expect(
      errors.some((l) => l.includes(message)),
      result.stderr.slice(-2000),
    ).toBe(true);
    expect(result.summary).toBeUndefined();
  });

  it('an unreachable target stops the run in setup, naming the address (exit 108)', async () => {
    const result = await runK6(ORDER_WAVE, {
      ODOO_URL: 'http://127.0.0.1:9',
      ODOO_DB: 'lab',
      ODOO_PASSWORD: 'secret-value',
      OC_DURATION: '2s',
    });
    expect(result.exitCode).toBe(108);
    const errors = errorMessages(result.stderr);
    expect(
      errors.some((l) =>
        /http:\/\/127\.0\.0\.1:9: common\.version failed .*connection refused.*is the target up/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(result.stderr).not.toContain('secret-value');
  });
});
