import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/logger.js';
import { redact, redactUrl, redactedJson } from '../../src/core/redact.js';
import { Secret } from '../../src/core/secret.js';

describe('redact', () => {
  it('masks the password inside a database URL but keeps the rest', () => {
    expect(redact('connect postgres://stats:hunter2-x@db.internal:5432/odoo failed')).toBe(
      'connect postgres://stats:***@db.internal:5432/odoo failed',
    );
    expect(redactUrl('postgresql://u:p%40ss@h/db')).toBe('postgresql://u:***@h/db');
  });

  it('masks values assigned to keys that name a secret', () => {
    expect(redact('ODOO_PASSWORD=abc123 ODOO_API_KEY: "k-999" user=admin')).toBe(
      'ODOO_PASSWORD=*** ODOO_API_KEY: "***" user=admin',
    );
    expect(redact('{"password":"x1","db":"lab"}')).toBe('{"password":"***","db":"lab"}');
  });

  it('masks the value of every Secret wherever it appears', () => {
    new Secret('Zq9-very-distinct');
    expect(redact('the server said Zq9-very-distinct was wrong')).toBe(
      'the server said *** was wrong',
    );
  });
});

describe('redactedJson', () => {
  it('keeps JSON whole whatever a string holds: base64 ending in "pwd=" or "token==" is data', () => {
    // Histograms are base64; redacting the text once read `...PWD=",\n "request": "` as an
    // assignment and masked across the quote, leaving a file JSON.parse refused.
    const doc = {
      transaction: 'HISTFAAAAFx4nJNpmSzMwMBgycDAwPWD=',
      request: 'HISTFAAAANB4nDWNtoken==',
      url: 'http://host:8069',
      user: 'admin@example.com',
    };
    for (const space of [undefined, 2]) {
      const text = redactedJson(doc, space);
      expect(JSON.parse(text)).toEqual(doc);
    }
  });

  it('masks values under secret names, secrets inside strings and URLs in property names', () => {
    new Secret('Kq7-json-distinct');
    const text = redactedJson({
      password: 'x1',
      api_key: 12345,
      db: 'lab',
      error: 'login failed: ODOO_PASSWORD=abc123 for Kq7-json-distinct',
      targets: { 'postgres://stats:hunter2@db/odoo': 3 },
    });
    expect(JSON.parse(text)).toEqual({
      password: '***',
      api_key: '***',
      db: 'lab',
      error: 'login failed: ODOO_PASSWORD=*** for ***',
      targets: { 'postgres://stats:***@db/odoo': 3 },
    });
  });
});

describe('short secrets', () => {
  it('a password that is also a word never corrupts a document or a message', () => {
    // The real Odoo of the test suite: user admin with password admin, PostgreSQL password odoo.
    for (const word of ['admin', 'odoo', 'lab']) new Secret(word);
    const run = {
      target: { url: 'http://127.0.0.1:8069', db: 'lab', user: 'admin', odoo: { lab: false } },
      hint: 'run odoo-capacity seed first',
    };
    expect(JSON.parse(redactedJson(run, 2))).toEqual(run);
    expect(redact('refused user "admin" on database "lab"')).toBe(
      'refused user "admin" on database "lab"',
    );
    // What carries a telltale key or sits in a URL is still masked.
    expect(redact('ODOO_PASSWORD=admin')).toBe('ODOO_PASSWORD=***');
    expect(redact('postgresql://odoo:odoo@127.0.0.1:5432/lab17')).toBe(
      'postgresql://odoo:***@127.0.0.1:5432/lab17',
    );
  });

  it('a property name is never masked as a secret value', () => {
    new Secret('label-distinct-long');
    expect(JSON.parse(redactedJson({ 'label-distinct-long': 1 }))).toEqual({
      'label-distinct-long': 1,
    });
  });
});

describe('Secret', () => {
  it('prints as *** in JSON, template strings and inspection, and reveals on request', () => {
    const secret = new Secret('pa55-word-abc');
    expect(JSON.stringify({ secret })).toBe('{"secret":"***"}');
    expect(`${secret}`).toBe('***');
    expect(inspect({ secret })).not.toContain('pa55');
    expect(secret.reveal()).toBe('pa55-word-abc');
  });
});

describe('Logger', () => {
  it('redacts every line it writes and honours its level', () => {
    const lines: string[] = [];
    const logger = new Logger('info', { write: (l) => lines.push(l) });
    new Secret('log-secret-777');
    logger.info('using log-secret-777 and PGURL=postgres://a:b@h/d');
    logger.debug('hidden');
    expect(lines).toEqual(['using *** and PGURL=postgres://a:***@h/d\n']);
  });
});
