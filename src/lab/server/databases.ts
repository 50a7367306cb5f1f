// The lab's tenants: one PostgreSQL database each, created and bootstrapped through the ORM's
// `bootstrap` when missing, as a multi-tenant Odoo keeps one database per tenant.
import pg from 'pg';
import { BadInputError } from '../../core/errors.js';
import type { Secret } from '../../core/secret.js';
import type { LabOrm, OdooSerie } from '../contract.js';

/** Odoo's DB_NAME_VALIDATION (odoo/service/db.py). */
const DB_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function parseDatabases(list: string): string[] {
  const names = list
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0) throw new BadInputError('--databases: give at least one database name');
  for (const name of names) {
    if (!DB_NAME.test(name) || ['postgres', 'template0', 'template1'].includes(name)) {
      throw new BadInputError(
        `--databases: "${name}" is not a valid tenant database name (letters, digits, _ . -; at least 2 characters)`,
      );
    }
  }
  return [...new Set(names)];
}

export function databaseUrl(base: Secret, db: string): string {
  const url = new URL(base.reveal());
  url.pathname = `/${encodeURIComponent(db)}`;
  return url.toString();
}

export interface EnsureOptions {
  orm: LabOrm;
  adminPassword: Secret;
  serie: OdooSerie;
  onProgress(line: string): void;
}

/** Creates each missing tenant database and bootstraps any that has no schema yet. */
export async function ensureDatabases(
  pgUrl: Secret,
  databases: readonly string[],
  options: EnsureOptions,
): Promise<void> {
  const admin = new pg.Client({ connectionString: pgUrl.reveal() });
  await admin.connect();
  try {
    for (const db of databases) {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
      if (exists.rowCount === 0) {
        await admin.query(`CREATE DATABASE "${db}" ENCODING 'UTF8' TEMPLATE template0`);
      }
      const client = new pg.Client({ connectionString: databaseUrl(pgUrl, db) });
      await client.connect();
      try {
        const schema = await client.query<{ t: string | null }>(
          "SELECT to_regclass('res_users')::text AS t",
        );
        if (schema.rows[0]?.t) {
          options.onProgress(`database ${db}: already bootstrapped`);
          continue;
        }
        await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').catch(() => {});
        await options.orm.bootstrap(client, {
          adminPassword: options.adminPassword.reveal(),
          serie: options.serie,
        });
        options.onProgress(`database ${db}: created and bootstrapped`);
      } finally {
        await client.end();
      }
    }
  } finally {
    await admin.end();
  }
}
