// JSON-2 (Odoo 19+, odoo-contract.md §7) as pure functions: execute_kw's positional arguments
// become named parameters, and an error answer becomes Odoo's fault code, so the k6 transport
// only posts. Same mapping as src/odoo/json2-transport.ts (which k6 cannot import).

/** Parameter names of the ORM methods the scenarios call positionally. */
const PARAMETER_NAMES: Record<string, readonly string[]> = {
  search: ['domain', 'offset', 'limit', 'order'],
  search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
  search_count: ['domain', 'limit'],
  read: ['fields', 'load'],
  write: ['vals'],
  create: ['vals_list'],
  fields_get: ['allfields', 'attributes'],
  name_search: ['name', 'domain', 'operator', 'limit'],
};
/** @api.model methods take no ids. */
const MODEL_METHODS = new Set([
  'search',
  'search_read',
  'search_count',
  'create',
  'fields_get',
  'name_search',
  'default_get',
]);

export function json2Body(
  method: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown> = {},
): Record<string, unknown> {
  const names = PARAMETER_NAMES[method] ?? [];
  const isModelMethod = MODEL_METHODS.has(method);
  const positional = isModelMethod ? args : args.slice(1);
  if (positional.length > names.length) {
    throw new Error(`${method}: JSON-2 needs named parameters; pass them in kwargs`);
  }
  const body: Record<string, unknown> = { ...kwargs };
  positional.forEach((value, i) => (body[names[i]!] = value));
  if (!isModelMethod) body.ids = Array.isArray(args[0]) ? args[0] : [args[0]];
  return body;
}

const NAME_TO_CODE: [RegExp, number][] = [
  [/AccessDenied$/, 3],
  [/AccessError$/, 4],
  [/(UserError|ValidationError|MissingError|RedirectWarning)$/, 2],
];
const STATUS_TO_CODE: Record<number, number> = { 401: 3, 403: 4, 422: 2 };

/** Odoo's fault code for a JSON-2 error answer: by exception name, else by HTTP status. */
export function json2FaultCode(status: number, errorName: string | undefined): number {
  return (
    NAME_TO_CODE.find(([pattern]) => pattern.test(errorName ?? ''))?.[1] ??
    STATUS_TO_CODE[status] ??
    1
  );
}
