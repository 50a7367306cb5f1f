// Authentication as Odoo's res.users does it (docs/odoo-api.md, "Endpoints"), per worker: hashed
// passwords and API keys, a per-process `check` cache, and the login cooldown.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../../core/logger.js';
import { AccessDenied } from '../exceptions.js';
import { API_KEY_INDEX_SIZE, verifySecret } from '../orm/password-hash.js';

export interface AuthPolicy {
  /** base.login_cooldown_after (10 on a new Odoo database). */
  cooldownAfter: number;
  /** base.login_cooldown_duration in seconds (60). */
  cooldownSeconds: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = { cooldownAfter: 10, cooldownSeconds: 60 };

type Queryable = Pick<pg.Pool, 'query'>;

/** Failed logins from one source (`db\0ip`) since its last success; `last` in epoch ms. */
export interface LoginFailures {
  count: number;
  last: number;
}

// Kept by the master and handed to a replacement worker: killing a worker never resets a cooldown.
export interface FailureStore {
  /** The counts a previous worker in this slot left. */
  initial?: readonly (readonly [string, LoginFailures])[];
  /** Called on each change; `undefined` when a success forgets the source. */
  onChange?(source: string, failures: LoginFailures | undefined): void;
}

export class Authenticator {
  readonly #policy: AuthPolicy;
  readonly #log: Logger;
  readonly #verified = new Set<string>();
  readonly #keyUsers = new Map<string, number>();
  readonly #failures: Map<string, LoginFailures>;
  readonly #onChange: NonNullable<FailureStore['onChange']>;

  constructor(policy: AuthPolicy, log: Logger, store: FailureStore = {}) {
    this.#policy = policy;
    this.#log = log;
    this.#failures = new Map(store.initial);
    this.#onChange = store.onChange ?? (() => {});
  }

  /** res.users.authenticate: the uid, or AccessDenied (which common.authenticate turns into False). */
  async authenticate(
    db: Queryable,
    dbName: string,
    login: string,
    password: string,
    ip: string,
  ): Promise<number> {
    try {
      if (!password) throw new AccessDenied();
      const uid = await this.#guarded(dbName, ip, async () => {
        const found = await db.query<{ id: number }>(
          'SELECT id FROM res_users WHERE login = $1 AND active ORDER BY id LIMIT 1',
          [login],
        );
        const uid = found.rows[0]?.id;
        if (uid === undefined) throw new AccessDenied();
        await this.#checkCredentials(db, uid, password);
        return uid;
      });
      this.#log.info(`Login successful for db:${dbName} login:${login} from ${ip}`);
      return uid;
    } catch (error) {
      if (error instanceof AccessDenied)
        this.#log.info(`Login failed for db:${dbName} login:${login} from ${ip}`);
      throw error;
    }
  }

  /** res.users.check: returns when (uid, secret) may call, else throws AccessDenied. */
  async check(
    db: Queryable,
    dbName: string,
    uid: number,
    secret: string,
    ip: string,
  ): Promise<void> {
    if (!secret) throw new AccessDenied();
    const key = `${dbName}\0${uid}\0${createHash('sha256').update(secret).digest('hex')}`;
    if (this.#verified.has(key)) return;
    await this.#guarded(dbName, ip, async () => {
      const user = await db.query<{ active: boolean }>(
        'SELECT active FROM res_users WHERE id = $1',
        [uid],
      );
      if (!user.rows[0]?.active) throw new AccessDenied();
      await this.#checkCredentials(db, uid, secret);
    });
    this.#verified.add(key);
  }

  /**
   * The user of a bearer API key, as Odoo 19's JSON-2 finds it (res.users.apikeys
   * _check_credentials, scope rpc): a global or rpc key of an active user (the lab's keys never
   * expire; 16 and 17 have no expiration date). Cached
   * per (db, key) like `check`; a refusal is AccessDenied and counts toward no cooldown.
   */
  async userOfKey(db: Queryable, dbName: string, key: string): Promise<number> {
    const cacheKey = `${dbName}\0key\0${createHash('sha256').update(key).digest('hex')}`;
    const cached = this.#keyUsers.get(cacheKey);
    if (cached !== undefined) return cached;
    const rows = await db.query<{ user_id: number; key: string }>(
      `SELECT k.user_id, k.key FROM res_users_apikeys k JOIN res_users u ON u.id = k.user_id
        WHERE u.active AND k.index = $1 AND (k.scope IS NULL OR k.scope = 'rpc')`,
      [key.slice(0, API_KEY_INDEX_SIZE)],
    );
    for (const row of rows.rows) {
      if (await verifySecret(key, row.key)) {
        this.#keyUsers.set(cacheKey, row.user_id);
        return row.user_id;
      }
    }
    throw new AccessDenied();
  }

  /** _check_credentials for a non-interactive call: the password, else a global API key. */
  async #checkCredentials(db: Queryable, uid: number, secret: string): Promise<void> {
    const stored = await db.query<{ password: string | null }>(
      'SELECT password FROM res_users WHERE id = $1',
      [uid],
    );
    const hash = stored.rows[0]?.password;
    if (hash && (await verifySecret(secret, hash))) return;
    const keys = await db.query<{ user_id: number; key: string }>(
      `SELECT k.user_id, k.key FROM res_users_apikeys k JOIN res_users u ON u.id = k.user_id
        WHERE u.active AND k.index = $1 AND k.scope IS NULL`,
      [secret.slice(0, API_KEY_INDEX_SIZE)],
    );
    for (const row of keys.rows) {
      if (row.user_id === uid && (await verifySecret(secret, row.key))) return;
    }
    throw new AccessDenied();
  }

  /** _assert_can_auth: refuse during the cooldown, count failures, forget them on success. */
  async #guarded<T>(dbName: string, ip: string, attempt: () => Promise<T>): Promise<T> {
    const source = `${dbName}\0${ip}`;
    const previous = this.#failures.get(source);
    if (
      this.#policy.cooldownAfter > 0 &&
      previous &&
      previous.count >= this.#policy.cooldownAfter &&
      Date.now() - previous.last < this.#policy.cooldownSeconds * 1000
    ) {
      this.#log.warn(
        `Login attempt ignored for ${ip} on ${dbName}: ${previous.count} failures since last success`,
      );
      throw new AccessDenied('Too many login failures, please wait a bit before trying again.');
    }
    try {
      const result = await attempt();
      if (this.#failures.delete(source)) this.#onChange(source, undefined);
      return result;
    } catch (error) {
      if (error instanceof AccessDenied) {
        const failures = { count: (previous?.count ?? 0) + 1, last: Date.now() };
        this.#failures.set(source, failures);
        this.#onChange(source, failures);
      }
      throw error;
    }
  }
}
