// The lab's wire protocol against Odoo 17.0's recorded exchanges and against a client not written
// here (Python's xmlrpc.client): faults, types, authentication, tenants, Odoo's error shapes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LabHandle } from '../../src/lab/server/index.js';
import { loadExchanges, decodeResponse } from '../helpers/fixture-server.js';
import {
  executeKw,
  postXml,
  PROBE_API_KEY,
  rpc,
  startProbeLab,
  type Captured,
} from '../lab/server/support/lab-client.js';
import { expectLikeRecorded, lastLine } from '../lab/server/support/replay.js';

const execFileAsync = promisify(execFile);

/** The recorded exchanges that need no business data: the ORM's tests replay the others. */
const PROTOCOL_EXCHANGES = [
  'common-version',
  'common-authenticate-ok',
  'common-authenticate-wrong-password',
  'object-wrong-password-fault3',
  'object-unknown-model-fault2',
  'object-private-method-fault4',
  'object-unknown-method-fault1',
  'object-confirm-twice-fault2',
];

let lab: LabHandle & { logs: Captured };

beforeAll(async () => {
  // One worker: the login cooldown is per process, as in Odoo, so one process makes it exact.
  lab = await startProbeLab({ workers: 1, databases: ['lab17', 'other'] });
});
afterAll(async () => {
  await lab?.stop();
});

