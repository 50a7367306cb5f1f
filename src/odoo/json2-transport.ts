// JSON-2 transport for Odoo 19 and later: POST /json/2/<model>/<method> with a bearer API key and
// the database header, shaped by the mapping the k6 transport uses too (scenarios/lib/json2.ts).
import * as json2 from '../../scenarios/lib/json2.js';
import { BadInputError, UnreachableError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import { classifyFault } from './faults.js';
import type { CallOutcome, ExecuteKwCall, OdooTransport, OdooVersionInfo } from './transport.js';

export interface Json2TransportOptions {
  url: string;
  timeoutMs?: number;
}

/** What the HTTP exchange gave: the status and the parsed JSON (undefined when it was not JSON). */
interface Answer {
  status: number;
  json: unknown;
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
    const path = '/web/webclient/version_info';
    const answer = await this.#post(
      path,
      { jsonrpc: '2.0', method: 'call', params: {} },
      'web.version_info',
    );
    const result = (answer.json as { result?: OdooVersionInfo } | undefined)?.result;
    if (answer.status !== 200 || !result)
      throw new UnreachableError(`${this.#base}${path}: HTTP ${answer.status}, no version`);
    return result;
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

  /** Odoo 19 answers a bare /json/2 with its own 404 ("Did you mean POST /json/2/<model>/<method>?"). */
  async offered(): Promise<boolean> {
    try {
      const answer = await this.#post('/json/2', {}, 'json2');
      const error = (answer.json ?? {}) as json2.Json2Error;
      return answer.status === 404 && !json2.isMissingJson2(answer.status, error);
    } catch {
      return false;
    }
  }

  async listDatabases(): Promise<string[]> {
    const answer = await this.#post(
      '/web/database/list',
      { jsonrpc: '2.0', method: 'call', params: {} },
      'db.list',
    );
    return (answer.json as { result?: string[] } | undefined)?.result ?? [];
  }

  async executeKw<T>(call: ExecuteKwCall): Promise<CallOutcome<T>> {
    const label = `${call.model}.${call.method}`;
    let body: Record<string, unknown>;
    try {
      body = json2.json2Body(call.method, call.args, call.kwargs);
    } catch (error) {
      if (error instanceof json2.Json2ArgumentError)
        throw new BadInputError(`${label}: ${error.message}`);
      throw error;
    }
    const path = `/json/2/${call.model}/${call.method}`;
    const answer = await this.#post(path, body, label, {
      authorization: `bearer ${call.secret.reveal()}`,
      'x-odoo-database': call.db,
    });
    if (answer.status === 200) {
      if (answer.json === undefined)
        throw new UnreachableError(`${label} at ${this.#base}${path}: HTTP 200, not JSON`);
      // None: the method committed and returned nothing, as XML-RPC's "cannot marshal None".
      if (answer.json === null)
        return { status: 'committed-unmarshallable', detail: 'the method returned None' };
      return {
        status: 'returned',
        value: json2.json2Result(call.method, call.args, call.kwargs, answer.json) as T,
      };
    }
    const error = (answer.json ?? {}) as json2.Json2Error;
    if (json2.isMissingJson2(answer.status, error)) {
      throw new UnreachableError(
        `${label} at ${this.#base}${path}: HTTP 404, no JSON-2 API or no database "${call.db}"`,
        { hint: 'JSON-2 is Odoo 19 or later; before 19 use --transport xmlrpc. Check ODOO_DB.' },
      );
    }
    const fault = json2.json2Fault(answer.status, error);
    throw classifyFault(label, fault.faultCode, fault.faultString);
  }

  async #post(
    path: string,
    body: unknown,
    label: string,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
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
    let json: unknown;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      if (response.status !== 404)
        throw new UnreachableError(
          `${label} at ${this.#base}${path}: HTTP ${response.status}, not JSON`,
        );
    }
    return { status: response.status, json };
  }
}
