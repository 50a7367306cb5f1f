// The XML-RPC transport over real HTTP: the committed-unmarshallable outcome, and one clear
// error for a server that is down, a wrong path, or something that is not XML-RPC.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode, UnreachableError } from '../../src/core/errors.js';
import { freePort } from '../../src/pg-local/postgres-provider.js';
import { Secret } from '../../src/core/secret.js';
import { XmlRpcTransport } from '../../src/odoo/xmlrpc-transport.js';

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

async function serve(status: number, contentType: string, body: string): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status, { 'content-type': contentType }).end(body));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const call = {
  db: 'd',
  uid: 2,
  secret: new Secret('pw-for-transport-test'),
  model: 'sale.advance.payment.inv',
  method: 'create_invoices',
  args: [[1]],
};

describe('XmlRpcTransport', () => {
  it('returns an explicit committed-unmarshallable outcome for the None marshalling fault', async () => {
    const fault = `<?xml version='1.0'?><methodResponse><fault><value><struct>
<member><name>faultCode</name><value><int>1</int></value></member>
<member><name>faultString</name><value><string>Traceback (most recent call last):
TypeError: cannot marshal None unless allow_none is enabled
</string></value></member></struct></value></fault></methodResponse>`;
    const url = await serve(200, 'text/xml', fault);
    const outcome = await new XmlRpcTransport({ url }).executeKw(call);
    expect(outcome.status).toBe('committed-unmarshallable');
  });

  it('reports a server that is down as unreachable, naming the call and address', async () => {
    const port = await freePort();
    const error = await new XmlRpcTransport({ url: `http://127.0.0.1:${port}` })
      .version()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as UnreachableError).exitCode).toBe(ExitCode.unreachable);
    expect((error as Error).message).toMatch(/common\.version .*ECONNREFUSED/);
  });

  it('reports a wrong path (HTTP 404) with a hint about the URL', async () => {
    const url = await serve(404, 'text/html', '<html>nope</html>');
    const error = (await new XmlRpcTransport({ url })
      .version()
      .catch((e: unknown) => e)) as UnreachableError;
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.message).toContain('404');
    expect(error.hint).toMatch(/xmlrpc/i);
  });

  it('reports an HTML error page from a proxy as not XML-RPC', async () => {
    const url = await serve(502, 'text/html', '<html><body>Bad Gateway</body></html>');
    const error = (await new XmlRpcTransport({ url })
      .executeKw(call)
      .catch((e: unknown) => e)) as UnreachableError;
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.message).toContain('502');
  });

  it('times out a server that never answers', async () => {
    server = createServer(() => {});
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const error = (await new XmlRpcTransport({ url, timeoutMs: 300 })
      .version()
      .catch((e: unknown) => e)) as UnreachableError;
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.message).toMatch(/no answer within/);
    server.closeAllConnections();
  });
});
