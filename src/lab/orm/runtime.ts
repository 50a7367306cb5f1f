// One RPC call's view of the ORM: the transaction, the user, the context and the series, plus
// the record operations business methods use (Odoo's self.env[model].create/write/search/read).
import type pg from 'pg';
import type { LabEnv, OdooSerie } from '../contract.js';
import {
  createRecords,
  searchIds,
  unlinkRecords,
  writeRecords,
  type SearchOptions,
} from './generic.js';
import type { ModelDef, Vals } from './model.js';
import { readRecords } from './read.js';
import type { Registry, ResolvedField } from './registry.js';
import { newSqlContext, type SqlContext } from './sql.js';

export class Runtime {
  readonly env: LabEnv;
  readonly registry: Registry;
  readonly context: Record<string, unknown>;

  constructor(env: LabEnv, registry: Registry, context: Record<string, unknown> = env.context) {
    this.env = env;
    this.registry = registry;
    this.context = context;
  }

  get cr(): pg.PoolClient {
    return this.env.cr;
  }
  get uid(): number {
    return this.env.uid;
  }
  get serie(): OdooSerie {
    return this.env.serie;
  }

  /** The same call with more context keys (Odoo's with_context). */
  withContext(extra: Record<string, unknown>): Runtime {
    return new Runtime(this.env, this.registry, { ...this.context, ...extra });
  }

  async query<T extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const result = await this.env.cr.query<T>(text, params);
    return result.rows;
  }

  model(name: string): ModelDef {
    return this.registry.get(name);
  }

  field(model: string, name: string): ResolvedField | undefined {
    return this.registry.field(model, name, this.serie);
  }

  fields(model: string): Map<string, ResolvedField> {
    return this.registry.fields(model, this.serie);
  }

  sqlContext(): SqlContext {
    return newSqlContext(this.registry, this.serie, this.context);
  }

  /** Creates one record; vals are checked as an RPC caller's would be. */
  async create(model: string, vals: Vals | unknown): Promise<number> {
    const [id] = await createRecords(this, model, [vals]);
    return id!;
  }

  /**
   * Creates records; `internal` for the ORM's own (a confirmed order's moves), whose vals may set
   * the columns the series hides from its callers.
   */
  createMany(model: string, valsList: Vals[], { internal = false } = {}): Promise<number[]> {
    return createRecords(this, model, valsList, internal);
  }

  write(model: string, ids: number[], vals: Vals | unknown): Promise<void> {
    return writeRecords(this, model, ids, vals);
  }

  unlink(model: string, ids: number[]): Promise<void> {
    return unlinkRecords(this, model, ids);
  }

  search(model: string, domain: unknown, options: SearchOptions = {}): Promise<number[]> {
    return searchIds(this, model, domain, options);
  }

  read(model: string, ids: number[], fields?: string[]): Promise<Record<string, unknown>[]> {
    return readRecords(this, model, ids, fields);
  }
}
