// Where the Odoo target and the statistics database come from, for every command and k6 script:
// ODOO_* and PGURL environment variables, flags overriding the non-secret ones.
import { readFileSync } from 'node:fs';
import { BadInputError } from './errors.js';
import { redactUrl } from './redact.js';
import { Secret } from './secret.js';

export interface TargetFlags {
  url?: string;
  db?: string;
  user?: string;
  passwordFile?: string;
  pgUrl?: string;
  transport?: string;
}

export type SecretKind = 'password' | 'api_key';

/** How the toolkit talks to Odoo: XML-RPC (every series), or JSON-2 (Odoo 19+, an API key). */
export type TransportName = 'xmlrpc' | 'json2';
export const TRANSPORTS: readonly TransportName[] = ['xmlrpc', 'json2'];

export interface OdooTarget {
  url: string;
  db: string;
  user: string;
  secret: Secret;
  secretKind: SecretKind;
  /** Default xmlrpc. */
  transport?: TransportName;
}

export type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function parseHttpUrl(raw: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new BadInputError(`${what}: not a URL: ${redactUrl(raw)}`, {
      hint: 'Use the form http://host:8069 (the Odoo web address, without /xmlrpc).',
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BadInputError(`${what}: expected http:// or https://, got ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) {
    throw new BadInputError(`${what}: credentials inside the URL are not accepted`, {
      hint: 'Put the secret in ODOO_PASSWORD, ODOO_API_KEY or --password-file.',
    });
  }
  return parsed.toString().replace(/\/+$/, '');
}

function readSecretFile(file: string): Secret {
  try {
    return new Secret(readFileSync(file, 'utf8').replace(/\r?\n$/, ''));
  } catch (error) {
    throw new BadInputError(
      `--password-file ${file}: cannot read (${(error as NodeJS.ErrnoException).code})`,
      {
        cause: error,
      },
    );
  }
}

/** --transport, else ODOO_TRANSPORT, else xmlrpc. */
export function resolveTransport(flags: TargetFlags, env: Env = process.env): TransportName {
  const flag = nonEmpty(flags.transport);
  const raw = flag ?? nonEmpty(env.ODOO_TRANSPORT) ?? 'xmlrpc';
  if (!(TRANSPORTS as readonly string[]).includes(raw)) {
    throw new BadInputError(
      `${flag ? '--transport' : 'ODOO_TRANSPORT'}: expected xmlrpc or json2, got "${raw}"`,
      {
        hint: 'json2 is Odoo 19+ and needs an API key (ODOO_API_KEY); xmlrpc serves every series.',
      },
    );
  }
  return raw as TransportName;
}

/** The Odoo target, or undefined when neither flags nor environment name one. */
export function resolveTarget(flags: TargetFlags, env: Env = process.env): OdooTarget | undefined {
  const rawUrl = nonEmpty(flags.url) ?? nonEmpty(env.ODOO_URL);
  if (rawUrl === undefined) return undefined;
  const url = parseHttpUrl(rawUrl, flags.url ? '--url' : 'ODOO_URL');
  const db = nonEmpty(flags.db) ?? nonEmpty(env.ODOO_DB);
  if (db === undefined) {
    throw new BadInputError('no database: set ODOO_DB or pass --db', {
      hint: 'An Odoo server can host several databases; name the one to use.',
    });
  }
  const user = nonEmpty(flags.user) ?? nonEmpty(env.ODOO_USER) ?? 'admin';
  let secret: Secret | undefined;
  let secretKind: SecretKind = 'password';
  if (flags.passwordFile) {
    secret = readSecretFile(flags.passwordFile);
  } else if (env.ODOO_API_KEY !== undefined && env.ODOO_API_KEY !== '') {
    secret = new Secret(env.ODOO_API_KEY);
    secretKind = 'api_key';
  } else if (env.ODOO_PASSWORD !== undefined && env.ODOO_PASSWORD !== '') {
    secret = new Secret(env.ODOO_PASSWORD);
  }
  if (secret === undefined) {
    throw new BadInputError('no secret for the Odoo user: set ODOO_PASSWORD or ODOO_API_KEY', {
      hint: 'Or pass --password-file <file>. Secrets are never taken from the command line.',
    });
  }
  return { url, db, user, secret, secretKind, transport: resolveTransport(flags, env) };
}

/** The PostgreSQL statistics connection, or undefined. The URL is a secret (it may hold one). */
export function resolvePgUrl(flags: TargetFlags, env: Env = process.env): Secret | undefined {
  const raw = nonEmpty(flags.pgUrl) ?? nonEmpty(env.PGURL);
  if (raw === undefined) return undefined;
  const where = nonEmpty(flags.pgUrl) ? '--pg-url' : 'PGURL';
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new BadInputError(`${where}: expected postgres://user:password@host:port/db`);
  }
  let password: string;
  try {
    password = new URL(raw).password;
  } catch {
    throw new BadInputError(`${where}: not a valid URL`);
  }
  // Secrets never come from argv, where `ps` shows them to every user of the machine.
  if (password && where === '--pg-url') {
    throw new BadInputError(
      '--pg-url: a password inside the URL is not accepted on the command line',
      {
        hint: 'Set PGURL instead, or leave the password out of --pg-url and set PGPASSWORD (or use ~/.pgpass).',
      },
    );
  }
  if (password) new Secret(decodeURIComponent(password));
  return new Secret(raw);
}

/** A target as it may be shown or stored: no secret. */
export function describeTarget(target: OdooTarget): {
  url: string;
  db: string;
  user: string;
  auth: SecretKind;
  transport: TransportName;
} {
  return {
    url: target.url,
    db: target.db,
    user: target.user,
    auth: target.secretKind,
    transport: target.transport ?? 'xmlrpc',
  };
}
