// How the lab describes an Odoo model: its table, its fields (with Odoo's column names and
// types), and its methods. The schema, the generic ORM methods and fields_get all derive from
// these definitions, so a field exists in one place only.
import type pg from 'pg';
import type { OdooSerie } from '../contract.js';

export type FieldType =
  | 'integer'
  | 'float'
  | 'monetary'
  | 'char'
  | 'text'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'selection'
  | 'many2one'
  | 'one2many'
  | 'many2many';

export type Selection = readonly (readonly [string, string])[];

/** A value computed on read for a batch of records (Odoo's non-stored computed fields). */
export type ComputeFn = (rt: Runtime, ids: number[]) => Promise<Map<number, unknown>>;

export interface FieldDef {
  type: FieldType;
  string: string;
  /** Comodel of relational fields. */
  relation?: string;
  /** one2many: the many2one field on the comodel that points back. */
  inverseName?: string;
  /** one2many: only the comodel records matching this domain (Odoo's field domain). */
  domain?: readonly unknown[];
  /** many2many: the relation table and its two columns (this side, other side). */
  relTable?: string;
  column1?: string;
  column2?: string;
  selection?: Selection;
  required?: boolean;
  readonly?: boolean;
  /** Stored as jsonb {"en_US": value}, as Odoo 16+ stores translatable fields. */
  translate?: boolean;
  /** Float stored as numeric (Odoo: a float with digits, or a monetary field). */
  numeric?: boolean;
  /** many2one: ON DELETE action of the foreign key. */
  ondelete?: 'set null' | 'cascade' | 'restrict';
  /** A btree index named as Odoo names it (<table>__<column>_index). */
  index?: boolean;
  /** Non-stored field computed in SQL from the record's row (alias given); readable and searchable. */
  sql?: (alias: string) => string;
  /** Non-stored field computed in code; readable, not searchable. */
  compute?: ComputeFn;
  /** Default on create, a constant or computed from the runtime. */
  default?: unknown;
  defaultFn?: (rt: Runtime) => unknown;
  /** Only these series have the field (e.g. detailed_type is gone in 18). */
  series?: readonly OdooSerie[];
}

export type Vals = Record<string, unknown>;

/** Arguments bound to a method's parameter names, Python-style. */
export type BoundArgs = Record<string, unknown>;

export interface MethodDef {
  /** 'model': args are the parameters; 'records': args[0] is the ids (Odoo's call_kw). */
  api: 'model' | 'records';
  /** Parameter names after self, in Python order. */
  params: readonly string[];
  /** How many of params are required. */
  required?: number;
  /** Accepts extra keyword arguments (Python **kwargs). */
  varKwargs?: boolean;
  run(rt: Runtime, ids: number[], args: BoundArgs): Promise<unknown>;
}

export interface ModelHooks {
  /** Fills defaults and computed values before insertion; may create related records. */
  prepareCreate?(rt: Runtime, vals: Vals): Promise<Vals>;
  afterCreate?(rt: Runtime, ids: number[], valsList: Vals[]): Promise<void>;
  /** Checks or completes vals before the UPDATE. */
  prepareWrite?(rt: Runtime, ids: number[], vals: Vals): Promise<Vals>;
  afterWrite?(rt: Runtime, ids: number[], vals: Vals): Promise<void>;
  /** Checks before DELETE; what it returns is handed to afterUnlink. */
  beforeUnlink?(rt: Runtime, ids: number[]): Promise<unknown>;
  afterUnlink?(rt: Runtime, ids: number[], before: unknown): Promise<void>;
}

export interface SqlConstraint {
  name: string;
  message: string;
}

