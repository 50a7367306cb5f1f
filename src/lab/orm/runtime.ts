// The Runtime the ORM hands to models' hooks and methods: one RPC call's transaction, user,
// context and series, with the generic record operations of generic.ts and read.ts.
import type pg from 'pg';
import type { LabEnv, OdooSerie } from '../contract.js';
import { createRecords, searchIds, unlinkRecords, writeRecords } from './generic.js';
import type { ModelDef, ResolvedField, Runtime, SearchOptions, Vals } from './model.js';
import { readRecords } from './read.js';
import type { Registry } from './registry.js';

export class OrmRuntime implements Runtime {
  readonly env: LabEnv;
  readonly registry: Registry;
  readonly context: Record<string, unknown>;

  constructor(env: LabEnv, registry: Registry, context: Record<string, unknown> = env.context) {
    this.env = env;
    this.registry = registry;
    this.context = context;
  }

  get uid(): number {
    return this.env.uid;
  }
  get serie(): OdooSerie {
    return this.env.serie;
  }

  withContext(extra: Record<string, unknown>): Runtime {
    return new OrmRuntime(this.env, this.registry, { ...this.context, ...extra });
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

  async create(model: string, vals: Vals | unknown): Promise<number> {
    const [id] = await createRecords(this, model, [vals]);
    return id!;
  }

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
