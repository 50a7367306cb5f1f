import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/logger.js';
import { redact, redactUrl, secretMaskingProblem } from '../../src/core/redact.js';
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

describe('short and common secrets', () => {
  it('a password that is also a word never corrupts a message', () => {
    // The real Odoo of the test suite: user admin with password admin, PostgreSQL password odoo.
    for (const word of ['admin', 'odoo', 'lab', 'password', 'Password', 'changeme', '12345678'])
      new Secret(word);
    const line =
      'refused user "admin" on database "lab": set ODOO_PASSWORD or pass a password, changeme 12345678';
    expect(redact(line)).toBe(line);
    // What carries a telltale key or sits in a URL is still masked.
    expect(redact('ODOO_PASSWORD=admin')).toBe('ODOO_PASSWORD=***');
    expect(redact('postgresql://odoo:odoo@127.0.0.1:5432/lab17')).toBe(
      'postgresql://odoo:***@127.0.0.1:5432/lab17',
    );
  });

  it('says why a secret cannot be masked: too short or too common', () => {
    expect(secretMaskingProblem('lab')).toBe('shorter than 8 characters');
    expect(secretMaskingProblem('admin')).toBe('shorter than 8 characters');
    expect(secretMaskingProblem('PASSWORD')).toBe('a common word or password');
    expect(secretMaskingProblem('production')).toBe('a common word or password');
    expect(secretMaskingProblem('Zq9-very-distinct')).toBeUndefined();
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
