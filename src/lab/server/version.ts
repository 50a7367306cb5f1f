// common.version as Odoo answers it (four keys), plus the lab's own `lab` key so that any tool
// can tell it is talking to the lab and not to Odoo (docs/contracts.md "Lab ↔ tools").
import type { OdooSerie } from '../contract.js';
import { COST_PROFILE_NAME } from './cost-profile.js';

export interface LabIdentity {
  serie: OdooSerie;
  costScale: number;
  workers: number;
  /** Serves Odoo 19's JSON-2 beside XML-RPC (lab start --json2). */
  json2?: boolean;
}

export function versionInfo(identity: LabIdentity): Record<string, unknown> {
  const major = Number(identity.serie.split('.')[0]);
  return {
    server_version: identity.serie,
    server_version_info: [major, 0, 0, 'final', 0, ''],
    server_serie: identity.serie,
    protocol_version: 1,
    lab: {
      name: 'odoo-capacity lab',
      cost_profile: COST_PROFILE_NAME,
      scale: identity.costScale,
      workers: identity.workers,
      note: 'Not Odoo: an Odoo-compatible stand-in over PostgreSQL. Each call burns the CPU time of real Odoo 17.0 medians (x scale) in a prefork worker; its capacity comes from workers, SQL, row locks and retries, never from sleeps.',
    },
  };
}
