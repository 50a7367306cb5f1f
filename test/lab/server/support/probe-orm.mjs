// A small ORM behind the lab's seam (src/lab/contract.ts), for testing the server's mechanics
// (workers, limits, retries, faults, auth) on real PostgreSQL without depending on the full ORM.
// Plain ESM so the compiled workers can load it; it imports the compiled exceptions so that
// `instanceof` in the worker sees the same classes.
import { UserError } from '../../../../dist/src/lab/exceptions.js';
import {
  hashSecret,
  PASSWORD_ROUNDS,
  API_KEY_ROUNDS,
} from '../../../../dist/src/lab/orm/password-hash.js';

/** A fixed API key for admin, so tests can authenticate with a key too. */
export const PROBE_API_KEY = 'probekey0123456789abcdef0123456789abcdef';

const models = {
  'res.partner': {
    async create(env, [vals]) {
      const list = Array.isArray(vals) ? vals : [vals];
      const ids = [];
      for (const v of list) {
        const r = await env.cr.query(
          'INSERT INTO res_partner (name, ref) VALUES ($1, $2) RETURNING id',
          [v.name ?? null, v.ref ?? null],
        );
        ids.push(r.rows[0].id);
      }
      return Array.isArray(vals) ? ids : ids[0];
    },
    async read(env, [ids]) {
      const r = await env.cr.query(
        'SELECT id, name, ref FROM res_partner WHERE id = ANY($1) ORDER BY id',
        [ids],
      );
      return r.rows.map((row) => ({ ...row, ref: row.ref ?? false }));
    },
    async write(env, [ids, vals]) {
      await env.cr.query('UPDATE res_partner SET name = $2 WHERE id = ANY($1)', [ids, vals.name]);
      return true;
    },
    async search_count(env, [domain]) {
      const ref = domain?.[0]?.[2];
      const r = await env.cr.query(
        'SELECT count(*)::int AS n FROM res_partner WHERE $1::text IS NULL OR ref = $1',
        [ref ?? null],
      );
      return r.rows[0].n;
    },
  },
  'sale.order': {
    async action_confirm() {
      throw new UserError('The following orders are not in a state requiring confirmation: S00001');
    },
  },
  'lab.probe': {
    /** Holds the transaction (and the worker) for `seconds`, after writing a marker row. */
    async hold(env, [seconds, marker]) {
      if (marker)
        await env.cr.query('INSERT INTO res_partner (name, ref) VALUES ($1, $1)', [marker]);
      await env.cr.query('SELECT pg_sleep($1)', [seconds]);
      return true;
    },
    /** Updates one row, then holds its lock for `seconds`: concurrent callers meet 40001. */
    async bump(env, [id, seconds]) {
      await env.cr.query("UPDATE res_partner SET name = name || '+' WHERE id = $1", [id]);
      await env.cr.query('SELECT pg_sleep($1)', [seconds]);
      return true;
    },
    async returns_none(env, [marker]) {
      await env.cr.query('INSERT INTO res_partner (name, ref) VALUES ($1, $1)', [marker]);
      return undefined;
    },
    async returns_big() {
      return 2 ** 31;
    },
    /** A bug that leaves a rejected promise nobody awaits, and an exception thrown later. */
    async stray_errors() {
      void Promise.reject(new Error('stray rejection from a method'));
      globalThis.setTimeout(() => {
        throw new Error('stray exception from a method');
      }, 0);
      return true;
    },
    async returns_text() {
      return {
        text: 'a\u0001b\tc',
        when: new Date(Date.UTC(2026, 10, 23, 7, 37, 17)),
        price: 10.5,
      };
    },
    async violates_not_null(env) {
      await env.cr.query('INSERT INTO res_partner (name) VALUES (NULL)');
      return true;
    },
    async crashes() {
      return undefined.nothing;
    },
    async context(env) {
      return env.context;
    },
  },
};

export const orm = {
  hasModel: (model) => model in models || model === 'res.users',
  hasMethod: (model, method) => Boolean(models[model]?.[method]),
  callKw: (env, model, method, args, kwargs) => models[model][method](env, args, kwargs),
  async bootstrap(client, { adminPassword }) {
    await client.query(`
      CREATE TABLE res_users (id serial PRIMARY KEY, login varchar NOT NULL UNIQUE,
        password varchar, active boolean NOT NULL DEFAULT true);
      CREATE TABLE res_users_apikeys (id serial PRIMARY KEY, name varchar NOT NULL,
        user_id integer NOT NULL REFERENCES res_users(id), scope varchar, index varchar(8) NOT NULL,
        key varchar NOT NULL, create_date timestamp DEFAULT now());
      CREATE TABLE res_partner (id serial PRIMARY KEY, name varchar NOT NULL, ref varchar);
      INSERT INTO res_users (id, login, active) VALUES (1, '__system__', false);
      SELECT setval('res_users_id_seq', 1);`);
    await client.query('INSERT INTO res_users (id, login, password) VALUES (2, $1, $2)', [
      'admin',
      await hashSecret(adminPassword, PASSWORD_ROUNDS),
    ]);
    await client.query("SELECT setval('res_users_id_seq', 2)");
    await client.query(
      "INSERT INTO res_users_apikeys (name, user_id, scope, index, key) VALUES ('probe', 2, NULL, $1, $2)",
      [PROBE_API_KEY.slice(0, 8), await hashSecret(PROBE_API_KEY, API_KEY_ROUNDS)],
    );
    await client.query("INSERT INTO res_partner (name, ref) VALUES ('Hot row', 'HOT')");
  },
};
