// JSON-2 as Odoo 19.0 serves it (addons/rpc/controllers/json2.py, odoo/http.py Json2Dispatcher),
// for a lab started with `--json2`: POST /json/2/<model>/<method>, the database from
// X-Odoo-Database, the user from a bearer API key, `ids` and `context` apart and every other
// parameter by name; the value as JSON (None as null, a created record as its ids); errors as
// {name, message, arguments, context, debug} with Odoo 19's statuses. Real Odoo before 19 has no
// JSON-2: a lab emulating 16 to 18 offers it only when asked, to exercise the JSON-2 client.
import { STATUS_CODES } from 'node:http';
import { json2Fault } from '../../../scenarios/lib/json2.js';
import { OdooFloat } from '../contract.js';
import {
  AccessDenied,
  AccessError,
  ApplicationError,
  MissingError,
  RedirectWarning,
  UserError,
  ValidationError,
} from '../exceptions.js';
import { pythonException } from './faults.js';
import type { RequestStats, RpcRequest, RpcResponse } from './messages.js';
import { FRAMES, formatTraceback } from './traceback.js';

// On the decoded path (http.ts routePath).
const ROUTE = /^\/json\/2(?:\/|$)/;
const CALL = /^\/json\/2\/([^/]+)\/([^/]+)\/?$/;
const JSON_TYPE = 'application/json; charset=utf-8';

export function isJson2Path(path: string): boolean {
  return ROUTE.test(path);
}

/** What the JSON-2 route needs from the worker. */
export interface Json2Deps {
  databases: readonly string[];
  /** The uid of an API key (scope rpc or global) of an active user, else AccessDenied. */
  userOfKey(db: string, key: string): Promise<number>;
  /** 'model' for @api.model methods, 'records' for record methods, undefined when unknown. */
  methodApi(model: string, method: string): 'model' | 'records' | undefined;
  hasModel(model: string): boolean;
  /** Runs model.method in its retried transaction, as execute_kw does. */
  execute(
    db: string,
    uid: number,
    model: string,
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown>,
  ): Promise<unknown>;
}

/** An error answer: werkzeug's HTTPExceptions carry their status and a description. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly pythonName: string,
    message: string,
  ) {
    super(message);
  }
}

const NO_DATABASE =
  '<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No database is selected and the requested URL was not found in the server-wide controllers.</p>\n<p>Please verify the hostname, <a href=/web/login>login</a> and try again.</p>\n\n<!-- Alternatively, use the X-Odoo-Database header. -->\n';

/** Python's signature.bind() messages, which JSON-2 answers with 422 before calling. */
const BIND_ERROR =
  /^\w+\(\) (got an unexpected keyword argument|missing \d+ required|takes .* positional|got multiple values)/;

export async function handleJson2(
  path: string,
  request: RpcRequest,
  deps: Json2Deps,
  stats: RequestStats,
): Promise<RpcResponse> {
  const database =
    request.headers?.database ?? (deps.databases.length === 1 ? deps.databases[0] : undefined);
  if (database === undefined || !deps.databases.includes(database))
    return { status: 404, contentType: 'text/html; charset=utf-8', body: NO_DATABASE };
  try {
    const call = CALL.exec(path);
    if (!call || request.httpMethod !== 'POST')
      throw new HttpError(
        404,
        'werkzeug.exceptions.NotFound',
        'Did you mean POST /json/2/<model>/<method>?',
      );
    const token = /^bearer\s+(.+)$/i.exec(request.headers?.authorization ?? '')?.[1];
    if (token === undefined)
      throw new HttpError(
        401,
        'werkzeug.exceptions.Unauthorized',
        'User not authenticated, use an API Key with a Bearer Authorization header.',
      );
    const uid = await deps.userOfKey(database, token).catch((error: unknown) => {
      if (error instanceof AccessDenied)
        throw new HttpError(401, 'werkzeug.exceptions.Unauthorized', 'Invalid apikey');
      throw error;
    });
    const params = parseBody(request.body);
    const [model, method] = [call[1]!, call[2]!];
    const value = await callMethod(deps, database, uid, model, method, params);
    return {
      status: 200,
      contentType: JSON_TYPE,
      body: toJson(value === undefined ? null : value),
    };
  } catch (error) {
    const { status, body } = errorAnswer(error);
    stats.fault = json2Fault(status, body).faultCode;
    return { status, contentType: JSON_TYPE, body: toJson(body) };
  }
}

