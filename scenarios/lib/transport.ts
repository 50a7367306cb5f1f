// The transport seam on the k6 side (docs/architecture.md, "Decisions"): one Odoo call to its
// value or a CallFailure, never retried (Odoo retries concurrency failures itself).
import type { OdooVersion } from './odoo-version.ts';

/** The tags every request carries (docs/contracts.md), besides the scenario's `class`. */
export interface CallTags {
  model: string;
  method: string;
}

/** "model.method", as errors name a call. */
export const callName = (tags: CallTags): string => `${tags.model}.${tags.method}`;

/**
 * `none` is Odoo's "committed, then fault 1": the method returned None, which XML-RPC cannot
 * carry. The change is committed; the caller re-reads what it needs.
 */
export type CallResult = { status: 'value'; value: unknown } | { status: 'none' };

export interface OdooTransport {
  readonly name: 'xmlrpc' | 'json2';
  version(): OdooVersion;
  /** The uid, or false when the target refuses the credentials. */
  authenticate(): number | false;
  /** Calls model.method as `uid`. */
  executeKw(
    uid: number,
    model: string,
    method: string,
    args: unknown[],
    kwargs?: Record<string, unknown>,
  ): CallResult;
}
