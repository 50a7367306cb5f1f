// Converting values received over RPC into column values, with Odoo's conversions (False → NULL
// for most fields, False → 0 for numbers) and Odoo's ValueError for a value of the wrong type.
import { pyRepr, valueError } from './python.js';
import type { ResolvedField } from './model.js';

export function isFalsy(value: unknown): boolean {
  return value === false || value === null || value === undefined;
}

const DATE = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?/;

/** The column value for a scalar or many2one field (x2many values are commands, see x2many.ts). */
export function toColumn(modelName: string, field: ResolvedField, value: unknown): unknown {
  const { def } = field;
  const wrong = () => valueError(`Wrong value for ${modelName}.${field.name}: ${pyRepr(value)}`);
  switch (def.type) {
    case 'integer':
      if (isFalsy(value)) return 0;
      if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
      if (value === true) return 1;
      if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
      throw wrong();
    case 'float':
    case 'monetary':
      if (isFalsy(value)) return 0;
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (value === true) return 1;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
        return Number(value);
      throw wrong();
    case 'boolean':
      return !isFalsy(value) && value !== 0 && value !== '';
    case 'char':
    case 'text': {
      if (isFalsy(value)) return null;
      if (typeof value !== 'string' && typeof value !== 'number') throw wrong();
      const text = String(value);
      return def.translate ? JSON.stringify({ en_US: text }) : text;
    }
    case 'selection':
      if (isFalsy(value)) return null;
      if (typeof value === 'string' && def.selection?.some(([key]) => key === value)) return value;
      throw wrong();
    case 'date': {
      if (isFalsy(value)) return null;
      const match = typeof value === 'string' ? DATE.exec(value) : null;
      if (!match) throw wrong();
      return match[1];
    }
    case 'datetime': {
      if (isFalsy(value)) return null;
      const match = typeof value === 'string' ? DATE.exec(value) : null;
      if (!match) throw wrong();
      const time = match[2] ?? '00:00:00';
      return `${match[1]} ${time.length === 5 ? `${time}:00` : time}`;
    }
    case 'many2one':
      if (isFalsy(value)) return null;
      if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
      throw wrong();
    default:
      throw wrong();
  }
}
