// Odoo's read: one SELECT for the columns, then many2one values as [id, display_name], x2many
// values as id lists, computed fields in code, and False for empty values (never None).
import { OdooFloat } from '../contract.js';
import { compileDomain, compileOrder } from './domain.js';
import { missingError } from './generic.js';
import { isStored } from './model.js';
import { pyRepr, valueError } from './python.js';
import type { ResolvedField, Runtime } from './model.js';
import { displayNameExpr, ident, newSqlContext, readExpr } from './sql.js';

export type RecordValues = Record<string, unknown>;

/** display_name of records, batched per model. */
export async function displayNames(
  rt: Runtime,
  modelName: string,
  ids: number[],
): Promise<Map<number, string>> {
  const result = new Map<number, string>();
  if (ids.length === 0) return result;
  const model = rt.model(modelName);
  const ctx = newSqlContext(rt.registry, rt.serie, rt.context);
  const alias = model.table;
  const expr = displayNameExpr(ctx, model, alias);
  const p = ctx.params.add([...new Set(ids)]);
  const rows = await rt.query<{ id: number; name: string | null }>(
    `SELECT ${ident(alias)}."id" AS id, ${expr} AS name FROM ${ident(model.table)} WHERE ${ident(alias)}."id" = ANY(${p})`,
    ctx.params.values,
  );
  for (const row of rows) result.set(row.id, row.name ?? '');
  return result;
}

function emptyValue(field: ResolvedField): unknown {
  switch (field.def.type) {
    case 'integer':
    case 'float':
    case 'monetary':
      return 0;
    case 'one2many':
    case 'many2many':
      return [];
    default:
      return false;
  }
}

/** Field names to read: the given ones (checked), or every field of the model. */
function fieldsToRead(rt: Runtime, modelName: string, fields?: unknown): ResolvedField[] {
  const all = rt.fields(modelName);
  if (
    fields === undefined ||
    fields === null ||
    fields === false ||
    (Array.isArray(fields) && fields.length === 0)
  )
    return [...all.values()];
  if (!Array.isArray(fields)) throw valueError(`Invalid fields ${pyRepr(fields)}`);
  const result: ResolvedField[] = [all.get('id')!];
  for (const name of fields) {
    const field = typeof name === 'string' ? all.get(name) : undefined;
    if (!field) throw valueError(`Invalid field ${pyRepr(name)} on model ${pyRepr(modelName)}`);
    if (name !== 'id') result.push(field);
  }
  return result;
}

/** x2many ids per owner id, in the comodel's order. */
async function x2manyValues(
  rt: Runtime,
  field: ResolvedField,
  ownerIds: number[],
): Promise<Map<number, number[]>> {
  const result = new Map<number, number[]>();
  const comodel = rt.model(field.def.relation!);
  const ctx = newSqlContext(rt.registry, rt.serie, rt.context);
  const alias = comodel.table;
  const order = compileOrder(ctx, comodel, undefined, alias);
  const owners = ctx.params.add(ownerIds);
  let sql: string;
  if (field.def.type === 'one2many') {
    const filter = field.def.domain
      ? ` AND ${compileDomain(ctx, comodel, field.def.domain, alias)}`
      : '';
    sql = `SELECT ${ident(alias)}.${ident(field.def.inverseName!)} AS owner, ${ident(alias)}."id" AS id FROM ${ident(comodel.table)} WHERE ${ident(alias)}.${ident(field.def.inverseName!)} = ANY(${owners})${filter} ORDER BY ${order}`;
  } else {
    const rel = ident(field.def.relTable!);
    sql = `SELECT ${rel}.${ident(field.def.column1!)} AS owner, ${ident(alias)}."id" AS id FROM ${rel} JOIN ${ident(comodel.table)} ON ${ident(alias)}."id" = ${rel}.${ident(field.def.column2!)} WHERE ${rel}.${ident(field.def.column1!)} = ANY(${owners}) ORDER BY ${order}`;
  }
  for (const row of await rt.query<{ owner: number; id: number }>(sql, ctx.params.values)) {
    const list = result.get(row.owner) ?? [];
    list.push(row.id);
    result.set(row.owner, list);
  }
  return result;
}

