// Fuzzing the lab's HTTP and XML-RPC surface on a real lab: every answer is an XML-RPC value or
// fault, or an HTTP 4xx; no worker dies, and the lab still answers a healthy call.
import fc from 'fast-check';
import type { LabHandle } from '../../src/lab/server/index.js';
import { decodeResponse } from '../helpers/fixture-server.js';
import { rpc, startProbeLab, type Captured } from '../lab/server/support/lab-client.js';
import { rawRequest, requestHead, type RawAnswer } from '../lab/server/support/raw-http.js';

const SEED = 20261204;
const LIMIT = { interruptAfterTimeLimit: 5000, markInterruptAsFailure: false };
const HTTP_4XX = [400, 404, 405, 408, 411, 413, 414, 415, 431];

let lab: LabHandle & { logs: Captured };

beforeAll(async () => {
  lab = await startProbeLab({
    workers: 2,
    costScale: 0,
    // Random secrets must not lock the good one out: no login cooldown here.
    authPolicy: { cooldownAfter: 0, cooldownSeconds: 0 },
    timeouts: { headersMs: 1000, requestMs: 2000 },
  });
});
afterAll(async () => {
  await lab?.stop();
});

afterEach(async () => {
  const status = lab.status();
  expect(status.requests.worker_crashes).toBe(0);
  expect(status.workers.alive).toBe(2);
  expect((await rpc(lab.url, 'common', 'version', [])).value).toMatchObject({
    server_serie: '17.0',
  });
});

/** The invariant of every answer: XML-RPC (a value, or a clean fault) or an HTTP 4xx. */
async function expectCleanAnswer(answer: RawAnswer, context: string): Promise<void> {
  if (answer.status === 200 && /text\/xml/.test(answer.headers['content-type'] ?? '')) {
    const decoded = await decodeResponse(answer.body);
    if (decoded.fault) {
      const { faultString } = decoded.fault;
      // A traceback ends with one line, Python's: `Type: message`.
      if (faultString.startsWith('Traceback')) {
        expect(faultString.trimEnd().split('\n').at(-1), context).toMatch(
          /^[A-Za-z_][\w.]*(: .*)?$/,
        );
      }
      expect(faultString, context).not.toMatch(/\n\s+at .+:\d+:\d+\)?$/m);
    } else {
      expect(decoded, context).toHaveProperty('value');
    }
    return;
  }
  if (answer.status === 200) return; // JSON-RPC version_info, the lab's own pages
  expect(HTTP_4XX, `${context}\n${answer.status} ${answer.body.slice(0, 300)}`).toContain(
    answer.status,
  );
}

function post(path: string, body: Buffer | string, headers: string[] = []): Promise<RawAnswer> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return rawRequest(
    lab.url,
    Buffer.concat([
      Buffer.from(
        requestHead(lab.url, 'POST', path, [
          'Content-Type: text/xml',
          ...headers,
          `Content-Length: ${bytes.length}`,
        ]),
      ),
      bytes,
    ]),
  );
}

const VERSION_CALL =
  '<?xml version="1.0"?><methodCall><methodName>version</methodName><params></params></methodCall>';

const pathPart = fc.oneof(
  fc.constantFrom(
    '/xmlrpc/2/',
    '/xmlrpc/',
    '/json/2/',
    '/web/webclient/version_info',
    '/lab/status',
    'common',
    'object',
    'db',
    '%',
    '%E0',
    '%ZZ',
    '%00',
    '%2F',
    '%C3%A9',
    '%F0%9F',
    '%FF%FE',
    '..',
    '//',
    '?',
    '?a=%E0',
    '#',
    ';',
    '~',
  ),
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.', '%', '/', 'é', '\u00ff') }),
);
const path = fc.array(pathPart, { maxLength: 6 }).map((parts) => {
  const p = parts.join('');
  return p.startsWith('/') ? p : `/${p}`;
});

