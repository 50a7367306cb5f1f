// The seam between the lab's server (HTTP, workers, auth, transactions, faults) and its ORM:
// the server builds a LabEnv and calls callKw on its transaction; PostgreSQL errors propagate.
import type pg from 'pg';

/** The Odoo series the lab emulates (docs/odoo-api.md, "Differences between series"). */
export const LAB_SERIES = ['16.0', '17.0', '18.0', '19.0'] as const;
export type OdooSerie = (typeof LAB_SERIES)[number];

/** The series' major version: 16 to 19. */
export function serieMajor(serie: OdooSerie): number {
  return Number(serie.slice(0, 2));
}

/** Whether the series is `major` or later (`since(rt.serie, 18)`: 18.0 and 19.0). */
export function since(serie: OdooSerie, major: number): boolean {
  return serieMajor(serie) >= major;
}

export interface LabEnv {
  /** A connection inside the request's REPEATABLE READ transaction. */
  cr: pg.PoolClient;
  uid: number;
  db: string;
  /** The `context` kwarg of the call (Odoo starts from an empty context on each RPC). */
  context: Record<string, unknown>;
  serie: OdooSerie;
}

/**
 * What a method returned. `undefined` means Python's None: the server commits, then answers
 * fault 1 "cannot marshal None" as Odoo does (create_invoices, action_apply_inventory).
 */
export type MethodResult = unknown;

export interface LabOrm {
  hasModel(model: string): boolean;
  /** Whether model.method exists (public or private); the server checks privacy first. */
  hasMethod(model: string, method: string): boolean;
  /** 'model' for an @api.model method, 'records' for a record method, undefined when unknown. */
  methodApi?(model: string, method: string): 'model' | 'records' | undefined;
  callKw(
    env: LabEnv,
    model: string,
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown>,
  ): Promise<MethodResult>;
  /**
   * Odoo's message for a constraint PostgreSQL names in an IntegrityError (its _sql_constraints),
   * or undefined when Odoo declares none: the server then quotes PostgreSQL's text.
   */
  sqlConstraintMessage?(constraint: string): string | undefined;
  /**
   * Creates the schema and base data of one tenant database (admin user, company, warehouse,
   * journals, sequences). The server's authentication reads, with Odoo's names:
   * res_users(id, login, password, active) with admin as id 2 and `password` a passlib
   * pbkdf2_sha512 hash (`hashSecret(adminPassword, PASSWORD_ROUNDS)` from orm/password-hash.ts), and
   * res_users_apikeys(user_id, scope, index, key): `index` the key's first 8 characters, `key`
   * `hashSecret(key, API_KEY_ROUNDS)`, scope NULL for global keys.
   */
  bootstrap(
    client: pg.ClientBase,
    options: { adminPassword: string; serie: OdooSerie },
  ): Promise<void>;
}

/** Per-call cost keys, matching test/fixtures/odoo-17.0-service-times.json "calls". */
export type CostKey = string;

/**
 * A float field's value. Odoo marshals Python floats as <double> even when integral (10.0, not
 * 10); a bare JS number that is integral goes out as <int>. Wrap float values in read results
 * with `new OdooFloat(x)` where the type matters to clients; the server unwraps it.
 */
export class OdooFloat {
  constructor(readonly value: number) {}
}
