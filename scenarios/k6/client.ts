// The Odoo client the scenarios call: execute_kw as one user, over the chosen transport, with the
// ORM's common methods spelled out. Authentication happens once, in setup() (session.ts).
import type { CallResult, OdooTransport } from '../lib/transport.ts';
import type { ScenarioEnv } from '../lib/scenario-env.ts';
import { Json2Transport } from './json2-transport.ts';
import { XmlRpcTransport } from './xmlrpc-transport.ts';

export type Domain = unknown[];
export type Row = Record<string, unknown> & { id: number };

export function createTransport(env: ScenarioEnv): OdooTransport {
  return env.transport === 'json2'
    ? new Json2Transport(env.target, env.requestTimeout)
    : new XmlRpcTransport(env.target, env.requestTimeout);
}

export class OdooClient {
  constructor(
    readonly transport: OdooTransport,
    readonly uid: number,
  ) {}

  execute(
    model: string,
    method: string,
    args: unknown[] = [],
    kwargs?: Record<string, unknown>,
  ): CallResult {
    return this.transport.executeKw(this.uid, model, method, args, kwargs);
  }

  /** The method's value; undefined when Odoo committed and returned None (re-read the effect). */
  call<T = unknown>(
    model: string,
    method: string,
    args: unknown[] = [],
    kwargs?: Record<string, unknown>,
  ): T | undefined {
    const result = this.execute(model, method, args, kwargs);
    return result.status === 'value' ? (result.value as T) : undefined;
  }

  create(
    model: string,
    values: Record<string, unknown>,
    context?: Record<string, unknown>,
  ): number {
    return this.call<number>(model, 'create', [values], context && { context })!;
  }

  write(model: string, ids: number[], values: Record<string, unknown>): void {
    this.call(model, 'write', [ids, values]);
  }

  read<T extends Row = Row>(model: string, ids: number[], fields: string[]): T[] {
    return this.call<T[]>(model, 'read', [ids, fields]) ?? [];
  }

  search(
    model: string,
    domain: Domain,
    options: { order?: string; limit?: number } = {},
  ): number[] {
    return this.call<number[]>(model, 'search', [domain], options) ?? [];
  }

  searchRead<T extends Row = Row>(
    model: string,
    domain: Domain,
    fields: string[],
    options: { order?: string; limit?: number } = {},
  ): T[] {
    return this.call<T[]>(model, 'search_read', [domain], { fields, ...options }) ?? [];
  }

  searchCount(model: string, domain: Domain): number {
    return this.call<number>(model, 'search_count', [domain]) ?? 0;
  }
}