/**
 * Odoo's read. With `marshal`, float values are marked OdooFloat so the server sends them as
 * <double> even when integral (Python floats stay floats on the wire).
 */
export async function readRecords(
  rt: Runtime,
  modelName: string,
  ids: number[],
  fields?: unknown,
  load: unknown = '_classic_read',
  marshal = false,
): Promise<RecordValues[]> {
  const model = rt.model(modelName);
  const wanted = fieldsToRead(rt, modelName, fields);
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const ctx = newSqlContext(rt.registry, rt.serie, rt.context);
  const alias = model.table;
  const columns = wanted.filter(
    (f) => (isStored(f.def) || f.def.sql || f.name === 'display_name') && !f.def.compute,
  );
  const select = columns.map((f, i) => `${readExpr(ctx, f, alias)} AS c${i}`);
  // x2many fields reached through _inherits hang off the parent's id.
  const viaColumns = [...new Set(wanted.filter((f) => f.via).map((f) => f.via!))];
  viaColumns.forEach((via, i) => select.push(`${ident(alias)}.${ident(via)} AS v${i}`));
  const p = ctx.params.add(unique);
  const rows = await rt.query<Record<string, unknown>>(
    `SELECT ${ident(alias)}."id" AS id, ${select.join(', ')} FROM ${ident(model.table)} WHERE ${ident(alias)}."id" = ANY(${p})`,
    ctx.params.values,
  );
  const byId = new Map(rows.map((r) => [r.id as number, r]));
  const missing = unique.filter((id) => !byId.has(id));
  if (missing.length > 0) throw missingError(rt, modelName, missing);

  const records = new Map<number, RecordValues>();
  for (const id of unique) records.set(id, { id });
  columns.forEach((field, i) => {
    for (const id of unique) {
      const value = byId.get(id)![`c${i}`];
      records.get(id)![field.name] =
        value === null || value === undefined ? emptyValue(field) : value;
    }
  });
  // many2one → [id, display_name]
  for (const field of columns.filter((f) => f.def.type === 'many2one')) {
    if (!load) continue;
    const targets = unique
      .map((id) => records.get(id)![field.name])
      .filter((v): v is number => typeof v === 'number');
    const names = await displayNames(rt, field.def.relation!, targets);
    for (const id of unique) {
      const record = records.get(id)!;
      const target = record[field.name];
      if (typeof target === 'number') record[field.name] = [target, names.get(target) ?? ''];
    }
  }
  for (const field of wanted.filter(
    (f) => f.def.type === 'one2many' || f.def.type === 'many2many',
  )) {
    if (field.def.compute) continue;
    const ownerOf = (id: number): number => {
      if (!field.via) return id;
      return byId.get(id)![`v${viaColumns.indexOf(field.via)}`] as number;
    };
    const values = await x2manyValues(rt, field, unique.map(ownerOf));
    for (const id of unique) records.get(id)![field.name] = values.get(ownerOf(id)) ?? [];
  }
  for (const field of wanted.filter((f) => f.def.compute)) {
    const values = await field.def.compute!(rt, unique);
    for (const id of unique) {
      const value = values.get(id);
      records.get(id)![field.name] =
        value === null || value === undefined ? emptyValue(field) : value;
    }
  }
  if (marshal) {
    const floats = wanted.filter((f) => f.def.type === 'float' || f.def.type === 'monetary');
    for (const record of records.values())
      for (const field of floats)
        if (typeof record[field.name] === 'number')
          record[field.name] = new OdooFloat(record[field.name] as number);
  }
  return ids.map((id) => ({ ...records.get(id)! }));
}
