// XML-RPC over /xmlrpc/2 (odoo-contract.md §1-2) with the scenarios' own codec. The constant head
// of execute_kw (db, uid, secret) is encoded once per VU, and model and method with the request's
// parameters once per kind of call; each call encodes only its arguments.
import { CallFailure, faultSummary } from '../lib/call-failure.ts';
import { classifyFault, isCommittedUnmarshallable } from '../lib/fault-tags.ts';
import type { OdooVersion } from '../lib/odoo-version.ts';
import type { ScenarioTarget } from '../lib/scenario-env.ts';
import type { CallResult, CallTags, OdooTransport } from '../lib/transport.ts';
import {
  CALL_TAIL,
  XmlRpcDecodeError,
  decodeMethodResponse,
  encodeCallHead,
  encodeMethodCall,
  encodeParam,
  type XmlRpcValue,
} from '../lib/xmlrpc-codec.ts';
import { post, postParams, type PostParams } from './http-post.ts';

const HEADERS = { 'Content-Type': 'text/xml' };

export class XmlRpcTransport implements OdooTransport {
  readonly name = 'xmlrpc' as const;
  readonly #target: ScenarioTarget;
  readonly #timeout: string;
  readonly #objectUrl: string;
  #head = '';
  #headUid = -1;
  /** Encoded model and method params and the request's parameters, per "model method". */
  readonly #calls = new Map<string, { xml: string; params: PostParams }>();

  constructor(target: ScenarioTarget, timeout: string) {
    this.#target = target;
    this.#timeout = timeout;
    this.#objectUrl = `${target.url}/xmlrpc/2/object`;
  }

  version(): OdooVersion {
    const value = this.#call('common', 'version', encodeMethodCall('version', []), {
      model: 'common',
      method: 'version',
    });
    return value as OdooVersion;
  }

  authenticate(): number | false {
    const { db, user, secret } = this.#target;
    const body = encodeMethodCall('authenticate', [db, user, secret, {}]);
    const uid = this.#call('common', 'authenticate', body, {
      model: 'common',
      method: 'authenticate',
    });
    return typeof uid === 'number' ? uid : false;
  }

  executeKw(
    uid: number,
    model: string,
    method: string,
    args: unknown[],
    kwargs?: Record<string, unknown>,
  ): CallResult {
    if (uid !== this.#headUid) {
      this.#head =
        encodeCallHead('execute_kw') +
        encodeParam(this.#target.db) +
        encodeParam(uid) +
        encodeParam(this.#target.secret);
      this.#headUid = uid;
    }
    const key = model + ' ' + method;
    let call = this.#calls.get(key);
    if (call === undefined) {
      call = {
        xml: encodeParam(model) + encodeParam(method),
        params: postParams(HEADERS, { model, method }, this.#timeout),
      };
      this.#calls.set(key, call);
    }
    const body =
      this.#head +
      call.xml +
      encodeParam(args) +
      (kwargs === undefined ? '' : encodeParam(kwargs)) +
      CALL_TAIL;
    const res = post(this.#objectUrl, body, call.params);
    const decoded = this.#decode(res.status, res.body, `${model}.${method}`);
    if (decoded.kind === 'value') return { status: 'value', value: decoded.value };
    if (isCommittedUnmarshallable(decoded.faultCode, decoded.faultString))
      return { status: 'none' };
    throw this.#fault(`${model}.${method}`, decoded.faultCode, decoded.faultString);
  }

  #call(service: string, method: string, body: string, tags: CallTags): XmlRpcValue {
    const url = `${this.#target.url}/xmlrpc/2/${service}`;
    const res = post(url, body, postParams(HEADERS, tags, this.#timeout));
    const decoded = this.#decode(res.status, res.body, `${service}.${method}`);
    if (decoded.kind === 'fault') {
      throw this.#fault(`${service}.${method}`, decoded.faultCode, decoded.faultString);
    }
    return decoded.value;
  }

  #decode(
    status: number,
    body: string | null,
    call: string,
  ): ReturnType<typeof decodeMethodResponse> {
    // Odoo answers faults with HTTP 200 too; anything else is a proxy or a server that failed.
    if (status !== 200)
      throw new CallFailure('http', call, `HTTP ${status}, not an XML-RPC answer`);
    try {
      return decodeMethodResponse(body ?? '');
    } catch (error) {
      if (error instanceof XmlRpcDecodeError) {
        throw new CallFailure('http', call, `the answer is not XML-RPC (${error.message})`);
      }
      throw error;
    }
  }

  #fault(call: string, faultCode: number | string, faultString: string): CallFailure {
    const tag = classifyFault(faultCode, faultString);
    return new CallFailure(
      tag,
      call,
      `Odoo fault ${String(faultCode)} (${tag}): ${faultSummary(faultString)}`,
      faultCode,
    );
  }
}