function parseBody(text: string): Record<string, unknown> {
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HttpError(
      400,
      'werkzeug.exceptions.BadRequest',
      `could not parse the body as json: ${(error as Error).message}`,
    );
  }
  // Odoo merges a JSON object with the path's parameters; anything else leaves only those.
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}

async function callMethod(
  deps: Json2Deps,
  db: string,
  uid: number,
  model: string,
  method: string,
  params: Record<string, unknown>,
): Promise<unknown> {
  if (!deps.hasModel(model))
    throw new HttpError(404, 'werkzeug.exceptions.NotFound', `the model '${model}' does not exist`);
  if (method.startsWith('_'))
    throw new AccessError(
      `Private methods (such as '${model}.${method}') cannot be called remotely.`,
    );
  const api = deps.methodApi(model, method);
  if (api === undefined)
    throw new HttpError(
      404,
      'werkzeug.exceptions.NotFound',
      `The method '${model}.${method}' does not exist`,
    );
  const { ids = [], context = {}, ...kwargs } = params;
  if (api === 'model' && Array.isArray(ids) && ids.length > 0)
    throw new HttpError(
      422,
      'werkzeug.exceptions.UnprocessableEntity',
      `cannot call ${model}.${method} with ids`,
    );
  try {
    const value = await deps.execute(db, uid, model, method, api === 'model' ? [] : [ids], {
      ...kwargs,
      context,
    });
    // JSON-2 answers every recordset as its ids: a created record too (execute_kw gives its id).
    return method === 'create' && typeof value === 'number' ? [value] : value;
  } catch (error) {
    if (
      error instanceof ApplicationError &&
      error.pythonType === 'TypeError' &&
      BIND_ERROR.test(error.message)
    )
      throw new HttpError(
        422,
        'werkzeug.exceptions.UnprocessableEntity',
        error.message.replace(/^\w+\(\) /, ''),
      );
    throw error;
  }
}

/** Odoo's exception classes by the name JSON-2 gives them, most specific first. */
const ODOO_EXCEPTIONS: [new (...args: never[]) => Error, string, number][] = [
  [RedirectWarning, 'odoo.exceptions.RedirectWarning', 500],
  [AccessDenied, 'odoo.exceptions.AccessDenied', 403],
  [AccessError, 'odoo.exceptions.AccessError', 403],
  [MissingError, 'odoo.exceptions.MissingError', 404],
  [ValidationError, 'odoo.exceptions.ValidationError', 422],
  [UserError, 'odoo.exceptions.UserError', 422],
];

interface ErrorBody {
  name: string;
  message: string;
  arguments: unknown[];
  context: Record<string, unknown>;
  debug: string;
}

/**
 * The body of an error answer. `name` is the exception's module and class; the traceback's last
 * line is Python's own: builtins without their module (`ValueError: …`), and a werkzeug
 * exception as its str(), with the status (`…NotFound: 404 Not Found: the model …`).
 */
function errorAnswer(error: unknown): { status: number; body: ErrorBody } {
  const answer = (
    status: number,
    name: string,
    message: string,
    args: unknown[] = [message],
    text = message,
  ) => ({
    status,
    body: {
      name,
      message,
      arguments: args,
      context: {},
      debug: formatTraceback([FRAMES.rpc], name.replace(/^builtins\./, ''), text),
    },
  });
  if (error instanceof HttpError)
    return answer(
      error.status,
      error.pythonName,
      error.message,
      [error.message, error.status],
      `${error.status} ${STATUS_CODES[error.status]}: ${error.message}`,
    );
  const known = ODOO_EXCEPTIONS.find(([type]) => error instanceof type);
  if (known) return answer(known[2], known[1], (error as Error).message);
  const { type, message } = pythonException(error);
  return answer(500, type.includes('.') ? type : `builtins.${type}`, message);
}

/** JSON with the ORM's floats as numbers. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof OdooFloat ? v.value : v));
}
