// The generic record operations every model has (Odoo's BaseModel): create with defaults and
// _inherits, write, unlink, search and search_count, each as SQL on the call's transaction.
import { MissingError } from '../exceptions.js';
import { compileOrder, compileSearchDomain } from './domain.js';
import {
  isStored,
  type ResolvedField,
  type Runtime,
  type SearchOptions,
  type Vals,
} from './model.js';
import { pyRepr, typeError, valueError } from './python.js';
import { ident, newSqlContext } from './sql.js';
import { toColumn } from './values.js';
import { applyX2many } from './x2many.js';

/** Odoo stores UTC timestamps without a time zone. */
export const NOW_UTC = "(now() AT TIME ZONE 'UTC')";

const MAGIC = new Set([
  'id',
  'create_uid',
  'create_date',
  'write_uid',
  'write_date',
  'display_name',
]);

function checkVals(rt: Runtime, model: string, vals: unknown, internal: boolean): Vals {
  if (vals === null || typeof vals !== 'object' || Array.isArray(vals))
    throw valueError(`Invalid values for ${model}: ${pyRepr(vals)}`);
  const fields = rt.fields(model);
  for (const name of Object.keys(vals)) {
    const known = internal ? rt.registry.storedField(model, name, rt.serie) : fields.has(name);
    if (!known) throw valueError(`Invalid field ${pyRepr(name)} on model ${pyRepr(model)}`);
  }
  return vals as Vals;
}

/** Fields the caller may set: stored columns and x2many commands, without magic columns. */
function writableEntries(rt: Runtime, model: string, vals: Vals): [ResolvedField, unknown][] {
  const entries: [ResolvedField, unknown][] = [];
  for (const [name, value] of Object.entries(vals)) {
    const field = rt.registry.storedField(model, name, rt.serie);
    if (!field) throw new Error(`lab ORM: ${model} has no field ${name}`);
    if (MAGIC.has(name) || field.def.sql || field.def.compute) continue;
    entries.push([field, value]);
  }
  return entries;
}

function applyDefaults(rt: Runtime, model: string, vals: Vals): Vals {
  const result: Vals = { ...vals };
  for (const [name, field] of rt.fields(model)) {
    if (name in result || field.via) continue;
    const value = field.def.defaultFn ? field.def.defaultFn(rt) : field.def.default;
    if (value !== undefined) result[name] = value;
  }
  return result;
}

/**
 * Creates records one by one, as Odoo's create does per vals dict (defaults, hooks, _inherits).
 * `internal`: the ORM's own records (a confirmed order's moves), which may set the columns a
 * series hides from its callers (a move's `name` on 19.0); a caller's vals are checked against
 * the series' fields.
 */
export async function createRecords(
  rt: Runtime,
  modelName: string,
  valsList: unknown[],
  internal = false,
): Promise<number[]> {
  const model = rt.model(modelName);
  const ids: number[] = [];
  const prepared: Vals[] = [];
  for (const raw of valsList) {
    let vals = applyDefaults(rt, modelName, checkVals(rt, modelName, raw, internal));
    if (model.hooks?.prepareCreate) vals = await model.hooks.prepareCreate(rt, vals);
    prepared.push(vals);
    const entries = writableEntries(rt, modelName, vals);
    const own = entries.filter(([f]) => !f.via);
    if (model.inherits) {
      const parentVals = Object.fromEntries(
        entries.filter(([f]) => f.via).map(([f, v]) => [f.name, v]),
      );
      const fk = model.inherits.field;
      const given = vals[fk];
      if (typeof given === 'number') {
        if (Object.keys(parentVals).length > 0)
          await writeRecords(rt, model.inherits.model, [given], parentVals);
      } else {
        const parentId = await rt.create(model.inherits.model, parentVals);
        const fkField = rt.field(modelName, fk)!;
        const index = own.findIndex(([f]) => f.name === fk);
        if (index >= 0) own.splice(index, 1);
        own.push([fkField, parentId]);
      }
    }
    const scalar = own.filter(([f]) => isStored(f.def));
    const params: unknown[] = [rt.uid];
    const columns = ['create_uid', 'create_date', 'write_uid', 'write_date'];
    const values = ['$1', NOW_UTC, '$1', NOW_UTC];
    for (const [field, value] of scalar) {
      params.push(toColumn(modelName, field, value));
      columns.push(field.name);
      values.push(`$${params.length}`);
    }
    const rows = await rt.query<{ id: number }>(
      `INSERT INTO ${ident(model.table)} (${columns.map(ident).join(', ')}) VALUES (${values.join(', ')}) RETURNING id`,
      params,
    );
    const id = rows[0]!.id;
    ids.push(id);
    for (const [field, value] of own.filter(([f]) => !isStored(f.def)))
      await applyX2many(rt, modelName, field, id, value, true);
  }
  if (model.hooks?.afterCreate) await model.hooks.afterCreate(rt, ids, prepared);
  return ids;
}

