// JSON-2 transport for Odoo 19 and later (odoo-contract.md §7): POST /json/2/<model>/<method>
// with a bearer API key and named parameters. Error bodies are mapped by exception name, then
// by HTTP status. Written from Odoo's documentation; not yet exercised against a live Odoo 19.
import { BadInputError, UnreachableError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import { FaultCode, classifyFault } from './faults.js';
import type { CallOutcome, ExecuteKwCall, OdooTransport, OdooVersionInfo } from './transport.js';

/** Parameter names of the ORM methods, to turn execute_kw's positional args into JSON-2's named ones. */
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
/** Methods decorated @api.model take no ids. */
const MODEL_METHODS = new Set([
  'search',
  'search_read',
  'search_count',
  'create',
  'fields_get',
  'name_search',
  'default_get',
]);

const NAME_TO_CODE: [RegExp, number][] = [
  [/AccessDenied$/, FaultCode.accessDenied],
  [/AccessError$/, FaultCode.access],
  [/(UserError|ValidationError|MissingError|RedirectWarning)$/, FaultCode.user],
];
const STATUS_TO_CODE: Record<number, number> = {
  401: FaultCode.accessDenied,
  403: FaultCode.access,
  422: FaultCode.user,
};

export interface Json2TransportOptions {
  url: string;
  timeoutMs?: number;
}

export class Json2Transport implements OdooTransport {
  readonly name = 'json2' as const;
  readonly #base: string;
  readonly #timeoutMs: number;

  constructor(options: Json2TransportOptions) {
    this.#base = options.url.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 130_000;
  }

  async version(): Promise<OdooVersionInfo> {
    const body = (await this.#post(
      '/web/webclient/version_info',
      { jsonrpc: '2.0', method: 'call', params: {} },
      'web.version_info',
    )) as {
      result?: OdooVersionInfo;
    };
    if (!body.result)
      throw new UnreachableError(`${this.#base}: /web/webclient/version_info gave no version`);
    return body.result;
  }

  async authenticate(db: string, login: string, secret: Secret): Promise<number | false> {
    // JSON-2 has no login step: the API key identifies the user on every call.
    try {
      const outcome = await this.executeKw<number[]>({
        db,
        uid: 0,
        secret,
        model: 'res.users',
        method: 'search',
        args: [[['login', '=', login]]],
        kwargs: { limit: 1 },
      });
      return outcome.status === 'returned' && outcome.value.length > 0 ? outcome.value[0]! : false;
    } catch (error) {
      if ((error as { tag?: string }).tag === 'access_denied') return false;
      throw error;
    }
  }

  async listDatabases(): Promise<string[]> {
    const body = (await this.#post(
      '/web/database/list',
      { jsonrpc: '2.0', method: 'call', params: {} },
      'db.list',
    )) as { result?: string[] };
    return body.result ?? [];
  }

  async executeKw<T>(call: ExecuteKwCall): Promise<CallOutcome<T>> {
    const names = PARAMETER_NAMES[call.method] ?? [];
    const isModelMethod = MODEL_METHODS.has(call.method);
    const positional = isModelMethod ? call.args : call.args.slice(1);
    if (positional.length > names.length) {
      throw new BadInputError(
        `${call.model}.${call.method}: JSON-2 needs named parameters; pass them in kwargs`,
      );
    }
    const body: Record<string, unknown> = { ...(call.kwargs ?? {}) };
    positional.forEach((value, i) => (body[names[i]!] = value));
    if (!isModelMethod) body.ids = Array.isArray(call.args[0]) ? call.args[0] : [call.args[0]];
    const value = await this.#post(
      `/json/2/${call.model}/${call.method}`,
      body,
      `${call.model}.${call.method}`,
      {
        authorization: `bearer ${call.secret.reveal()}`,
        'x-odoo-database': call.db,
      },
    );
    return { status: 'returned', value: value as T };
  }

  async #post(
    path: string,
    body: unknown,
    label: string,
    headers: Record<string, string> = {},
  ): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new UnreachableError(`${label} at ${this.#base}${path}: ${code}`, { cause: error });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      throw new UnreachableError(
        `${label} at ${this.#base}${path}: HTTP ${response.status}, not JSON`,
      );
    }
    if (response.ok) return parsed;
    const err = (parsed ?? {}) as { name?: string; message?: string; debug?: string };
    const code =
      NAME_TO_CODE.find(([pattern]) => pattern.test(err.name ?? ''))?.[1] ??
      STATUS_TO_CODE[response.status] ??
      FaultCode.application;
    if (response.status === 404 && err.name === undefined) {
      throw new UnreachableError(`${label} at ${this.#base}${path}: HTTP 404`, {
        hint: 'This server has no JSON-2 API (Odoo 19 or later).',
      });
    }
    throw classifyFault(label, code, err.message ?? err.debug ?? `HTTP ${response.status}`);
  }
}
