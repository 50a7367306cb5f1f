// JSON-2 (Odoo 19+) as pure functions, for both transports: an execute_kw call (model, method,
// args, kwargs) becomes the request body Odoo 19's /json/2/<model>/<method> binds
// (addons/rpc/controllers/json2.py: `ids` and `context` apart, every other parameter by name),
// the answer becomes what execute_kw would have returned, and an error answer becomes the fault
// code XML-RPC gives for the same exception. Plain JavaScript (types in json2.d.ts) so that k6
// (scenarios/k6/json2-transport.ts) and Node (src/odoo/json2-transport.ts, from dist) import
// this one file: k6 cannot import src/, and Node 20 cannot import TypeScript.

/**
 * Parameter names of the methods called with positional arguments after the ids, from Odoo
 * 19's signatures (odoo/orm/models.py). A method not listed takes ids alone, or named kwargs.
 */
/** @type {Record<string, readonly string[]>} */
const PARAMETER_NAMES = {
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
  name = 'Json2ArgumentError';
}

/**
 * execute_kw's ids argument as JSON-2's `ids`: Odoo's browse takes an id, a list, or nothing.
 * @param {unknown} value
 */
function idsOf(value) {
  if (value === undefined || value === null || value === false) return [];
  return Array.isArray(value) ? value : [value];
}

/** The JSON-2 body of an execute_kw call: `ids` for record methods, the rest by name. */
export function json2Body(method, args, kwargs = {}) {
  const isModelMethod = MODEL_METHODS.has(method);
  const positional = isModelMethod ? args : args.slice(1);
  const names = PARAMETER_NAMES[method] ?? [];
  if (positional.length > names.length) {
    throw new Json2ArgumentError(
      `${method}: JSON-2 takes parameters by name, and the name of positional argument ${names.length + 1} is not known; pass it in kwargs`,
    );
  }
  /** @type {Record<string, unknown>} */
  const body = {};
  if (!isModelMethod) body.ids = idsOf(args[0]);
  positional.forEach((value, i) => (body[names[i]] = value));
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
export function json2Result(method, args, kwargs, value) {
  if (method !== 'create' || !Array.isArray(value)) return value;
  const vals = args.length > 0 ? args[0] : kwargs?.vals_list;
  const single = typeof vals === 'object' && vals !== null && !Array.isArray(vals);
  return single ? value[0] : value;
}

/** Odoo's exceptions by the fault code XML-RPC gives them (docs/odoo-api.md, "Faults"). */
/** @type {Record<string, number>} */
const NAME_TO_CODE = {
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
/** @type {Record<number, number>} */
const STATUS_TO_CODE = { 401: 3, 403: 4 };

/**
 * The fault code and fault string of an error answer. Any other exception (a TypeError, JSON-2's
 * 404 for an unknown model or method, its 422 for arguments the method does not take) is fault 1,
 * as XML-RPC answers them; its string is the traceback when Odoo sent one, as XML-RPC's is, so
 * that concurrency failures are found by the same markers.
 */
export function json2Fault(status, error) {
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
export function isMissingJson2(status, error) {
  return status === 404 && error.name === undefined;
}
