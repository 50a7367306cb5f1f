// An API key of the real Odoo's admin for one test run, stored through PostgreSQL as
// res.users.apikeys._generate stores one (Odoo makes keys only in an interactive session).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  API_KEY_INDEX_SIZE,
  API_KEY_ROUNDS,
  hashSecret,
} from '../../../src/lab/orm/password-hash.js';
import type { RealOdoo } from './real-odoo.js';

export async function createApiKey(odoo: RealOdoo, uid = 2): Promise<string> {
  const key = randomBytes(20).toString('hex');
  const client = new pg.Client({ connectionString: odoo.env.PGURL });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO res_users_apikeys (name, user_id, scope, index, key)
       VALUES ('odoo-capacity tests', $1, NULL, $2, $3)`,
      [uid, key.slice(0, API_KEY_INDEX_SIZE), await hashSecret(key, API_KEY_ROUNDS)],
    );
  } finally {
    await client.end();
  }
  return key;
}
