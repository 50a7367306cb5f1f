// The public methods every model answers over RPC (Odoo's BaseModel), with Odoo 17's
// signatures and the 16/18 differences of docs/odoo-api.md (search's count, search_count's
// limit, name_search's domain).
import { since, type OdooSerie } from '../contract.js';
import { createRecords, searchCount, searchIds, unlinkRecords, writeRecords } from './generic.js';
import type { MethodDef, Runtime } from './model.js';
import { pyRepr, valueError } from './python.js';
import { displayNames, readRecords } from './read.js';

/** Methods are shared between models; the model name comes from the runtime's call. */
function modelMethod(
  api: MethodDef['api'],
  params: string[],
  required: number,
  run: (
    rt: Runtime,
    model: string,
    ids: number[],
    args: Record<string, unknown>,
  ) => Promise<unknown>,
): (model: string) => MethodDef {
  return (model) => ({ api, params, required, run: (rt, ids, args) => run(rt, model, ids, args) });
}

type MethodFactory = (model: string) => MethodDef;

function searchParams(serie: OdooSerie): string[] {
  return serie === '16.0'
    ? ['domain', 'offset', 'limit', 'order', 'count']
    : ['domain', 'offset', 'limit', 'order'];
}

const cache = new Map<OdooSerie, Record<string, MethodFactory>>();

/** The generic methods of a series, by name; each is bound to a model on use. */
export function baseMethods(serie: OdooSerie): Record<string, MethodFactory> {
  let methods = cache.get(serie);
  if (!methods) {
    methods = buildBaseMethods(serie);
    cache.set(serie, methods);
  }
  return methods;
}

function buildBaseMethods(serie: OdooSerie): Record<string, MethodFactory> {
  return {
    create: modelMethod('model', ['vals_list'], 1, async (rt, model, _ids, { vals_list }) => {
      if (Array.isArray(vals_list)) return createRecords(rt, model, vals_list);
      const [id] = await createRecords(rt, model, [vals_list]);
      return id;
    }),
    search: modelMethod('model', searchParams(serie), 1, async (rt, model, _ids, args) => {
      if (args.count) return searchCount(rt, model, args.domain);
      return searchIds(rt, model, args.domain, args);
    }),
    search_count: modelMethod(
      'model',
      serie === '16.0' ? ['domain'] : ['domain', 'limit'],
      1,
      (rt, model, _ids, args) => searchCount(rt, model, args.domain, args.limit),
    ),
    search_read: modelMethod(
      'model',
      ['domain', 'fields', 'offset', 'limit', 'order', 'load'],
      0,
      async (rt, model, _ids, args) => {
        const ids = await searchIds(rt, model, args.domain, args);
        return readRecords(rt, model, ids, args.fields, args.load ?? '_classic_read', true);
      },
    ),
    read: modelMethod('records', ['fields', 'load'], 0, (rt, model, ids, args) =>
      readRecords(rt, model, ids, args.fields, args.load ?? '_classic_read', true),
    ),
    write: modelMethod('records', ['vals'], 1, async (rt, model, ids, { vals }) => {
      await writeRecords(rt, model, ids, vals);
      return true;
    }),
    unlink: modelMethod('records', [], 0, async (rt, model, ids) => {
      await unlinkRecords(rt, model, ids);
      return true;
    }),
    fields_get: modelMethod(
      'model',
      ['allfields', 'attributes'],
      0,
      async (rt, model, _ids, args) => fieldsGet(rt, model, args.allfields, args.attributes),
    ),
    name_search: modelMethod(
      'model',
      ['name', since(serie, 18) ? 'domain' : 'args', 'operator', 'limit'],
      0,
      async (rt, model, _ids, args) => {
        const name = args.name ?? '';
        const operator = args.operator ?? 'ilike';
        const extra = (since(serie, 18) ? args.domain : args.args) ?? [];
        if (!Array.isArray(extra)) throw valueError(`Invalid domain ${pyRepr(extra)}`);
        const domain =
          name === '' && operator === 'ilike'
            ? extra
            : [...extra, ['display_name', operator, name]];
        const ids = await searchIds(rt, model, domain, { limit: args.limit ?? 100 });
        const names = await displayNames(rt, model, ids);
        return ids.map((id) => [id, names.get(id) ?? '']);
      },
    ),
    default_get: modelMethod(
      'model',
      ['fields_list'],
      1,
      async (rt, model, _ids, { fields_list }) => {
        if (!Array.isArray(fields_list)) throw valueError(`Invalid fields ${pyRepr(fields_list)}`);
        const result: Record<string, unknown> = {};
        for (const name of fields_list) {
          const field = typeof name === 'string' ? rt.field(model, name) : undefined;
          if (!field) continue;
          if (field.def.defaultFn) result[name as string] = field.def.defaultFn(rt);
          else if (field.def.default !== undefined) result[name as string] = field.def.default;
        }
        return result;
      },
    ),
  };
}

function fieldsGet(rt: Runtime, model: string, allfields: unknown, attributes: unknown) {
  const only = Array.isArray(allfields) && allfields.length > 0 ? new Set(allfields) : undefined;
  const attrs =
    Array.isArray(attributes) && attributes.length > 0 ? new Set(attributes) : undefined;
  const result: Record<string, Record<string, unknown>> = {};
  for (const [name, field] of rt.fields(model)) {
    if (only && !only.has(name)) continue;
    const { def } = field;
    const stored = !def.compute && !def.sql && name !== 'display_name';
    const full: Record<string, unknown> = {
      type: def.type,
      string: def.string,
      required: Boolean(def.required),
      readonly: Boolean(def.readonly),
      store: stored,
      searchable: !def.compute,
      sortable: stored && def.type !== 'one2many' && def.type !== 'many2many',
    };
    if (def.relation) full.relation = def.relation;
    if (def.selection) full.selection = def.selection.map(([k, v]) => [k, v]);
    if (def.inverseName) full.relation_field = def.inverseName;
    result[name] = attrs
      ? Object.fromEntries(Object.entries(full).filter(([k]) => attrs.has(k)))
      : full;
  }
  return result;
}
