// Odoo's call_kw: record methods take the ids as args[0], model methods take args as they are;
// positional and keyword arguments are bound to the method's parameters as Python binds them,
// so a wrong call is Python's TypeError (fault 1), never a crash.
import { ApplicationError } from '../exceptions.js';
import type { BoundArgs, MethodDef } from './model.js';
import { isIntLike, pyRepr, typeError } from './python.js';

export interface BoundCall {
  ids: number[];
  args: BoundArgs;
}

/** The ids of a record method's first argument: an int or a list of ints (Odoo's browse). */
export function parseIds(value: unknown): number[] {
  if (value === false || value === null || value === undefined) return [];
  if (isIntLike(value)) return [value];
  if (Array.isArray(value) && value.every(isIntLike)) return value;
  throw typeError(`ids must be an integer or a list of integers, not ${pyRepr(value)}`);
}

export function bindArguments(
  name: string,
  method: MethodDef,
  args: unknown[],
  kwargs: Record<string, unknown>,
): BoundCall {
  let positional = args;
  let ids: number[] = [];
  if (method.api === 'records') {
    // Odoo's _call_kw_multi takes `args[0]` without checking: no ids is Python's IndexError.
    if (args.length === 0) throw new ApplicationError('IndexError', 'tuple index out of range');
    ids = parseIds(args[0]);
    positional = args.slice(1);
  }
  const { params } = method;
  const required = method.required ?? 0;
  if (positional.length > params.length) {
    const most = params.length + 1;
    const least = required + 1;
    const takes = least === most ? `${most}` : `from ${least} to ${most}`;
    throw typeError(
      `${name}() takes ${takes} positional arguments but ${positional.length + 1} were given`,
    );
  }
  const bound: BoundArgs = {};
  positional.forEach((value, i) => (bound[params[i]!] = value));
  for (const [key, value] of Object.entries(kwargs)) {
    if (key === 'context') continue;
    if (!params.includes(key)) {
      if (method.varKwargs) {
        bound[key] = value;
        continue;
      }
      throw typeError(`${name}() got an unexpected keyword argument '${key}'`);
    }
    if (key in bound) throw typeError(`${name}() got multiple values for argument '${key}'`);
    bound[key] = value;
  }
  const missing = params.slice(0, required).filter((p) => !(p in bound));
  if (missing.length > 0) {
    const list = missing.map((m) => `'${m}'`).join(' and ');
    throw typeError(
      `${name}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${list}`,
    );
  }
  return { ids, args: bound };
}
