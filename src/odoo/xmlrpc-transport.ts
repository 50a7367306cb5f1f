// XML-RPC transport over Odoo's /xmlrpc/2 routes, using the `xmlrpc` package for the wire format.
import xmlrpc from 'xmlrpc';
import { UnreachableError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import { OdooFault, classifyFault, isCommittedUnmarshallable } from './faults.js';
import type { CallOutcome, ExecuteKwCall, OdooTransport, OdooVersionInfo } from './transport.js';

export interface XmlRpcTransportOptions {
  /** Odoo's web address, e.g. http://127.0.0.1:8069 (no /xmlrpc suffix). */
  url: string;
  /** Per-call timeout in milliseconds; Odoo's own limit_time_real defaults to 120 s. */
  timeoutMs?: number;
}

type Service = 'common' | 'object' | 'db';

interface XmlRpcError extends Error {
  code?: string | number;
  faultCode?: number | string;
  faultString?: string;
  res?: { statusCode?: number };
}

/** Odoo 16/17 reject <dateTime.iso8601>; send dates as "YYYY-MM-DD HH:MM:SS" UTC strings. */
function toOdooWire(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().slice(0, 19).replace('T', ' ');
  if (Array.isArray(value)) return value.map(toOdooWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toOdooWire(v)]),
    );
  }
  return value;
}

export class XmlRpcTransport implements OdooTransport {
  readonly name = 'xmlrpc' as const;
  readonly #base: URL;
  readonly #timeoutMs: number;

  constructor(options: XmlRpcTransportOptions) {
    this.#base = new URL(options.url);
    this.#timeoutMs = options.timeoutMs ?? 130_000;
  }

  async version(): Promise<OdooVersionInfo> {
    return (await this.#call('common', 'version', [])) as OdooVersionInfo;
  }

  async authenticate(db: string, login: string, secret: Secret): Promise<number | false> {
    const uid = await this.#call('common', 'authenticate', [db, login, secret.reveal(), {}]);
    return typeof uid === 'number' ? uid : false;
  }

  async offered(): Promise<boolean> {
    return this.version().then(
      () => true,
      () => false,
    );
  }

  async listDatabases(): Promise<string[]> {
    return (await this.#call('db', 'list', [])) as string[];
  }

  async executeKw<T>(call: ExecuteKwCall): Promise<CallOutcome<T>> {
    const params: unknown[] = [
      call.db,
      call.uid,
      call.secret.reveal(),
      call.model,
      call.method,
      call.args,
    ];
    if (call.kwargs && Object.keys(call.kwargs).length > 0) params.push(call.kwargs);
    try {
      return {
        status: 'returned',
        value: (await this.#call(
          'object',
          'execute_kw',
          params,
          `${call.model}.${call.method}`,
        )) as T,
      };
    } catch (error) {
      if (
        error instanceof OdooFault &&
        isCommittedUnmarshallable(error.faultCode, error.faultString)
      ) {
        return {
          status: 'committed-unmarshallable',
          detail: 'Odoo committed the call but could not marshal its return value (None)',
        };
      }
      throw error;
    }
  }

  #call(
    service: Service,
    method: string,
    params: unknown[],
    label = `${service}.${method}`,
  ): Promise<unknown> {
    const endpoint = new URL(
      `xmlrpc/2/${service}`,
      this.#base.href.endsWith('/') ? this.#base : `${this.#base.href}/`,
    );
    const secure = endpoint.protocol === 'https:';
    const options = {
      host: endpoint.hostname,
      port: Number(endpoint.port || (secure ? 443 : 80)),
      path: endpoint.pathname,
      signal: AbortSignal.timeout(this.#timeoutMs),
    };
    const client = secure ? xmlrpc.createSecureClient(options) : xmlrpc.createClient(options);
    return new Promise((resolve, reject) => {
      client.methodCall(
        method,
        toOdooWire(params) as unknown[],
        (raw: object | null, value: unknown) => {
          const error = raw as XmlRpcError | null;
          if (!error) return resolve(value);
          if (error.faultCode !== undefined) {
            return reject(classifyFault(label, error.faultCode, error.faultString ?? ''));
          }
          reject(this.#transportError(label, endpoint, error));
        },
      );
    });
  }

  #transportError(label: string, endpoint: URL, error: XmlRpcError): UnreachableError {
    const where = `${label} at ${endpoint.origin}${endpoint.pathname}`;
    const status = error.res?.statusCode;
    if (error.name === 'AbortError' || error.name === 'TimeoutError') {
      return new UnreachableError(`${where}: no answer within ${this.#timeoutMs / 1000} s`, {
        hint: 'The server is overloaded or hung; Odoo kills requests after limit_time_real.',
        cause: error,
      });
    }
    if (status !== undefined && status !== 200) {
      return new UnreachableError(`${where}: HTTP ${status}, not an XML-RPC answer`, {
        hint:
          status === 404
            ? 'Is this the Odoo web address? The URL must not include /xmlrpc.'
            : 'A proxy or the server failed.',
        cause: error,
      });
    }
    if (typeof error.code === 'string' && /^E[A-Z]+/.test(error.code)) {
      return new UnreachableError(`${where}: ${error.code}`, {
        hint:
          error.code === 'ECONNREFUSED'
            ? 'Nothing listens there: start the server or fix ODOO_URL / --url.'
            : 'Check the address and the network.',
        cause: error,
      });
    }
    return new UnreachableError(`${where}: the answer is not valid XML-RPC (${error.message})`, {
      hint: 'Is this an Odoo server? Check ODOO_URL / --url.',
      cause: error,
    });
  }
}
