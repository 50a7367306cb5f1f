// Building SQL from field definitions: parameter placeholders (values are never concatenated),
// table aliases for subqueries, and the expression of each field over a row alias (own column,
// translated jsonb, SQL-computed field, or a field reached through _inherits).
import type { OdooSerie } from '../contract.js';
import type { ModelDef, ModelRegistry, ResolvedField } from './model.js';

/** Collects query parameters and hands out their $n placeholders. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The context needed to turn fields and domains into SQL for one query. */
export interface SqlContext {
  registry: ModelRegistry;
  serie: OdooSerie;
  params: Params;
  /** Odoo's context of the call (active_test). */
  context: Record<string, unknown>;
  /** Counter for unique subquery aliases. */
  aliasCount: { n: number };
}

export function newSqlContext(
  registry: ModelRegistry,
  serie: OdooSerie,
  context: Record<string, unknown> = {},
  params = new Params(),
): SqlContext {
  return { registry, serie, params, context, aliasCount: { n: 0 } };
}

export function subAlias(ctx: SqlContext, table: string): string {
  ctx.aliasCount.n += 1;
  return `${table}__${ctx.aliasCount.n}`;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Quotes a name that comes from a model definition (never from a caller). */
export function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`lab ORM: unsafe SQL identifier ${name}`);
  return `"${name}"`;
}

/** The value expression of a field over `alias`, typed as stored (jsonb translations unwrapped). */
export function fieldExpr(ctx: SqlContext, field: ResolvedField, alias: string): string {
  if (field.via) {
    const parent = field.owner;
    const sub = subAlias(ctx, parent.table);
    const inner = fieldExpr(ctx, { ...field, via: undefined }, sub);
    return `(SELECT ${inner} FROM ${ident(parent.table)} ${ident(sub)} WHERE ${ident(sub)}."id" = ${ident(alias)}.${ident(field.via)})`;
  }
  if (field.name === 'display_name') return displayNameExpr(ctx, field.owner, alias);
  if (field.def.sql) return field.def.sql(ident(alias));
  const column = `${ident(alias)}.${ident(field.name)}`;
  return field.def.translate ? `(${column}->>'en_US')` : column;
}

/** display_name of a model's row, as Odoo's _rec_name or the model's own formula. */
export function displayNameExpr(ctx: SqlContext, model: ModelDef, alias: string): string {
  if (model.displayName) return model.displayName(ident(alias));
  const recName = ctx.registry.field(model.name, model.recName ?? 'name', ctx.serie);
  // Odoo shows records of models without a name as "model.name,id".
  if (!recName) return `('${model.name.replace(/[^a-z0-9_.]/g, '')},' || ${ident(alias)}."id")`;
  return fieldExpr(ctx, recName, alias);
}

/** The expression as read returns it: dates and datetimes as Odoo's strings, numerics as floats. */
export function readExpr(ctx: SqlContext, field: ResolvedField, alias: string): string {
  const expr = fieldExpr(ctx, field, alias);
  switch (field.def.type) {
    case 'date':
      return `to_char(${expr}, 'YYYY-MM-DD')`;
    case 'datetime':
      return `to_char(${expr}, 'YYYY-MM-DD HH24:MI:SS')`;
    case 'float':
    case 'monetary':
      return `(${expr})::float8`;
    default:
      return expr;
  }
}