describe('lab wire protocol', () => {
  describe.each(loadExchanges().filter((e) => PROTOCOL_EXCHANGES.includes(e.name)))(
    'replaying recorded exchange $name',
    (exchange) => {
      it('answers HTTP 200 text/xml with the recorded structure, types, fault code and text', async () => {
        await expectLikeRecorded(lab.url, exchange, { sameValues: true });
      });
    },
  );

  it('serves Python xmlrpc.client: version, authenticate with password and API key, calls, faults', async () => {
    const script = `
import json, sys, xmlrpc.client as x
url, key = sys.argv[1], sys.argv[2]
common = x.ServerProxy(url + '/xmlrpc/2/common')
models = x.ServerProxy(url + '/xmlrpc/2/object')
out = {'serie': common.version()['server_serie'], 'lab': 'lab' in common.version()}
out['uid'] = common.authenticate('lab17', 'admin', 'admin', {})
out['uid_key'] = common.authenticate('lab17', 'admin', key, {})
out['wrong'] = common.authenticate('lab17', 'admin', 'nope', {})
pid = models.execute_kw('lab17', out['uid'], 'admin', 'res.partner', 'create', [{'name': 'Py Partner', 'ref': 'PY-1'}])
out['read'] = models.execute_kw('lab17', out['uid'], key, 'res.partner', 'read', [[pid]])
out['context'] = models.execute_kw('lab17', 2, 'admin', 'lab.probe', 'context', [], {'context': {'lang': 'en_US'}})
faults = {}
for name, args in [('model', ('no.such.model', 'search', [[]])), ('private', ('res.partner', '_private', [[]])), ('method', ('res.partner', 'nope', [[]]))]:
    try:
        models.execute_kw('lab17', 2, 'admin', *args)
    except x.Fault as f:
        faults[name] = f.faultCode
try:
    models.execute_kw('lab17', 2, 'bad', 'res.partner', 'read', [[pid]])
except x.Fault as f:
    faults['password'] = [f.faultCode, f.faultString]
out['faults'] = faults
print(json.dumps(out))`;
    const { stdout } = await execFileAsync('python3', ['-c', script, lab.url, PROBE_API_KEY]);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      serie: '17.0',
      lab: true,
      uid: 2,
      uid_key: 2,
      wrong: false,
      read: [{ name: 'Py Partner', ref: 'PY-1' }],
      context: { lang: 'en_US' },
      faults: { model: 2, private: 4, method: 1, password: [3, 'Access Denied'] },
    });
  });

  it('commits a call whose result is None, then answers fault 1 "cannot marshal None"', async () => {
    const marker = `none-${Date.now()}`;
    const answer = await executeKw(lab.url, 'lab17', 'lab.probe', 'returns_none', [marker]);
    expect(answer.fault?.faultCode).toBe(1);
    expect(lastLine(answer.fault!.faultString)).toBe(
      'TypeError: cannot marshal None unless allow_none is enabled',
    );
    const count = await executeKw(lab.url, 'lab17', 'res.partner', 'search_count', [
      [['ref', '=', marker]],
    ]);
    expect(count.value).toBe(1);
  });

  it('answers fault 1 for integers beyond 32 bits and strips control characters from strings', async () => {
    const big = await executeKw(lab.url, 'lab17', 'lab.probe', 'returns_big', []);
    expect(lastLine(big.fault!.faultString)).toMatch(/^OverflowError: /);
    const text = await executeKw(lab.url, 'lab17', 'lab.probe', 'returns_text', []);
    expect(text.value).toEqual({ text: 'ab\tc', when: '2026-11-23 07:37:17', price: 10.5 });
  });

  it('turns an IntegrityError into fault 2 "The operation cannot be completed"', async () => {
    const answer = await executeKw(lab.url, 'lab17', 'lab.probe', 'violates_not_null', []);
    expect(answer.fault?.faultCode).toBe(2);
    expect(answer.fault?.faultString).toMatch(/^The operation cannot be completed:/);
    expect(answer.fault?.faultString).toContain('Field: name');
  });

  it('answers Python-style fault 1 for wrong parameter types and unknown services or methods', async () => {
    const cases: [string, string, unknown[], RegExp][] = [
      [
        'object',
        'execute_kw',
        ['lab17', 'abc', 'admin', 'res.partner', 'read', [[1]]],
        /^ValueError: invalid literal for int\(\)/,
      ],
      [
        'object',
        'execute_kw',
        ['lab17', 2, 'admin', 'res.partner', 'read', 5],
        /^TypeError: .*argument after \* must be an iterable, not int$/,
      ],
      [
        'object',
        'execute_kw',
        ['lab17', 2, 'admin', 'res.partner', 'read', [[1]], [1]],
        /^TypeError: .*argument after \*\* must be a mapping, not list$/,
      ],
      [
        'object',
        'execute_kw',
        ['lab17', 2, 'admin', 'res.partner'],
        /^TypeError: execute_kw\(\) missing 2 required positional arguments/,
      ],
      ['object', 'nope', ['lab17', 2, 'admin'], /^NameError: Method not available nope$/],
      [
        'object',
        'execute_kw',
        ['nodb', 2, 'admin', 'res.partner', 'read', [[1]]],
        /^psycopg2\.OperationalError: .*database "nodb" does not exist$/,
      ],
      [
        'common',
        'authenticate',
        ['lab17', 'admin'],
        /^TypeError: exp_authenticate\(\) missing 2 required/,
      ],
      ['common', 'nope', [], /^Exception: Method not found: nope$/],
      ['nosuchservice', 'list', [], /^KeyError: 'nosuchservice'$/],
      ['object', 'execute_kw', ['lab17', 2, 'admin', 'lab.probe', 'crashes', []], /^TypeError: /],
    ];
    for (const [service, method, params, last] of cases) {
      const answer = await rpc(lab.url, service, method, params);
      expect(answer.fault?.faultCode, `${service}.${method}`).toBe(1);
      expect(answer.fault!.faultString).toMatch(/^Traceback \(most recent call last\):\n/);
      expect(lastLine(answer.fault!.faultString), `${service}.${method}`).toMatch(last);
    }
    expect(lab.status().requests.worker_crashes).toBe(0);
  });

  it('answers 405 to GET and 404 off the XML-RPC routes, as Odoo does', async () => {
    expect((await fetch(`${lab.url}/xmlrpc/2/common`)).status).toBe(405);
    expect((await postXml(lab.url, '/web/nothing', '<x/>')).status).toBe(404);
  });

  it('answers string fault codes on the legacy /xmlrpc routes', async () => {
    const body = (
      await postXml(
        lab.url,
        '/xmlrpc/object',
        await callXml('execute_kw', ['lab17', 2, 'admin', 'no.model', 'search', [[]]]),
      )
    ).text;
    const answer = await decodeResponse(body);
    expect(answer.fault?.faultCode).toBe("warning -- UserError\n\nObject no.model doesn't exist");
    const denied = await decodeResponse(
      (
        await postXml(
          lab.url,
          '/xmlrpc/object',
          await callXml('execute_kw', ['lab17', 2, 'bad', 'res.partner', 'read', [[1]]]),
        )
      ).text,
    );
    expect(denied.fault).toEqual({ faultCode: 'AccessDenied', faultString: 'Access Denied' });
  });

  it('keeps tenants apart: each database has its own data, db.list names them', async () => {
    await executeKw(lab.url, 'lab17', 'res.partner', 'create', [
      { name: 'Only in lab17', ref: 'TENANT' },
    ]);
    const here = await executeKw(lab.url, 'lab17', 'res.partner', 'search_count', [
      [['ref', '=', 'TENANT']],
    ]);
    const there = await executeKw(lab.url, 'other', 'res.partner', 'search_count', [
      [['ref', '=', 'TENANT']],
    ]);
    expect([here.value, there.value]).toEqual([1, 0]);
    expect((await rpc(lab.url, 'db', 'list', [])).value).toEqual(['lab17', 'other']);
    expect((await rpc(lab.url, 'db', 'db_exist', ['other'])).value).toBe(true);
    expect(
      (await rpc(lab.url, 'common', 'authenticate', ['nodb', 'admin', 'admin', {}])).fault
        ?.faultCode,
    ).toBe(1);
  });

  it('locks an IP out of a database for 60 s after 10 failures, even with the right password', async () => {
    for (let i = 0; i < 10; i++) {
      const answer = await executeKw(
        lab.url,
        'other',
        'res.partner',
        'search_count',
        [[]],
        undefined,
        `wrong-${i}`,
      );
      expect(answer.fault).toEqual({ faultCode: 3, faultString: 'Access Denied' });
    }
    const locked = await executeKw(
      lab.url,
      'other',
      'res.partner',
      'search_count',
      [[]],
      undefined,
      PROBE_API_KEY,
    );
    // A valid API key, never checked on this database yet (so not in the worker's cache).
    expect(locked.fault?.faultCode).toBe(3);
    expect(locked.fault?.faultString).toMatch(/Too many login failures/);
    expect(
      (await rpc(lab.url, 'common', 'authenticate', ['other', 'admin', 'admin', {}])).value,
    ).toBe(false);
    // The cooldown is per database, as Odoo keeps it on the registry.
    expect(
      (await rpc(lab.url, 'common', 'authenticate', ['lab17', 'admin', 'admin', {}])).value,
    ).toBe(2);
  });
});

async function callXml(method: string, params: unknown[]): Promise<string> {
  const { createRequire } = await import('node:module');
  const serializer = createRequire(import.meta.url)('xmlrpc/lib/serializer') as {
    serializeMethodCall(m: string, p: unknown[]): string;
  };
  return serializer.serializeMethodCall(method, params);
}
