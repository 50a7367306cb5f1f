// The DDL of a lab database, derived from the model definitions as Odoo's _auto_init derives it
// from fields: one table per model with `id SERIAL`, the magic columns, one column per stored
// field, foreign keys named <table>_<column>_fkey, field indexes named <table>__<column>_index,
// many2many relation tables, then each model's own indexes.
import { MAGIC_FIELDS, isStored, type FieldDef, type ModelDef } from './model.js';
import type { Registry } from './registry.js';
import { ident } from './sql.js';

function columnType(def: FieldDef): string {
  if (def.translate) return 'jsonb';
  switch (def.type) {
    case 'integer':
    case 'many2one':
      return 'int4';
    case 'float':
      return def.numeric ? 'numeric' : 'float8';
    case 'monetary':
      return 'numeric';
    case 'boolean':
      return 'bool';
    case 'date':
      return 'date';
    case 'datetime':
      return 'timestamp';
    case 'text':
      return 'text';
    default:
      return 'varchar';
  }
}

function storedFields(model: ModelDef): [string, FieldDef][] {
  return [...Object.entries(MAGIC_FIELDS), ...Object.entries(model.fields)].filter(([, def]) =>
    isStored(def),
  );
}

export interface SchemaStatements {
  /** Tables and many2many relation tables. */
  tables: string[];
  /** Foreign keys and indexes, run after the base data is in (it references itself). */
  constraints: string[];
}

/** The statements that create the schema, in an order PostgreSQL accepts. */
export function schemaStatements(registry: Registry): SchemaStatements {
  const models = registry.all();
  const tables: string[] = [];
  const foreignKeys: string[] = [];
  const indexes: string[] = [];
  const relTables = new Map<string, string[]>();
  for (const model of models) {
    const table = ident(model.table);
    const columns = ['id SERIAL NOT NULL PRIMARY KEY'];
    for (const [name, def] of storedFields(model)) {
      columns.push(`${ident(name)} ${columnType(def)}${def.required ? ' NOT NULL' : ''}`);
      if (def.type === 'many2one') {
        const target = registry.get(def.relation!).table;
        foreignKeys.push(
          `ALTER TABLE ${table} ADD CONSTRAINT ${ident(`${model.table}_${name}_fkey`)} FOREIGN KEY (${ident(name)}) REFERENCES ${ident(target)}(id) ON DELETE ${(def.ondelete ?? 'set null').toUpperCase()}`,
        );
      }
      if (def.index) {
        const opclass = name === 'parent_path' ? ' text_pattern_ops' : '';
        indexes.push(
          `CREATE INDEX IF NOT EXISTS ${ident(`${model.table}__${name}_index`)} ON ${table} (${ident(name)}${opclass})`,
        );
      }
    }
    columns.push(...(model.rawColumns ?? []));
    tables.push(`CREATE TABLE IF NOT EXISTS ${table} (${columns.join(', ')})`);
    for (const [, def] of Object.entries(model.fields)) {
      if (def.type !== 'many2many' || def.compute || relTables.has(def.relTable!)) continue;
      const rel = def.relTable!;
      const other = registry.get(def.relation!).table;
      relTables.set(rel, [
        `CREATE TABLE IF NOT EXISTS ${ident(rel)} (${ident(def.column1!)} int4 NOT NULL REFERENCES ${table}(id) ON DELETE CASCADE, ${ident(def.column2!)} int4 NOT NULL REFERENCES ${ident(other)}(id) ON DELETE CASCADE, PRIMARY KEY (${ident(def.column1!)}, ${ident(def.column2!)}))`,
        `CREATE INDEX IF NOT EXISTS ${ident(`${rel}_${def.column2}_${def.column1}_idx`)} ON ${ident(rel)} (${ident(def.column2!)}, ${ident(def.column1!)})`,
      ]);
    }
  }
  const extras = models.flatMap((m) => m.sql ?? []);
  return {
    tables: [...tables, ...[...relTables.values()].flat()],
    constraints: [...foreignKeys, ...indexes, ...extras],
  };
}
