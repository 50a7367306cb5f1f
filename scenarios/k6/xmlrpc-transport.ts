// XML-RPC over /xmlrpc/2 (docs/odoo-api.md) with the scenarios' own codec; the constant head of
// execute_kw is encoded once per VU, so each call encodes only its arguments.
import { CallFailure, odooFault } from '../lib/call-failure.ts';
import { isCommittedUnmarshallable } from '../lib/fault-tags.ts';
import type { OdooVersion } from '../lib/odoo-version.ts';
import type { ScenarioTarget } from '../lib/scenario-env.ts';
import { callName, type CallResult, type CallTags, type OdooTransport } from '../lib/transport.ts';
import {
  CALL_TAIL,
  XmlRpcDecodeError,
  decodeMethodResponse,
  encodeCallHead,
  encodeMethodCall,
  encodeParam,
  encodeValue,
  type MethodResponse,
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
  /** The encoded head of the call up to its arguments, and the request's parameters, per "model method". */
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
      this.#calls.clear();
    }
    // Each string built costs k6's engine an allocation: one template per call, and the call's
    // name only for an error.
    const key = `${model} ${method}`;
    let call = this.#calls.get(key);
    if (call === undefined) {
      call = {
        xml: this.#head + encodeParam(model) + encodeParam(method),
        params: postParams(HEADERS, { model, method }, this.#timeout),
      };
      this.#calls.set(key, call);
    }
    const body =
      kwargs === undefined
        ? `${call.xml}<param>${encodeValue(args, 'args')}</param>${CALL_TAIL}`
        : `${call.xml}<param>${encodeValue(args, 'args')}</param><param>${encodeValue(kwargs, 'kwargs')}</param>${CALL_TAIL}`;
    const decoded = this.#decode(post(this.#objectUrl, body, call.params), call.params.tags);
    // A value passes on as it is: MethodResponse's value form is CallResult's.
    if (decoded.status === 'value') return decoded;
    if (isCommittedUnmarshallable(decoded.faultCode, decoded.faultString))
      return { status: 'none' };
    throw odooFault(callName(call.params.tags), decoded.faultCode, decoded.faultString);
  }

  #call(service: string, method: string, body: string, tags: CallTags): XmlRpcValue {
    const url = `${this.#target.url}/xmlrpc/2/${service}`;
    const decoded = this.#decode(post(url, body, postParams(HEADERS, tags, this.#timeout)), tags);
    if (decoded.status === 'fault') {
      throw odooFault(`${service}.${method}`, decoded.faultCode, decoded.faultString);
    }
    return decoded.value;
  }

  #decode(res: { status: number; body: string | null }, tags: CallTags): MethodResponse {
    // Odoo answers faults with HTTP 200 too; anything else is a proxy or a server that failed.
    const status = res.status;
    if (status !== 200) {
      throw new CallFailure('http', callName(tags), `HTTP ${status}, not an XML-RPC answer`);
    }
    try {
      return decodeMethodResponse(res.body ?? '');
    } catch (error) {
      if (error instanceof XmlRpcDecodeError) {
        throw new CallFailure(
          'http',
          callName(tags),
          `the answer is not XML-RPC (${error.message})`,
        );
      }
      throw error;
    }
  }
}
