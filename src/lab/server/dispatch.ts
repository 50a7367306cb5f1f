// One worker's handling of one XML-RPC request, as Odoo's rpc.py and odoo/service/*.py do it;
// every failure becomes the fault Odoo would send, nothing throws to the caller.
import type pg from 'pg';
import type { Logger } from '../../core/logger.js';
import type { LabEnv, LabOrm } from '../contract.js';
import { AccessDenied, AccessError, ApplicationError, UserError } from '../exceptions.js';
import type { Authenticator } from './auth.js';
import { decodeCall, encodeFault, encodeResponse } from './codec.js';
import { burnCpu, costKey, type CostModel } from './cost-profile.js';
import { intFault, stringFault } from './faults.js';
import { INTERNAL_SERVER_ERROR, METHOD_NOT_ALLOWED, NOT_FOUND, routePath } from './http.js';
import { handleJson2, isJson2Path, type Json2Deps } from './json2.js';
import type { RequestStats, RpcRequest, RpcResponse } from './messages.js';
import { isPgError } from './pg-errors.js';
import { FRAMES, type Frame } from './traceback.js';
import { retryLogLine, retrying } from './transaction.js';
import { versionInfo, type LabIdentity } from './version.js';

/** One request as it goes through the stages: what it is, where it is, what it did. */
interface RequestScope {
  request: RpcRequest;
  /** Dispatch stages passed so far, for a fault's traceback. */
  frames: Frame[];
  stats: RequestStats;
  /** performance.now() when the worker received the request. */
  receivedAt: number;
  /** A call that ran without retries: its method and burn times, for the cost model. */
  ran?: { model: string; method: string; methodMs: number; burnedMs: number };
}

export interface DispatchDeps {
  orm: LabOrm;
  pool(db: string): pg.Pool;
  auth: Authenticator;
  cost: CostModel;
  identity: LabIdentity;
  /** The tenant databases this lab serves. */
  databases: readonly string[];
  /** host:port of PostgreSQL, for the OperationalError of an unknown database. */
  pgEndpoint: { host: string; port: number };
  log: Logger;
}

const XML = 'text/xml; charset=utf-8';
/** On the decoded path (http.ts routePath), as werkzeug's `<service>` converter matches. */
const ROUTE = /^\/xmlrpc\/(2\/)?([^/]+)\/?$/;
const PRIVATE_METHOD = /^(_.*|init)$/;

function pyRepr(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return 'dict';
}

/** Python's TypeError for a call with the wrong number of positional arguments. */
function checkArity(func: string, params: unknown[], required: string[], optional = 0): void {
  const max = required.length + optional;
  if (params.length < required.length) {
    const missing = required.slice(params.length).map((n) => `'${n}'`);
    const plural = missing.length > 1 ? 's' : '';
    throw new ApplicationError(
      'TypeError',
      `${func}() missing ${missing.length} required positional argument${plural}: ${missing.join(' and ')}`,
    );
  }
  if (params.length > max) {
    const range = optional ? `from ${required.length} to ${max}` : String(max);
    throw new ApplicationError(
      'TypeError',
      `${func}() takes ${range} positional arguments but ${params.length} were given`,
    );
  }
}

/** Python's int(x) on the uid argument. */
function toUid(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
  if (typeof value === 'string')
    throw new ApplicationError(
      'ValueError',
      `invalid literal for int() with base 10: ${pyRepr(value)}`,
    );
  throw new ApplicationError(
    'TypeError',
    `int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(value)}'`,
  );
}

/**
 * The body Odoo's XML-RPC route reads: its http dispatcher parses a form body into the request's
 * parameters first (odoo/http.py get_http_params), so with a form content type (curl's default
 * for --data) `get_data()` is empty and the call an ExpatError.
 */
function rpcBody(request: RpcRequest): string {
  const type = request.headers?.contentType?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data'
    ? ''
    : request.body;
}

export class Dispatcher {
  readonly #deps: DispatchDeps;

  constructor(deps: DispatchDeps) {
    this.#deps = deps;
  }

