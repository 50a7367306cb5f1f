// Requests an attacker or a broken client sends, on a real lab over real HTTP: none may kill a
// worker, and killing a worker must not reset the login cooldown.
import type { LabHandle } from '../../../src/lab/server/index.js';
import { decodeResponse } from '../../helpers/fixture-server.js';
import {
  executeKw,
  postXml,
  rpc,
  startProbeLab,
  waitFor,
  type Captured,
} from './support/lab-client.js';
import { rawPost as post, rawRequest, requestHead } from './support/raw-http.js';

const VERSION_CALL =
  '<?xml version="1.0"?><methodCall><methodName>version</methodName><params></params></methodCall>';

let lab: LabHandle & { logs: Captured };

beforeAll(async () => {
  lab = await startProbeLab({
    workers: 1,
    // A short cooldown threshold and a long cooldown: the test locks admin out in 3 tries.
    authPolicy: { cooldownAfter: 3, cooldownSeconds: 600 },
  });
});
afterAll(async () => {
  await lab?.stop();
});

async function healthy(): Promise<void> {
  const answer = await rpc(lab.url, 'common', 'version', []);
  expect(answer.value).toMatchObject({ server_serie: '17.0' });
}

describe('hostile requests', () => {
  it('answers a service name with bad percent-encoding as Odoo does, and no worker dies', async () => {
    // The probe: `curl -X POST --data x /xmlrpc/2/%E0` killed the worker.
    const probe = await post(lab.url, '/xmlrpc/2/%E0', 'x');
    expect(probe.status).toBe(200);
    expect((await decodeResponse(probe.body)).fault?.faultString).toMatch(
      /\nxml\.parsers\.expat\.ExpatError: /,
    );
    // Werkzeug decodes the path as UTF-8 with replacement and keeps a bad escape as it is:
    // Odoo 16/17 answer KeyError: '\ufffd' and KeyError: '%ZZ' (checked with curl on Odoo 16.0 and 17.0).
    const replaced = await post(lab.url, '/xmlrpc/2/%E0', VERSION_CALL);
    expect((await decodeResponse(replaced.body)).fault?.faultString).toMatch(
      /KeyError: '\ufffd'\n?$/,
    );
    const literal = await post(lab.url, '/xmlrpc/2/%ZZ', VERSION_CALL);
    expect((await decodeResponse(literal.body)).fault?.faultString).toMatch(/KeyError: '%ZZ'\n?$/);
    const legacy = await post(lab.url, '/xmlrpc/%E0%80%80', VERSION_CALL);
    expect((await decodeResponse(legacy.body)).fault?.faultString).toMatch(
      /KeyError: '\ufffd{3}'\n?$/,
    );
    // A service spelt with escapes is that service.
    const escaped = await post(lab.url, '/xmlrpc/2/comm%6Fn', VERSION_CALL);
    expect((await decodeResponse(escaped.body)).value).toMatchObject({ server_serie: '17.0' });

    expect(lab.status().requests.worker_crashes).toBe(0);
    await healthy();
  });

  it('reads no call from a form body, as Odoo (curl --data sends one): ExpatError', async () => {
    // Odoo 16 and 17 parse a form body into the request's parameters before the XML-RPC route
    // reads the body, which is then empty (checked with curl --data on Odoo 16.0 and 17.0).
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const answer = await rawRequest(
        lab.url,
        requestHead(lab.url, 'POST', '/xmlrpc/2/common', [
          `Content-Type: ${type}`,
          `Content-Length: ${VERSION_CALL.length}`,
        ]) + VERSION_CALL,
      );
      expect((await decodeResponse(answer.body)).fault?.faultString).toMatch(
        /\nxml\.parsers\.expat\.ExpatError: no element found: line 1, column 0\n?$/,
      );
    }
    const xml = await post(lab.url, '/xmlrpc/2/common', VERSION_CALL);
    expect((await decodeResponse(xml.body)).value).toMatchObject({ server_serie: '17.0' });
  });

  it('outlives a method that leaves a stray rejection and a stray exception behind', async () => {
    const first = await executeKw(lab.url, 'lab', 'lab.probe', 'stray_errors', []);
    expect(first.value).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lab.status().requests.worker_crashes).toBe(0);
    expect(lab.status().workers.list.map((w) => w.served)).toEqual([expect.any(Number)]);
    await waitFor(
      () => lab.logs.lines.some((l) => l.includes('stray exception from a method')),
      'the stray exception in the log',
    );
    expect(lab.logs.lines.some((l) => l.includes('stray rejection from a method'))).toBe(true);
    expect((await executeKw(lab.url, 'lab', 'res.partner', 'search_count', [[]])).value).toBeTypeOf(
      'number',
    );
    expect(lab.status().requests.worker_crashes).toBe(0);
  });

  it('keeps the login cooldown when a worker dies', async () => {
    for (let i = 0; i < 3; i++) {
      expect(
        (await rpc(lab.url, 'common', 'authenticate', ['lab', 'admin', 'bad', {}])).value,
      ).toBe(false);
    }
    const locked = () => rpc(lab.url, 'common', 'authenticate', ['lab', 'admin', 'admin', {}]);
    expect((await locked()).value).toBe(false);

    // A request that once killed the worker: it must neither kill it nor reset the cooldown.
    await post(lab.url, '/xmlrpc/2/%E0', 'x');
    expect((await locked()).value).toBe(false);

    // A worker that dies anyway (killed from outside): its replacement keeps the cooldown.
    const [before] = lab.status().workers.list;
    process.kill(before!.pid, 'SIGKILL');
    await waitFor(() => {
      const list = lab.status().workers.list;
      return list.length === 1 && list[0]!.pid !== before!.pid && list[0]!.state === 'idle';
    }, 'a new worker');
    expect((await locked()).value).toBe(false);
    const refused = await postXml(
      lab.url,
      '/xmlrpc/2/object',
      '<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params><param><value><string>lab</string></value></param><param><value><int>2</int></value></param><param><value><string>admin</string></value></param><param><value><string>res.partner</string></value></param><param><value><string>search_count</string></value></param><param><value><array><data><value><array><data></data></array></value></data></array></value></param></params></methodCall>',
    );
    expect((await decodeResponse(refused.text)).fault).toMatchObject({
      faultCode: 3,
      faultString: 'Too many login failures, please wait a bit before trying again.',
    });
    expect(lab.status().requests.worker_crashes).toBe(0);
  });
});
