// Connecting to PostgreSQL with the one error every command gives when it cannot: unreachable,
// naming the cause, never the password.
import pg from 'pg';
import { UnreachableError } from './errors.js';
import type { Secret } from './secret.js';

export async function connectPg(url: Secret, what = 'PostgreSQL'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url.reveal(), connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new UnreachableError(`${what}: cannot connect (${(error as Error).message})`, {
      hint: 'Check PGURL / --pg-url: host, port, user, password and database.',
      cause: error,
    });
  }
  return client;
}
