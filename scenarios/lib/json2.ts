// JSON-2 (Odoo 19+) as pure functions for both transports: an execute_kw call as the body Odoo 19's
// /json/2/<model>/<method> binds, its answer as execute_kw's, an error answer as XML-RPC's fault.

/**
 * Parameter names of the methods called with positional arguments after the ids, from Odoo
 * 19's signatures (odoo/orm/models.py). A method not listed takes ids alone, or named kwargs.
 */
const PARAMETER_NAMES: Record<string, readonly string[]> = {
  search: ['domain', 'offset', 'limit', 'order'],
  search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
  search_count: ['domain', 'limit'],
  read: ['fields', 'load'],
  write: ['vals'],
  create: ['vals_list'],
  copy: ['default'],
  default_get: ['fields'],
  fields_get: ['allfields', 'attributes'],
  name_search: ['name', 'domain', 'operator', 'limit'],
  name_create: ['name'],
};

/** @api.model methods: no ids (Odoo 19 answers 422 "cannot call ... with ids"). */
const MODEL_METHODS = new Set([
  'search',
  'search_read',
  'search_count',
  'create',
  'default_get',
  'fields_get',
  'name_search',
  'name_create',
]);

export class Json2ArgumentError extends Error {
  override name = 'Json2ArgumentError';
}

/** execute_kw's ids argument as JSON-2's `ids`: Odoo's browse takes an id, a list, or nothing. */
function idsOf(value: unknown): unknown[] {
  if (value === undefined || value === null || value === false) return [];
  return Array.isArray(value) ? value : [value];
}

/** The JSON-2 body of an execute_kw call: `ids` for record methods, the rest by name. */
export function json2Body(
  method: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown> = {},
): Record<string, unknown> {
  const isModelMethod = MODEL_METHODS.has(method);
  const positional = isModelMethod ? args : args.slice(1);
  const names = PARAMETER_NAMES[method] ?? [];
  if (positional.length > names.length) {
    throw new Json2ArgumentError(
      `${method}: JSON-2 takes parameters by name, and the name of positional argument ${names.length + 1} is not known; pass it in kwargs`,
    );
  }
  const body: Record<string, unknown> = {};
  if (!isModelMethod) body.ids = idsOf(args[0]);
  positional.forEach((value, i) => (body[names[i]!] = value));
  for (const [key, value] of Object.entries(kwargs)) {
    if (key in body) throw new Json2ArgumentError(`${method}: ${key} given twice`);
    body[key] = value;
  }
  return body;
}

/**
 * execute_kw's answer from JSON-2's: JSON-2 turns every recordset into its ids, where execute_kw
 * returns a single create's id (odoo/service/model.py call_kw: `result.id if isinstance(args[0],
 * Mapping)`). Everything else is the same value.
 */
export function json2Result(
  method: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown> | undefined,
  value: unknown,
): unknown {
  if (method !== 'create' || !Array.isArray(value)) return value;
  const vals = args.length > 0 ? args[0] : kwargs?.vals_list;
  const single = typeof vals === 'object' && vals !== null && !Array.isArray(vals);
  return single ? value[0] : value;
}

/** The error body Odoo 19 answers with (odoo/http.py serialize_exception). */
export interface Json2Error {
  name?: string;
  message?: string;
  debug?: string;
}

/** Odoo's exceptions by the fault code XML-RPC gives them (docs/odoo-api.md, "Faults"). */
const NAME_TO_CODE: Record<string, number> = {
  'odoo.exceptions.UserError': 2,
  'odoo.exceptions.ValidationError': 2,
  'odoo.exceptions.MissingError': 2,
  'odoo.exceptions.LockError': 2,
  'odoo.exceptions.RedirectWarning': 2,
  'odoo.exceptions.AccessDenied': 3,
  // A refused or missing API key: _auth_method_bearer raises werkzeug's 401.
  'werkzeug.exceptions.Unauthorized': 3,
  'odoo.http.SessionExpiredException': 3,
  'odoo.exceptions.AccessError': 4,
};
/** Without an exception name (a proxy's answer), the HTTP status says what it can. */
const STATUS_TO_CODE: Record<number, number> = { 401: 3, 403: 4 };

/**
 * The fault code and fault string of an error answer. Any other exception (a TypeError, JSON-2's
 * 404 for an unknown model or method, its 422 for arguments the method does not take) is fault 1,
 * as XML-RPC answers them; its string is the traceback when Odoo sent one, as XML-RPC's is, so
 * that concurrency failures are found by the same markers.
 */
export function json2Fault(
  status: number,
  error: Json2Error,
): { faultCode: number; faultString: string } {
  const faultCode =
    (error.name === undefined ? STATUS_TO_CODE[status] : NAME_TO_CODE[error.name]) ?? 1;
  const message = error.message ?? `HTTP ${status}`;
  const faultString =
    faultCode === 1
      ? (error.debug ?? (error.name ? `${error.name}: ${message}` : message))
      : message;
  return { faultCode, faultString };
}

/** True when a 404 is not Odoo 19's JSON-2 (whose 404s carry an exception name). */
export function isMissingJson2(status: number, error: Json2Error): boolean {
  return status === 404 && error.name === undefined;
}
