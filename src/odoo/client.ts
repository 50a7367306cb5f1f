// The Node-side Odoo client: authenticate once, then execute_kw with args, kwargs and context.
// Used by doctor, seed and the tests; the k6 side has its own in scenarios/k6.
import { BadInputError } from '../core/errors.js';
import type { OdooTarget, TransportName } from '../core/target.js';
import { Json2Transport } from './json2-transport.js';
import type { CallOutcome, OdooTransport, OdooVersionInfo } from './transport.js';
import { XmlRpcTransport } from './xmlrpc-transport.js';

export type { TransportName };

export interface ExecuteOptions {
  kwargs?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

export function createTransport(
  name: TransportName,
  url: string,
  timeoutMs?: number,
): OdooTransport {
  return name === 'json2'
    ? new Json2Transport({ url, timeoutMs })
    : new XmlRpcTransport({ url, timeoutMs });
}

export class OdooClient {
  readonly target: OdooTarget;
  readonly transport: OdooTransport;
  #uid: number | undefined;

  constructor(
    target: OdooTarget,
    transport: OdooTransport = createTransport(target.transport ?? 'xmlrpc', target.url),
  ) {
    this.target = target;
    this.transport = transport;
  }

  version(): Promise<OdooVersionInfo> {
    return this.transport.version();
  }

  /** Authenticates once and remembers the uid. Wrong credentials are bad input (exit 2). */
  async authenticate(): Promise<number> {
    if (this.#uid !== undefined) return this.#uid;
    const uid = await this.transport.authenticate(
      this.target.db,
      this.target.user,
      this.target.secret,
    );
    if (uid === false) {
      throw new BadInputError(
        `authenticate: Odoo refused user "${this.target.user}" on database "${this.target.db}"`,
        {
          hint:
            this.transport.name === 'json2'
              ? 'JSON-2 takes an API key (ODOO_API_KEY), not a password; check it and ODOO_USER.'
              : `Check ODOO_USER and ${this.target.secretKind === 'api_key' ? 'ODOO_API_KEY' : 'ODOO_PASSWORD'}, and that ODOO_DB exists.`,
        },
      );
    }
    this.#uid = uid;
    return uid;
  }

  /** Calls model.method; the outcome says whether Odoo returned a value or committed without one. */
  async executeKw<T>(
    model: string,
    method: string,
    args: unknown[] = [],
    options: ExecuteOptions = {},
  ): Promise<CallOutcome<T>> {
    const uid = await this.authenticate();
    const kwargs = { ...(options.kwargs ?? {}) };
    if (options.context) kwargs.context = options.context;
    return this.transport.executeKw<T>({
      db: this.target.db,
      uid,
      secret: this.target.secret,
      model,
      method,
      args,
      kwargs,
    });
  }

  /** Like executeKw, for calls that always return a value; a committed-unmarshallable outcome is an error. */
  async call<T>(
    model: string,
    method: string,
    args: unknown[] = [],
    options: ExecuteOptions = {},
  ): Promise<T> {
    const outcome = await this.executeKw<T>(model, method, args, options);
    if (outcome.status === 'returned') return outcome.value;
    throw new BadInputError(
      `${model}.${method}: ${outcome.detail}; re-read the records to see its effect`,
    );
  }
}