  /** Answers every request: a failure outside the RPC's own handling is werkzeug's 500. */
  async handle(request: RpcRequest): Promise<{ response: RpcResponse; stats: RequestStats }> {
    const receivedAt = performance.now();
    const stats: RequestStats = { retries: {} };
    try {
      return { response: await this.#route(request, stats, receivedAt), stats };
    } catch (error) {
      this.#deps.log.error(
        `${request.httpMethod} ${JSON.stringify(request.path.slice(0, 200))}: HTTP 500: ${(error as Error)?.message ?? String(error)}`,
      );
      stats.fault = 'HTTP 500';
      return { response: INTERNAL_SERVER_ERROR, stats };
    }
  }

  async #route(request: RpcRequest, stats: RequestStats, receivedAt: number): Promise<RpcResponse> {
    const path = routePath(request.path);
    if (path === '/web/webclient/version_info') {
      // The JSON-RPC route every series serves without a login (the JSON-2 client reads it).
      const result = versionInfo(this.#deps.identity);
      const body = JSON.stringify({ jsonrpc: '2.0', id: null, result });
      return { status: 200, contentType: 'application/json', body };
    }
    if (this.#deps.identity.json2 && isJson2Path(path)) {
      return handleJson2(path, request, this.#json2Deps(request, stats, receivedAt), stats);
    }
    const route = ROUTE.exec(path);
    if (!route) return NOT_FOUND;
    if (request.httpMethod !== 'POST') return METHOD_NOT_ALLOWED;
    const modern = route[1] !== undefined;
    const service = route[2]!;
    const frames: Frame[] = [FRAMES.rpc];
    let afterCommit = false;
    try {
      frames.push(FRAMES.loads);
      const call = await decodeCall(rpcBody(request));
      frames.pop();
      frames.push(FRAMES.dispatchRpc);
      const scope: RequestScope = { request, frames, stats, receivedAt };
      const result = await this.#dispatch(service, call.method, call.params, scope);
      afterCommit = true;
      frames.splice(1, frames.length - 1, FRAMES.marshal);
      const body = encodeResponse(result);
      if (scope.ran) this.#recordOwnTime(scope.ran, scope);
      return { status: 200, contentType: XML, body };
    } catch (error) {
      const fault = modern ? intFault(error, frames) : stringFault(error, frames);
      stats.fault = fault.faultCode;
      this.#logFault(service, error, fault.faultCode, afterCommit);
      return {
        status: 200,
        contentType: XML,
        body: encodeFault(fault.faultCode, fault.faultString),
      };
    }
  }

  /** The worker's own time besides method and burns; the master adds its part (master.ts). */
  #recordOwnTime(ran: NonNullable<RequestScope['ran']>, scope: RequestScope): void {
    const { model, method, methodMs, burnedMs } = ran;
    const workerMs = performance.now() - scope.receivedAt;
    this.#deps.cost.recordOverhead(model, method, workerMs - methodMs - burnedMs);
    scope.stats.cost = { key: costKey(model, method), workerMs };
  }

