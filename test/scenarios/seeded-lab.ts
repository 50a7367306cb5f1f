// A lab for the scenario tests: a free port, no cost burn (behaviour, not capacity), its first
// database seeded as `odoo-capacity seed` seeds it unless the plan says otherwise.
import { Logger } from '../../src/core/logger.js';
import { Secret } from '../../src/core/secret.js';
import type { OdooSerie } from '../../src/lab/contract.js';
import { startLab, type LabHandle } from '../../src/lab/server/index.js';
import { OdooClient } from '../../src/odoo/client.js';
import { seed, type SeedPlan } from '../../src/odoo/seed.js';

export interface SeededLab {
  lab: LabHandle;
  /** A client of the first (seeded) database. */
  client: OdooClient;
  plan: SeedPlan;
}

export async function startSeededLab(
  databases: string[],
  plan: SeedPlan,
  serie?: OdooSerie,
): Promise<SeededLab> {
  const lab = await startLab({
    port: 0,
    workers: 2,
    databases,
    costScale: 0,
    log: new Logger('warn'),
    ...(serie ? { serie } : {}),
  });
  const client = labClient(lab, databases[0]!);
  await seed(client, { settings: true, ...plan });
  return { lab, client, plan };
}

/** A client of one of the lab's databases, as admin. */
export function labClient(lab: LabHandle, db: string): OdooClient {
  return new OdooClient({
    url: lab.url,
    db,
    user: 'admin',
    secret: new Secret('admin'),
    secretKind: 'password',
  });
}

/** What `lab check` reports for every tenant database. */
export async function labViolations(lab: LabHandle): Promise<unknown[]> {
  const response = await fetch(`${lab.url}/lab/check`);
  const body = (await response.json()) as { databases: { violations: unknown[] }[] };
  return body.databases.flatMap((d) => d.violations);
}
