// Odoo's messages quote values with Python's repr; the lab's errors do the same so a traceback's
// last line reads like Odoo's ("ValueError: Invalid field 'foo' on model 'res.partner'").
import { ApplicationError } from '../exceptions.js';

export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (value instanceof Date) return `<DateTime '${value.toISOString()}'>`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

export function valueError(message: string): ApplicationError {
  return new ApplicationError('ValueError', message);
}

export function typeError(message: string): ApplicationError {
  return new ApplicationError('TypeError', message);
}

export function isIntLike(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}