export function missingError(rt: Runtime, model: string, ids: number[]): MissingError {
  return new MissingError(
    `Record does not exist or has been deleted.\n(Record: ${model}(${ids.join(', ')},), User: ${rt.uid})`,
  );
}

/** Raises Odoo's MissingError when some ids have no row. */
export async function ensureExist(rt: Runtime, model: string, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const table = rt.model(model).table;
  const rows = await rt.query<{ id: number }>(`SELECT id FROM ${ident(table)} WHERE id = ANY($1)`, [
    ids,
  ]);
  if (rows.length !== new Set(ids).size) {
    const found = new Set(rows.map((r) => r.id));
    throw missingError(
      rt,
      model,
      ids.filter((id) => !found.has(id)),
    );
  }
}

export async function writeRecords(
  rt: Runtime,
  modelName: string,
  ids: number[],
  rawVals: unknown,
): Promise<void> {
  const model = rt.model(modelName);
  let vals = checkVals(rt, modelName, rawVals, false);
  if (ids.length === 0) return;
  await ensureExist(rt, modelName, ids);
  if (model.hooks?.prepareWrite) vals = await model.hooks.prepareWrite(rt, ids, vals);
  const entries = writableEntries(rt, modelName, vals);
  if (model.inherits) {
    const parentVals = Object.fromEntries(
      entries.filter(([f]) => f.via).map(([f, v]) => [f.name, v]),
    );
    if (Object.keys(parentVals).length > 0) {
      const fk = ident(model.inherits.field);
      const parents = await rt.query<{ pid: number }>(
        `SELECT DISTINCT ${fk} AS pid FROM ${ident(model.table)} WHERE id = ANY($1)`,
        [ids],
      );
      await writeRecords(
        rt,
        model.inherits.model,
        parents.map((p) => p.pid),
        parentVals,
      );
    }
  }
  const own = entries.filter(([f]) => !f.via);
  const scalar = own.filter(([f]) => isStored(f.def));
  const params: unknown[] = [ids, rt.uid];
  const sets = [`write_uid = $2`, `write_date = ${NOW_UTC}`];
  for (const [field, value] of scalar) {
    params.push(toColumn(modelName, field, value));
    sets.push(`${ident(field.name)} = $${params.length}`);
  }
  await rt.query(`UPDATE ${ident(model.table)} SET ${sets.join(', ')} WHERE id = ANY($1)`, params);
  for (const [field, value] of own.filter(([f]) => !isStored(f.def)))
    for (const id of ids) await applyX2many(rt, modelName, field, id, value);
  if (model.hooks?.afterWrite) await model.hooks.afterWrite(rt, ids, vals);
}

export async function unlinkRecords(rt: Runtime, modelName: string, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const model = rt.model(modelName);
  await ensureExist(rt, modelName, ids);
  const before = model.hooks?.beforeUnlink ? await model.hooks.beforeUnlink(rt, ids) : undefined;
  await rt.query(`DELETE FROM ${ident(model.table)} WHERE id = ANY($1)`, [ids]);
  if (model.hooks?.afterUnlink) await model.hooks.afterUnlink(rt, ids, before);
}

function checkLimit(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw typeError(`'${name}' must be an integer, not ${pyRepr(value)}`);
}

/** The FROM/WHERE of a search, shared by search and search_count. */
function searchFrom(rt: Runtime, modelName: string, domain: unknown) {
  const model = rt.model(modelName);
  const ctx = newSqlContext(rt.registry, rt.serie, rt.context);
  const alias = model.table;
  const where = compileSearchDomain(ctx, model, domain, alias);
  return { model, ctx, alias, from: `FROM ${ident(model.table)} WHERE ${where}` };
}

export async function searchIds(
  rt: Runtime,
  modelName: string,
  domain: unknown,
  options: SearchOptions = {},
): Promise<number[]> {
  const { model, ctx, alias, from } = searchFrom(rt, modelName, domain);
  const order = compileOrder(ctx, model, options.order, alias);
  const limit = checkLimit('limit', options.limit);
  const offset = checkLimit('offset', options.offset);
  let sql = `SELECT ${ident(alias)}."id" ${from} ORDER BY ${order}`;
  if (limit !== undefined) sql += ` LIMIT ${ctx.params.add(limit)}`;
  if (offset) sql += ` OFFSET ${ctx.params.add(offset)}`;
  const rows = await rt.query<{ id: number }>(sql, ctx.params.values);
  return rows.map((r) => r.id);
}

export async function searchCount(
  rt: Runtime,
  modelName: string,
  domain: unknown,
  limitValue?: unknown,
): Promise<number> {
  const { ctx, from } = searchFrom(rt, modelName, domain);
  const limit = checkLimit('limit', limitValue);
  const sql =
    limit === undefined
      ? `SELECT count(1) AS n ${from}`
      : `SELECT count(1) AS n FROM (SELECT 1 ${from} LIMIT ${ctx.params.add(limit)}) t`;
  const rows = await rt.query<{ n: string }>(sql, ctx.params.values);
  return Number(rows[0]!.n);
}
