// doctor as a user runs it: each failure is one clear line with a fix, a non-zero exit, no stack
// trace, and no secret in any output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/pg-local/postgres-provider.js';
import { cleanEnv, hasStackTrace, runCli } from '../helpers/cli.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';

const SECRET = 'Dist1nct-Secret-Value-9931';
const authenticateFalse = (password: string) => ({
  name: `authenticate-${password}`,
  path: '/xmlrpc/2/common',
  method: 'authenticate',
  request: `<?xml version='1.0'?><methodCall><methodName>authenticate</methodName><params>
<param><value><string>lab17</string></value></param><param><value><string>admin</string></value></param>
<param><value><string>${password}</string></value></param><param><value><struct></struct></value></param>
</params></methodCall>`,
  response: `<?xml version='1.0'?><methodResponse><params><param><value><boolean>0</boolean></value></param></params></methodResponse>`,
});

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer([authenticateFalse(SECRET)]);
});
afterAll(() => server.close());

function lines(text: string, prefix: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(prefix));
}

describe('doctor', () => {
  it('passes against the recorded Odoo 17 with the right password', async () => {
    const env = cleanEnv({
      ODOO_URL: server.url,
      ODOO_DB: 'lab17',
      ODOO_USER: 'admin',
      ODOO_PASSWORD: 'admin',
    });
    const result = await runCli(['doctor', '--json'], env);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      checks: { name: string; status: string; detail: string }[];
    };
    expect(result.code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.name === 'target')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('Odoo 17.0'),
    });
    expect(report.checks.find((c) => c.name === 'authenticate')).toMatchObject({
      status: 'ok',
      detail: 'user admin on lab17 is uid 2 (password over xmlrpc)',
      // "admin" is too short to be masked in logs without corrupting them: doctor says so.
      warning: expect.stringMatching(/shorter than 8 characters.*API key/),
    });
    expect(report.checks.find((c) => c.name === 'transports')).toMatchObject({
      status: 'ok',
      detail: 'offered: xmlrpc; using xmlrpc',
    });
  });

  it('refuses JSON-2 where the target offers only XML-RPC, saying what to use', async () => {
    const env = cleanEnv({
      ODOO_URL: server.url,
      ODOO_DB: 'lab17',
      ODOO_API_KEY: 'an-api-key-0000',
      ODOO_TRANSPORT: 'json2',
    });
    const result = await runCli(['doctor'], env);
    expect(result.code).toBe(2);
    expect(lines(result.stdout, 'FAIL')).toEqual([
      'FAIL transports   offered: xmlrpc; using json2 Fix: JSON-2 is Odoo 19 or later: use --transport xmlrpc (or ODOO_TRANSPORT=xmlrpc).',
    ]);
  });

  it('fails the k6 check when k6 is missing, with one line naming the fix', async () => {
    const result = await runCli(['doctor'], cleanEnv({ K6_BIN: '/nonexistent/k6' }));
    expect(result.code).toBe(3);
    const failures = lines(result.stdout, 'FAIL');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^FAIL k6 .*K6_BIN.*Fix: /);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });

  it('fails the target check when nothing listens at ODOO_URL', async () => {
    const port = await freePort();
    const env = cleanEnv({
      ODOO_URL: `http://127.0.0.1:${port}`,
      ODOO_DB: 'lab17',
      ODOO_PASSWORD: 'x-y-z',
    });
    const result = await runCli(['doctor'], env);
    expect(result.code).toBe(3);
    const failures = lines(result.stdout, 'FAIL');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^FAIL target .*ECONNREFUSED.*Fix: /);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });

  it('fails the authenticate check for a wrong password, without printing the password anywhere', async () => {
    const env = cleanEnv({
      ODOO_URL: server.url,
      ODOO_DB: 'lab17',
      ODOO_USER: 'admin',
      ODOO_PASSWORD: SECRET,
    });
    const text = await runCli(['doctor', '--debug'], env);
    const json = await runCli(['doctor', '--json'], env);
    expect(text.code).toBe(2);
    expect(json.code).toBe(2);
    const failures = lines(text.stdout, 'FAIL');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^FAIL authenticate .*refused user "admin".*Fix: .*ODOO_PASSWORD/);
    expect(hasStackTrace(text.stderr)).toBe(false);
    for (const output of [text.stdout, text.stderr, json.stdout, json.stderr])
      expect(output).not.toContain(SECRET);
  });

  it('reports a malformed PGURL as bad input', async () => {
    const result = await runCli(['doctor', '--json'], cleanEnv({ PGURL: 'mysql://nope' }));
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { checks: { name: string; status: string }[] };
    expect(report.checks.find((c) => c.name === 'pgstats')?.status).toBe('failed');
  });
});

describe('the command line', () => {
  it('prints help with examples and the version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('treats an unknown command as bad input', async () => {
    const result = await runCli(['no-such-command']);
    expect(result.code).toBe(2);
  });
});
