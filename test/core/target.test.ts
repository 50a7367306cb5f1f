import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { describeTarget, resolvePgUrl, resolveTarget } from '../../src/core/target.js';

describe('resolveTarget', () => {
  it('returns undefined when no target is named', () => {
    expect(resolveTarget({}, {})).toBeUndefined();
  });

  it('reads the environment, with flags overriding the non-secret parts', () => {
    const env = {
      ODOO_URL: 'http://odoo:8069/',
      ODOO_DB: 'prod',
      ODOO_USER: 'ops',
      ODOO_API_KEY: 'key-123456',
    };
    const target = resolveTarget({ db: 'staging' }, env)!;
    expect(describeTarget(target)).toEqual({
      url: 'http://odoo:8069',
      db: 'staging',
      user: 'ops',
      auth: 'api_key',
      transport: 'xmlrpc',
    });
    expect(target.secret.reveal()).toBe('key-123456');
    expect(JSON.stringify(target)).not.toContain('key-123456');
  });

  it('takes the secret from --password-file before the environment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-target-'));
    await writeFile(join(dir, 'pw'), 'from-file-pw\n');
    const target = resolveTarget(
      { passwordFile: join(dir, 'pw') },
      { ODOO_URL: 'http://o', ODOO_DB: 'd', ODOO_PASSWORD: 'env-pw' },
    )!;
    expect(target.secret.reveal()).toBe('from-file-pw');
  });

  it('refuses credentials inside the URL, a missing database and a missing secret', () => {
    expect(() =>
      resolveTarget({}, { ODOO_URL: 'http://admin:pw@odoo', ODOO_DB: 'd', ODOO_PASSWORD: 'x' }),
    ).toThrow(BadInputError);
    expect(() => resolveTarget({}, { ODOO_URL: 'http://odoo', ODOO_PASSWORD: 'x' })).toThrow(
      /ODOO_DB/,
    );
    expect(() => resolveTarget({}, { ODOO_URL: 'http://odoo', ODOO_DB: 'd' })).toThrow(
      /ODOO_PASSWORD or ODOO_API_KEY/,
    );
    expect(() => resolveTarget({ url: 'ftp://x' }, { ODOO_DB: 'd', ODOO_PASSWORD: 'x' })).toThrow(
      /--url/,
    );
  });
});

describe('resolvePgUrl', () => {
  it('wraps PGURL in a Secret and rejects non-postgres URLs', () => {
    const url = resolvePgUrl({}, { PGURL: 'postgres://u:pgpw-4455@h:5432/postgres' })!;
    expect(String(url)).toBe('***');
    expect(() => resolvePgUrl({ pgUrl: 'mysql://x' }, {})).toThrow(/--pg-url/);
  });

  it('never takes a PostgreSQL password from argv: --pg-url with one is refused, without is fine', () => {
    expect(() => resolvePgUrl({ pgUrl: 'postgres://u:pgpw-4455@h:5432/postgres' }, {})).toThrow(
      /--pg-url: a password inside the URL is not accepted on the command line/,
    );
    expect(String(resolvePgUrl({ pgUrl: 'postgres://monitor@h:5432/postgres' }, {}))).toBe('***');
  });

  it('takes the transport from --transport, else ODOO_TRANSPORT, else xmlrpc', () => {
    const env = { ODOO_URL: 'http://odoo', ODOO_DB: 'd', ODOO_API_KEY: 'key-123456' };
    expect(resolveTarget({}, env)!.transport).toBe('xmlrpc');
    expect(resolveTarget({}, { ...env, ODOO_TRANSPORT: 'json2' })!.transport).toBe('json2');
    expect(
      resolveTarget({ transport: 'xmlrpc' }, { ...env, ODOO_TRANSPORT: 'json2' })!.transport,
    ).toBe('xmlrpc');
    expect(() => resolveTarget({ transport: 'soap' }, env)).toThrow(
      /^--transport: expected xmlrpc or json2, got "soap"$/,
    );
    expect(() => resolveTarget({}, { ...env, ODOO_TRANSPORT: 'grpc' })).toThrow(
      /^ODOO_TRANSPORT: /,
    );
  });
});