export interface ModelDef {
  name: string;
  table: string;
  description: string;
  /** Field used as display_name when displayName is not given. */
  recName?: string;
  /** SQL expression of display_name over the row alias. */
  displayName?: (alias: string) => string;
  /** Default order, Odoo's _order. */
  order?: string;
  /** Odoo's _inherits: fields of the parent model are readable and writable through `field`. */
  inherits?: { model: string; field: string };
  /** Stored parent_path for child_of (Odoo's _parent_store). */
  parentStore?: boolean;
  transient?: boolean;
  fields: Record<string, FieldDef>;
  /** Columns Odoo creates outside the ORM (e.g. res_users.password), as DDL column definitions. */
  rawColumns?: readonly string[];
  /** Extra DDL run once the tables and base data exist (composite and partial indexes). */
  sql?: readonly string[];
  /**
   * Odoo's _sql_constraints messages (the constraint or index is created by `sql`); PostgreSQL
   * names it `<table>_<name>`. An IntegrityError on it becomes a ValidationError with this text.
   */
  sqlConstraints?: readonly SqlConstraint[];
  methods?: Record<string, MethodDef>;
  hooks?: ModelHooks;
}

/** Columns every Odoo table has. */
export const MAGIC_FIELDS: Record<string, FieldDef> = {
  create_uid: {
    type: 'many2one',
    string: 'Created by',
    relation: 'res.users',
    ondelete: 'set null',
    readonly: true,
  },
  create_date: { type: 'datetime', string: 'Created on', readonly: true },
  write_uid: {
    type: 'many2one',
    string: 'Last Updated by',
    relation: 'res.users',
    ondelete: 'set null',
    readonly: true,
  },
  write_date: { type: 'datetime', string: 'Last Updated on', readonly: true },
};

export function isStored(field: FieldDef): boolean {
  return !field.sql && !field.compute && field.type !== 'one2many' && field.type !== 'many2many';
}

/** A field as a series sees it on a model: its own, a magic column, or reached through _inherits. */
export interface ResolvedField {
  name: string;
  def: FieldDef;
  /** The model whose table holds the field. */
  owner: ModelDef;
  /** Set when the field lives on the _inherits parent, reached through this many2one column. */
  via?: string;
}

/** The models the lab knows (implemented by Registry). */
export interface ModelRegistry {
  get(name: string): ModelDef;
  fields(modelName: string, serie: OdooSerie): Map<string, ResolvedField>;
  field(modelName: string, fieldName: string, serie: OdooSerie): ResolvedField | undefined;
  storedField(modelName: string, fieldName: string, serie: OdooSerie): ResolvedField | undefined;
}

export interface SearchOptions {
  offset?: unknown;
  limit?: unknown;
  order?: unknown;
}

/**
 * One RPC call's view of the ORM, as models' hooks and methods receive it (implemented by
 * OrmRuntime): the transaction, the user, the context and the series, plus the record operations
 * (Odoo's self.env[model].create/write/search/read).
 */
export interface Runtime {
  readonly registry: ModelRegistry;
  readonly context: Record<string, unknown>;
  readonly uid: number;
  readonly serie: OdooSerie;
  /** The same call with more context keys (Odoo's with_context). */
  withContext(extra: Record<string, unknown>): Runtime;
  query<T extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<T[]>;
  model(name: string): ModelDef;
  field(model: string, name: string): ResolvedField | undefined;
  fields(model: string): Map<string, ResolvedField>;
  /** Creates one record; vals are checked as an RPC caller's would be. */
  create(model: string, vals: Vals | unknown): Promise<number>;
  /**
   * Creates records; `internal` for the ORM's own (a confirmed order's moves), whose vals may set
   * the columns the series hides from its callers.
   */
  createMany(model: string, valsList: Vals[], options?: { internal?: boolean }): Promise<number[]>;
  write(model: string, ids: number[], vals: Vals | unknown): Promise<void>;
  unlink(model: string, ids: number[]): Promise<void>;
  search(model: string, domain: unknown, options?: SearchOptions): Promise<number[]>;
  read(model: string, ids: number[], fields?: string[]): Promise<Record<string, unknown>[]>;
}
