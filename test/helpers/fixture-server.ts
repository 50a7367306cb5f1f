// An HTTP server answering XML-RPC calls with the bodies recorded from Odoo 17
// (test/fixtures/odoo-17.0-wire), matched by decoded call, so it also checks the client's encoding.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';

export const WIRE_DIR = join(import.meta.dirname, '..', 'fixtures', 'odoo-17.0-wire');

export interface Exchange {
  name: string;
  path: string;
  method: string;
  request: string;
  response: string;
}

/** The exchanges of one recorded set: Odoo 17.0's by default, or another series' directory. */
export function loadExchanges(dir = WIRE_DIR): Exchange[] {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as Omit<
    Exchange,
    'request' | 'response'
  >[];
  return index.map((e) => ({
    ...e,
    request: readFileSync(join(dir, `${e.name}.request.xml`), 'utf8'),
    response: readFileSync(join(dir, `${e.name}.response.xml`), 'utf8'),
  }));
}

type Deserializer = new () => {
  deserializeMethodCall(
    stream: Readable,
    cb: (err: Error | null, method: string, params: unknown[]) => void,
  ): void;
  deserializeMethodResponse(
    stream: Readable,
    cb: (
      err: (Error & { faultCode?: unknown; faultString?: string }) | null,
      value: unknown,
    ) => void,
  ): void;
};
// The xmlrpc package exposes its deserializer only by module path.
const XmlRpcDeserializer = createRequire(import.meta.url)(
  'xmlrpc/lib/deserializer',
) as Deserializer;

/** Decodes a methodCall body into [methodName, params] with the xmlrpc package. */
export function decodeCall(xml: string): Promise<[string, unknown[]]> {
  return new Promise((resolve, reject) =>
    new XmlRpcDeserializer().deserializeMethodCall(Readable.from([xml]), (err, method, params) =>
      err ? reject(err) : resolve([method, params]),
    ),
  );
}

/** Decodes a methodResponse body: the value, or the fault's code and string. */
export function decodeResponse(
  xml: string,
): Promise<{ value?: unknown; fault?: { faultCode: unknown; faultString: string } }> {
  return new Promise((resolve) =>
    new XmlRpcDeserializer().deserializeMethodResponse(Readable.from([xml]), (err, value) =>
      resolve(
        err
          ? { fault: { faultCode: err.faultCode, faultString: err.faultString ?? '' } }
          : { value },
      ),
    ),
  );
}

export interface FixtureServer {
  url: string;
  /** Calls that matched no recorded exchange (answered 404). */
  unmatched: string[];
  close(): Promise<void>;
}

export async function startFixtureServer(extra: Exchange[] = []): Promise<FixtureServer> {
  const exchanges = [...loadExchanges(), ...extra];
  const decoded = await Promise.all(
    exchanges.map(async (e) => ({ e, call: await decodeCall(e.request) })),
  );
  const unmatched: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      decodeCall(body)
        .catch(() => undefined)
        .then((call) => {
          const match =
            call && decoded.find((d) => d.e.path === req.url && isDeepStrictEqual(d.call, call));
          if (!match) {
            unmatched.push(`${req.url} ${body}`);
            res.writeHead(404).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(match.e.response);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    unmatched,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
