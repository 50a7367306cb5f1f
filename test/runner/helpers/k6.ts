// The real k6 and the contract probe script, for the runner's tests.
import { join } from 'node:path';

export const PROBE_SCRIPT = join(
  import.meta.dirname,
  '..',
  '..',
  'fixtures',
  'k6',
  'contract-probe.js',
);

/** k6 as the global setup found it (scripts/ensure-k6.sh). */
export function k6Binary(): string {
  const path = process.env.K6_BIN;
  if (!path) throw new Error('K6_BIN is not set: the vitest global setup finds k6');
  return path;
}

/** The probe's environment for one load level (docs/contracts.md: OC_* and ODOO_*). */
export function probeEnv(
  url: string,
  level: { rate?: number; vus?: number; warmup?: number; hold?: number; profile?: string },
): Record<string, string> {
  return {
    ODOO_URL: url,
    ODOO_DB: 'lab',
    ODOO_USER: 'admin',
    ODOO_PASSWORD: 'probe-secret-not-used',
    OC_PROFILE: level.profile ?? 'order-wave',
    OC_EXECUTOR: level.rate !== undefined ? 'open' : 'closed',
    OC_RATE: String(level.rate ?? 0),
    OC_VUS: String(level.vus ?? 10),
    OC_WARMUP: `${level.warmup ?? 0}s`,
    OC_DURATION: `${level.hold ?? 3}s`,
    OC_RUN_ID: 'test',
  };
}
