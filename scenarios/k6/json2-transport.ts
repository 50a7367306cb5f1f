// JSON-2 beside XML-RPC (Odoo 19 deprecates XML-RPC): POST /json/2/<model>/<method> with a bearer
// API key; lib/json2.ts shapes the body, the answer and the faults.
import { CallFailure, odooFault } from '../lib/call-failure.ts';
import {
  isMissingJson2,
  json2Body,
  json2Fault,
  json2Result,
  Json2ArgumentError,
  type Json2Error,
} from '../lib/json2.ts';
import type { OdooVersion } from '../lib/odoo-version.ts';
import type { ScenarioTarget } from '../lib/scenario-env.ts';
import { callName, type CallResult, type OdooTransport } from '../lib/transport.ts';
import { post, postParams, type PostParams } from './http-post.ts';

export class Json2Transport implements OdooTransport {
  readonly name = 'json2' as const;
  readonly #target: ScenarioTarget;
  readonly #timeout: string;
  readonly #headers: Record<string, string>;
  /** URL and request parameters per "model method", built once. */
  readonly #calls = new Map<string, { url: string; params: PostParams }>();

  constructor(target: ScenarioTarget, timeout: string) {
    this.#target = target;
    this.#timeout = timeout;
    this.#headers = {
      'Content-Type': 'application/json',
      Authorization: `bearer ${target.secret}`,
      'X-Odoo-Database': target.db,
    };
  }

  version(): OdooVersion {
    const tags = { model: 'web', method: 'version_info' };
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'call', params: {} });
    const res = post(
      `${this.#target.url}/web/webclient/version_info`,
      body,
      postParams({ 'Content-Type': 'application/json' }, tags, this.#timeout),
    );
    const answer = parse(res.body, callName(tags), res.status) as { result?: OdooVersion } | null;
    if (res.status !== 200 || !answer?.result)
      throw new CallFailure('http', callName(tags), `HTTP ${res.status}, no version in the answer`);
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
        { limit: 1 },
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
    const key = `${model} ${method}`;
    let call = this.#calls.get(key);
    if (call === undefined) {
      call = {
        url: `${this.#target.url}/json/2/${model}/${method}`,
        params: postParams(this.#headers, { model, method }, this.#timeout),
      };
      this.#calls.set(key, call);
    }
    let body: string;
    try {
      body = JSON.stringify(json2Body(method, args, kwargs));
    } catch (error) {
      if (error instanceof Json2ArgumentError)
        throw new CallFailure('other', callName(call.params.tags), error.message);
      throw error;
    }
    const res = post(call.url, body, call.params);
    const parsed = parse(res.body, callName(call.params.tags), res.status);
    if (res.status === 200) {
      // None: the method committed and returned nothing, as XML-RPC's "cannot marshal None".
      return parsed === null
        ? { status: 'none' }
        : { status: 'value', value: json2Result(method, args, kwargs, parsed) };
    }
    const error = (parsed ?? {}) as Json2Error;
    if (isMissingJson2(res.status, error))
      throw new CallFailure(
        'http',
        callName(call.params.tags),
        'HTTP 404: no JSON-2 API here (Odoo 19 or later)',
      );
    const fault = json2Fault(res.status, error);
    throw odooFault(callName(call.params.tags), fault.faultCode, fault.faultString);
  }
}

/** The answer's JSON; an HTML 404 is a server without JSON-2, anything else not JSON a failure. */
function parse(text: string | null, call: string, status: number): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    if (status === 404) return {};
    throw new CallFailure('http', call, `HTTP ${status}, not JSON`);
  }
}
