// The set of models the lab knows, and field resolution: a model's own fields, the magic columns,
// and the fields it reaches through Odoo's _inherits (product.product → product.template,
// res.users → res.partner), filtered by the series that have them.
import type { OdooSerie } from '../contract.js';
import {
  MAGIC_FIELDS,
  type FieldDef,
  type ModelDef,
  type ModelRegistry,
  type ResolvedField,
} from './model.js';

const ID_FIELD: FieldDef = { type: 'integer', string: 'ID', readonly: true };
const DISPLAY_NAME: FieldDef = { type: 'char', string: 'Display Name', readonly: true };

export class Registry implements ModelRegistry {
  readonly #models = new Map<string, ModelDef>();
  readonly #fieldCache = new Map<string, Map<string, ResolvedField>>();

  constructor(models: readonly ModelDef[]) {
    for (const model of models) this.#models.set(model.name, model);
  }

  has(name: string): boolean {
    return this.#models.has(name);
  }

  get(name: string): ModelDef {
    const model = this.#models.get(name);
    if (!model) throw new Error(`lab ORM: no model ${name}`);
    return model;
  }

  all(): ModelDef[] {
    return [...this.#models.values()];
  }

  /** Every field of the model visible in this series, in declaration order, own fields first. */
  fields(modelName: string, serie: OdooSerie): Map<string, ResolvedField> {
    const key = `${modelName}@${serie}`;
    const cached = this.#fieldCache.get(key);
    if (cached) return cached;
    const model = this.get(modelName);
    const result = new Map<string, ResolvedField>();
    result.set('id', { name: 'id', def: ID_FIELD, owner: model });
    for (const [name, def] of Object.entries(model.fields)) {
      if (!def.series || def.series.includes(serie)) result.set(name, { name, def, owner: model });
    }
    if (model.inherits) {
      const via = model.inherits.field;
      for (const [name, field] of this.fields(model.inherits.model, serie)) {
        if (result.has(name) || name === 'id' || name in MAGIC_FIELDS || name === 'display_name')
          continue;
        result.set(name, { ...field, via });
      }
    }
    result.set('display_name', { name: 'display_name', def: DISPLAY_NAME, owner: model });
    for (const [name, def] of Object.entries(MAGIC_FIELDS))
      result.set(name, { name, def, owner: model });
    this.#fieldCache.set(key, result);
    return result;
  }

  /** Odoo's registry._sql_constraints: the message of a constraint as PostgreSQL names it. */
  sqlConstraintMessage(constraint: string): string | undefined {
    for (const model of this.#models.values()) {
      const found = model.sqlConstraints?.find((c) => `${model.table}_${c.name}` === constraint);
      if (found) return found.message;
    }
    return undefined;
  }

  field(modelName: string, fieldName: string, serie: OdooSerie): ResolvedField | undefined {
    return this.fields(modelName, serie).get(fieldName);
  }

  /**
   * A field as stored, whatever the series: the lab keeps every series' columns (detailed_type,
   * is_storable…) so business code can keep them consistent behind the caller's view.
   */
  storedField(modelName: string, fieldName: string, serie: OdooSerie): ResolvedField | undefined {
    const visible = this.field(modelName, fieldName, serie);
    if (visible) return visible;
    const model = this.get(modelName);
    const def = model.fields[fieldName];
    return def ? { name: fieldName, def, owner: model } : undefined;
  }
}
