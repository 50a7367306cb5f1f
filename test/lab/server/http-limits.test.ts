// The lab's HTTP limits over real HTTP: 413 for a large body, 408 for a late request, 503 beyond
// the queue's bound; the lab goes on serving, and a queued request never times out.
import { BODY_LIMIT_BYTES } from '../../../src/lab/server/master.js';
import type { LabHandle } from '../../../src/lab/server/index.js';
import { executeKw, rpc, startProbeLab, waitFor, type Captured } from './support/lab-client.js';
import { rawRequest, requestHead } from './support/raw-http.js';

let lab: LabHandle & { logs: Captured };

beforeAll(async () => {
  lab = await startProbeLab({
    workers: 1,
    maxQueue: 2,
    timeouts: { headersMs: 500, requestMs: 1000 },
  });
  // The first call checks the password (600,000 rounds) and caches it.
  await executeKw(lab.url, 'lab', 'lab.probe', 'hold', [0]);
});
afterAll(async () => {
  await lab?.stop();
});

function head(lines: string[]): string {
  return requestHead(lab.url, 'POST', '/xmlrpc/2/object', lines);
}

async function healthy(): Promise<void> {
  expect((await rpc(lab.url, 'common', 'version', [])).value).toMatchObject({
    server_serie: '17.0',
  });
}

describe('lab HTTP limits', () => {
  it('answers 413 to a body over the limit, declared or chunked, and serves on', async () => {
    const declared = await rawRequest(
      lab.url,
      head(['Content-Type: text/xml', `Content-Length: ${BODY_LIMIT_BYTES + 1}`]) +
        'x'.repeat(1024),
    );
    expect(declared.status).toBe(413);
    expect(declared.headers.connection).toBe('close');

    const big = Buffer.alloc(BODY_LIMIT_BYTES + 64 * 1024, 'a');
    const chunked = await rawRequest(
      lab.url,
      Buffer.concat([
        Buffer.from(head(['Content-Type: text/xml', 'Transfer-Encoding: chunked'])),
        Buffer.from(`${big.length.toString(16)}\r\n`),
        big,
        Buffer.from('\r\n0\r\n\r\n'),
      ]),
    );
    expect(chunked.status).toBe(413);
    expect(lab.status().requests.refused_too_large).toBe(2);
    await healthy();
  });

  it('answers 408 to headers or a body that never arrive whole, and serves on', async () => {
    // Headers without their blank line, then a body short of its Content-Length.
    const slowHeaders = await rawRequest(lab.url, head(['Content-Type: text/xml']).trimEnd());
    expect(slowHeaders.status).toBe(408);
    const slowBody = await rawRequest(
      lab.url,
      head(['Content-Type: text/xml', 'Content-Length: 100']) + '<?xml version="1.0"?>',
    );
    expect(slowBody.status).toBe(408);
    expect(lab.status().workers.list[0]!.served).toBeGreaterThan(0);
    await healthy();
  });

  it('answers 503 at once beyond the queue bound; queued requests wait past the request timeout', async () => {
    // The one worker holds for 2.5 s, longer than the 1 s request timeout; two wait queued.
    const held = executeKw(lab.url, 'lab', 'lab.probe', 'hold', [2.5]);
    await waitFor(() => lab.status().workers.busy === 1, 'the worker busy');
    const queued = [0, 1].map(() => executeKw(lab.url, 'lab', 'lab.probe', 'hold', [0]));
    await waitFor(() => lab.status().queue.length === 2, 'two queued requests');

    const refused = await fetch(`${lab.url}/xmlrpc/2/common`, {
      method: 'POST',
      body: '<?xml version="1.0"?><methodCall><methodName>version</methodName></methodCall>',
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.text()).toContain('Service Unavailable');
    // The status page answers whatever the queue holds.
    expect(lab.status().requests.refused_busy).toBe(1);
    expect(lab.status().queue).toMatchObject({ length: 2, limit: 2 });

    expect((await held).value).toBe(true);
    expect((await Promise.all(queued)).map((a) => a.value)).toEqual([true, true]);
    await healthy();
    expect(lab.status().requests.worker_crashes).toBe(0);
  });
});