  /** JSON-2's way into the same checks and retried transaction as execute_kw. */
  #json2Deps(request: RpcRequest, stats: RequestStats, receivedAt: number): Json2Deps {
    const { orm, auth } = this.#deps;
    return {
      databases: this.#deps.databases,
      hasModel: (model) => orm.hasModel(model),
      methodApi: (model, method) => orm.methodApi?.(model, method),
      userOfKey: (db, key) => auth.userOfKey(this.#deps.pool(db), db, key),
      execute: (db, uid, model, method, args, kwargs) =>
        this.#execute(this.#deps.pool(db), db, uid, model, method, args, kwargs, {
          request,
          frames: [FRAMES.rpc],
          stats,
          receivedAt,
        }),
    };
  }

  #logFault(service: string, error: unknown, code: number | string, afterCommit: boolean): void {
    const log = this.#deps.log;
    if (
      code === 1 ||
      (typeof code === 'string' && !code.startsWith('warning') && code !== 'AccessDenied')
    ) {
      const where = afterCommit ? ' (after commit: the call was applied)' : '';
      log.error(`${service}: fault 1${where}: ${(error as Error).message ?? String(error)}`);
      if (!(error instanceof ApplicationError) && !isPgError(error) && error instanceof Error) {
        log.debug(error.stack ?? '');
      }
    } else {
      log.debug(`${service}: fault ${String(code)}: ${(error as Error).message}`);
    }
  }

  #dispatch(
    service: string,
    method: string,
    params: unknown[],
    scope: RequestScope,
  ): Promise<unknown> {
    const { request, frames } = scope;
    switch (service) {
      case 'common':
        frames.push(FRAMES.common);
        return this.#common(method, params, request);
      case 'db':
        frames.push(FRAMES.db);
        return this.#db(method, params);
      case 'object':
        frames.push(FRAMES.object);
        return this.#object(method, params, scope);
      default:
        throw new ApplicationError('KeyError', pyRepr(service));
    }
  }

  /** odoo.registry(db): the tenant's pool, or psycopg2's OperationalError for any other name. */
  #registry(db: unknown): pg.Pool {
    if (typeof db !== 'string' || !this.#deps.databases.includes(db)) {
      const { host, port } = this.#deps.pgEndpoint;
      throw new ApplicationError(
        'psycopg2.OperationalError',
        `connection to server at "${host}", port ${port} failed: FATAL:  database "${String(db)}" does not exist`,
      );
    }
    return this.#deps.pool(db);
  }

  async #common(method: string, params: unknown[], request: RpcRequest): Promise<unknown> {
    switch (method) {
      case 'version':
        checkArity('exp_version', params, []);
        return versionInfo(this.#deps.identity);
      case 'about':
        checkArity('exp_about', params, [], 1);
        return params[0]
          ? ['See http://openerp.com', this.#deps.identity.serie]
          : 'See http://openerp.com';
      case 'login':
        checkArity('exp_login', params, ['db', 'login', 'password']);
        return this.#authenticate(params[0], params[1], params[2], request);
      case 'authenticate':
        checkArity('exp_authenticate', params, ['db', 'login', 'password', 'user_agent_env']);
        return this.#authenticate(params[0], params[1], params[2], request);
      default:
        throw new ApplicationError('Exception', `Method not found: ${method}`);
    }
  }

  async #authenticate(db: unknown, login: unknown, password: unknown, request: RpcRequest) {
    const pool = this.#registry(db);
    try {
      return await this.#deps.auth.authenticate(
        pool,
        db as string,
        String(login),
        typeof password === 'string' ? password : '',
        request.ip,
      );
    } catch (error) {
      if (error instanceof AccessDenied) return false;
      throw error;
    }
  }

  async #db(method: string, params: unknown[]): Promise<unknown> {
    switch (method) {
      case 'list':
        checkArity('exp_list', params, [], 1);
        return [...this.#deps.databases].sort();
      case 'db_exist':
        checkArity('exp_db_exist', params, ['db_name']);
        return this.#deps.databases.includes(params[0] as string);
      case 'server_version':
        checkArity('exp_server_version', params, []);
        return this.#deps.identity.serie;
      case 'list_lang':
        return [['en_US', 'English (US)']];
      case 'create_database':
      case 'duplicate_database':
      case 'drop':
      case 'dump':
      case 'restore':
      case 'rename':
      case 'change_admin_password':
      case 'migrate_databases':
        // The lab has no master password: every super-user call fails check_super.
        throw new AccessDenied();
      default:
        throw new ApplicationError('KeyError', `'Method not found: ${method}'`);
    }
  }

  async #object(method: string, params: unknown[], scope: RequestScope): Promise<unknown> {
    const { request, frames } = scope;
    if (params.length < 3) throw new ApplicationError('IndexError', 'list index out of range');
    const [db, rawUid, secret] = params;
    const uid = toUid(rawUid);
    frames.push(FRAMES.registry);
    const pool = this.#registry(db);
    frames.pop();
    await this.#deps.auth.check(
      pool,
      db as string,
      uid,
      typeof secret === 'string' ? secret : '',
      request.ip,
    );
    let model: unknown;
    let name: unknown;
    let args: unknown;
    let kwargs: unknown;
    if (method === 'execute_kw') {
      const rest = params.slice(3);
      checkArity('execute_kw', [db, uid, ...rest], ['db', 'uid', 'obj', 'method', 'args'], 1);
      [model, name, args, kwargs] = rest;
    } else if (method === 'execute') {
      checkArity('execute', [db, uid, ...params.slice(3, 5)], ['db', 'uid', 'obj', 'method']);
      [model, name] = params.slice(3, 5);
      args = params.slice(5);
    } else {
      throw new ApplicationError('NameError', `Method not available ${method}`);
    }
    if (!Array.isArray(args)) {
      throw new ApplicationError(
        'TypeError',
        `odoo.service.model.execute() argument after * must be an iterable, not ${pyTypeName(args)}`,
      );
    }
    if (kwargs === undefined || kwargs === null || kwargs === false) kwargs = {};
    if (typeof kwargs !== 'object' || Array.isArray(kwargs)) {
      throw new ApplicationError(
        'TypeError',
        `odoo.service.model.execute() argument after ** must be a mapping, not ${pyTypeName(kwargs)}`,
      );
    }
    frames.push(FRAMES.execute);
    return this.#execute(
      pool,
      db as string,
      uid,
      String(model),
      String(name),
      args,
      kwargs as Record<string, unknown>,
      scope,
    );
  }

  async #execute(
    pool: pg.Pool,
    db: string,
    uid: number,
    model: string,
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown>,
    scope: RequestScope,
  ): Promise<unknown> {
    const { orm, cost, log } = this.#deps;
    const { frames, stats } = scope;
    if (!orm.hasModel(model)) throw new UserError(`Object ${model} doesn't exist`);
    if (PRIVATE_METHOD.test(method)) {
      throw new AccessError(
        `Private methods (such as '${model}.${method}') cannot be called remotely.`,
      );
    }
    if (!orm.hasMethod(model, method)) {
      frames.push(FRAMES.publicMethod);
      throw new ApplicationError(
        'AttributeError',
        `The method '${model}.${method}' does not exist`,
      );
    }
    const { context, ...methodKwargs } = kwargs;
    const client = await pool.connect();
    let burnedMs = 0;
    let methodMs = 0;
    let broken: Error | undefined;
    try {
      frames.push(FRAMES.retrying, FRAMES.callKw);
      const { value, retries } = await retrying(
        client,
        async () => {
          const env: LabEnv = {
            cr: client,
            uid,
            db,
            context:
              context && typeof context === 'object' ? (context as Record<string, unknown>) : {},
            serie: this.#deps.identity.serie,
          };
          // Odoo's first statement of a call reads the records it was called on, so the
          // REPEATABLE READ snapshot dates from the call's start, before its Python work: a row
          // another call commits meanwhile fails this one's later lock with 40001.
          await client.query('SELECT 1');
          const before = cost.before(model, method);
          const t0 = performance.now();
          burnCpu(before);
          const t1 = performance.now();
          const result = await orm.callKw(env, model, method, [...args], { ...methodKwargs });
          const t2 = performance.now();
          burnCpu(cost.after(model, method, t2 - t1, before));
          methodMs = t2 - t1;
          burnedMs = t1 - t0 + (performance.now() - t2);
          return result;
        },
        {
          onRetry: (event) => {
            stats.retries[event.code] = (stats.retries[event.code] ?? 0) + 1;
            log.info(retryLogLine(event));
          },
          onGiveUp: (code) => log.info(`${code}, maximum number of tries reached!`),
          constraintMessage: (constraint) => orm.sqlConstraintMessage?.(constraint),
        },
      );
      if (retries === 0) {
        scope.ran = { model, method, methodMs, burnedMs };
      }
      if (value === undefined || value === null) {
        log.info(`The method ${method} of the object ${model} can not return \`None\`!`);
      }
      return value;
    } catch (error) {
      if (isPgError(error) && error.code.startsWith('08')) broken = error;
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