describe('fuzz: the lab over HTTP', () => {
  it('any path and method: an XML-RPC answer or a 4xx, never a dead worker', async () => {
    await fc.assert(
      fc.asyncProperty(
        path,
        fc.constantFrom('POST', 'GET', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'FOO'),
        fc.constantFrom(VERSION_CALL, 'x', ''),
        async (p, method, body) => {
          const head = requestHead(lab.url, method, p, [
            'Content-Type: text/xml',
            `Content-Length: ${Buffer.byteLength(body)}`,
          ]);
          await expectCleanAnswer(await rawRequest(lab.url, head + body), `${method} ${p}`);
        },
      ),
      { numRuns: 300, seed: SEED, ...LIMIT },
    );
  });

  it('any headers: an XML-RPC answer or a 4xx', async () => {
    const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/);
    const header = fc.oneof(
      fc.tuple(token, fc.stringMatching(/^[\x20-\x7e]{0,60}$/)).map(([k, v]) => `${k}: ${v}`),
      fc.constantFrom(
        'Content-Type: application/x-www-form-urlencoded',
        'Content-Type: multipart/form-data; boundary=x',
        'Content-Type: text/xml; charset=iso-8859-1',
        'Content-Encoding: gzip',
        'Expect: 100-continue',
        'Connection: keep-alive',
        'Authorization: bearer nope',
        'X-Odoo-Database: nowhere',
        'Host: elsewhere',
        'Transfer-Encoding: identity',
        `X-Big: ${'a'.repeat(20_000)}`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(header, { maxLength: 6 }), async (headers) => {
        const clean = headers.filter((h) => !/^content-length:/i.test(h));
        const answer = await post('/xmlrpc/2/common', VERSION_CALL, clean);
        await expectCleanAnswer(answer, clean.join(' | ').slice(0, 500));
      }),
      { numRuns: 200, seed: SEED + 1, ...LIMIT },
    );
  });

  it('any XML-RPC call, nested deep, in any encoding: a value or a clean fault', async () => {
    const { value } = fc.letrec<{ value: string }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.integer().map((n) => `<value><int>${n}</int></value>`),
        fc.string().map((s) => `<value><string>${s.replace(/[<&]/g, '')}</string></value>`),
        fc.constantFrom(
          '<value><nil/></value>',
          '<value><i8>9223372036854775807</i8></value>',
          '<value><double>1e999</double></value>',
          '<value><double>nan</double></value>',
          '<value><boolean>2</boolean></value>',
          '<value><base64>!!!</base64></value>',
          '<value><dateTime.iso8601>2026-13-45</dateTime.iso8601></value>',
          '<value>bare text</value>',
          '<value><unknown>1</unknown></value>',
          '<value><struct><member><value><int>1</int></value></member></struct></value>',
        ),
        fc
          .array(tie('value'), { maxLength: 4 })
          .map((vs) => `<value><array><data>${vs.join('')}</data></array></value>`),
        fc
          .array(fc.tuple(fc.stringMatching(/^[a-z_]{1,8}$/), tie('value')), { maxLength: 4 })
          .map(
            (ms) =>
              `<value><struct>${ms.map(([k, v]) => `<member><name>${k}</name>${v}</member>`).join('')}</struct></value>`,
          ),
        fc
          .integer({ min: 1, max: 3000 })
          .map((n) => `${'<value><array><data>'.repeat(n)}${'</data></array></value>'.repeat(n)}`),
      ),
    }));
    const service = fc.constantFrom('common', 'object', 'db', 'report', 'x');
    const method = fc.oneof(
      fc.constantFrom(
        'version',
        'login',
        'authenticate',
        'about',
        'execute_kw',
        'execute',
        'list',
        'db_exist',
        'server_version',
        'drop',
        '__init__',
      ),
      fc.string({ maxLength: 12 }).map((s) => s.replace(/[<&]/g, '')),
    );
    // execute_kw with a real database and uid, so the ORM is reached too (never lab.probe: its
    // methods hold a worker on purpose).
    const params = fc.oneof(
      fc.array(value, { maxLength: 6 }),
      fc
        .tuple(
          fc.constantFrom('res.partner', 'sale.order', 'x.y', ''),
          fc.constantFrom(
            'read',
            'create',
            'write',
            'search_count',
            'action_confirm',
            '_private',
            'nope',
          ),
          fc.array(value, { maxLength: 3 }),
        )
        .map(([model, m, args]) => [
          '<value><string>lab</string></value>',
          '<value><int>2</int></value>',
          '<value><string>admin</string></value>',
          `<value><string>${model}</string></value>`,
          `<value><string>${m}</string></value>`,
          `<value><array><data>${args.join('')}</data></array></value>`,
        ]),
    );
    const encoding = fc.constantFrom('utf-8', 'latin1', 'bad-bytes', 'bom', 'utf-16');
    await fc.assert(
      fc.asyncProperty(service, method, params, encoding, async (s, m, ps, enc) => {
        const xml = `<methodCall><methodName>${m}</methodName><params>${ps.map((p) => `<param>${p}</param>`).join('')}</params></methodCall>`;
        let body: Buffer;
        if (enc === 'latin1')
          body = Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?>${xml}`, 'latin1');
        else if (enc === 'bad-bytes')
          body = Buffer.concat([
            Buffer.from(`<?xml version="1.0"?>`),
            Buffer.from([0xe0, 0x80, 0xff]),
            Buffer.from(xml),
          ]);
        else if (enc === 'bom') body = Buffer.from(`\ufeff<?xml version="1.0"?>${xml}`);
        else if (enc === 'utf-16')
          body = Buffer.from(`\ufeff<?xml version="1.0" encoding="UTF-16"?>${xml}`, 'utf16le');
        else body = Buffer.from(`<?xml version="1.0"?>${xml}`);
        const answer = await post(`/xmlrpc/2/${s}`, body);
        expect(answer.status, `${s}.${m}`).toBe(200);
        await expectCleanAnswer(answer, `${s}.${m} (${enc})`);
      }),
      { numRuns: 300, seed: SEED + 2, ...LIMIT },
    );
  });
});
