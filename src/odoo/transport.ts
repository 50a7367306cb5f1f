// The transport seam: XML-RPC for Odoo 16-18, JSON-2 for 19 and later (docs/architecture.md,
// "Decisions"; docs/odoo-api.md). A transport turns one Odoo call into a value or a typed fault.
import type { Secret } from '../core/secret.js';

export interface OdooVersionInfo {
  server_version: string;
  server_version_info: (number | string)[];
  server_serie: string;
  protocol_version: number;
  /** Present only on odoo-capacity's lab, so a tool can tell it is not Odoo. */
  lab?: Record<string, unknown>;
}

export interface ExecuteKwCall {
  db: string;
  uid: number;
  secret: Secret;
  model: string;
  method: string;
  args: unknown[];
  kwargs?: Record<string, unknown>;
}

/** What a call produced: its value, or nothing because Odoo committed but could not marshal it. */
export type CallOutcome<T> =
  { status: 'returned'; value: T } | { status: 'committed-unmarshallable'; detail: string };

export interface OdooTransport {
  readonly name: 'xmlrpc' | 'json2';
  version(): Promise<OdooVersionInfo>;
  /** Returns the uid, or false when Odoo refuses the credentials (it does not fault). */
  authenticate(db: string, login: string, secret: Secret): Promise<number | false>;
  executeKw<T>(call: ExecuteKwCall): Promise<CallOutcome<T>>;
  listDatabases(): Promise<string[]>;
  /** Whether the server answers this protocol at all (no credentials needed). */
  offered(): Promise<boolean>;
}
