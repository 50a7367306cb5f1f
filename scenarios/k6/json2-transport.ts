// JSON-2 beside XML-RPC (Odoo 19 deprecates XML-RPC): POST /json/2/<model>/<method> with a bearer
// API key and named parameters. Written from Odoo's documentation; the lab speaks XML-RPC.
import { CallFailure, odooFault } from '../lib/call-failure.ts';
import { json2Body, json2FaultCode } from '../lib/json2.ts';
import type { OdooVersion } from '../lib/odoo-version.ts';
import type { ScenarioTarget } from '../lib/scenario-env.ts';
import { callName, type CallResult, type CallTags, type OdooTransport } from '../lib/transport.ts';
import { post, postParams } from './http-post.ts';

export class Json2Transport implements OdooTransport {
  readonly name = 'json2' as const;
  readonly #target: ScenarioTarget;
  readonly #timeout: string;

  constructor(target: ScenarioTarget, timeout: string) {
    this.#target = target;
    this.#timeout = timeout;
  }

  version(): OdooVersion {
    const body = { jsonrpc: '2.0', method: 'call', params: {} };
    const answer = this.#post('/web/webclient/version_info', body, {
      model: 'web',
      method: 'version_info',
    }) as { result?: OdooVersion };
    if (!answer?.result)
      throw new CallFailure('http', 'web.version_info', 'no version in the answer');
    return answer.result;
  }

  /** JSON-2 has no login step: the key identifies the user, found by login. */
  authenticate(): number | false {
    try {
      const result = this.executeKw(
        0,
        'res.users',
        'search',
        [[['login', '=', this.#target.user]]],
        {
          limit: 1,
        },
      );
      const ids = result.status === 'value' ? (result.value as number[]) : [];
      return ids.length > 0 ? ids[0]! : false;
    } catch (error) {
      if (error instanceof CallFailure && error.tag === 'access_denied') return false;
      throw error;
    }
  }

  executeKw(
    _uid: number,
    model: string,
    method: string,
    args: unknown[],
    kwargs?: Record<string, unknown>,
  ): CallResult {
    const value = this.#post(`/json/2/${model}/${method}`, json2Body(method, args, kwargs), {
      model,
      method,
    });
    return value === null ? { status: 'none' } : { status: 'value', value };
  }

  #post(path: string, body: unknown, tags: CallTags): unknown {
    const headers = {
      'Content-Type': 'application/json',
      Authorization: `bearer ${this.#target.secret}`,
      'X-Odoo-Database': this.#target.db,
    };
    const call = callName(tags);
    const res = post(
      `${this.#target.url}${path}`,
      JSON.stringify(body),
      postParams(headers, tags, this.#timeout),
    );
    let parsed: unknown;
    try {
      parsed = res.body ? JSON.parse(res.body) : null;
    } catch {
      throw new CallFailure('http', call, `HTTP ${res.status}, not JSON`);
    }
    if (res.status === 200) return parsed;
    const error = (parsed ?? {}) as { name?: string; message?: string };
    if (res.status === 404 && error.name === undefined) {
      throw new CallFailure('http', call, 'HTTP 404: no JSON-2 API here (Odoo 19 or later)');
    }
    const code = json2FaultCode(res.status, error.name);
    throw odooFault(call, code, error.message ?? `HTTP ${res.status}`);
  }
}
