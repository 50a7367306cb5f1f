// An HTTP server answering JSON-2 requests with answers recorded from Odoo 19.0
// (test/fixtures/odoo-19.0-json2); anything unrecorded is a 599 naming the request.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

export const JSON2_KEY = 'the-recorded-api-key-000';
export const JSON2_DB = 'lab19';

export interface Json2Exchange {
  path: string;
  request: Record<string, unknown>;
  headers: { authorization: string | null; 'x-odoo-database': string | null };
  status: number;
  body: unknown;
}

export function loadJson2Exchanges(): Record<string, Json2Exchange> {
  const file = join(import.meta.dirname, '..', 'fixtures', 'odoo-19.0-json2', 'exchanges.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, Json2Exchange>;
}

export interface Json2Replay {
  url: string;
  /** Requests received: path, headers and body. */
  seen: { path: string; authorization?: string; database?: string; body: unknown }[];
  close(): Promise<void>;
}

/** `extra` answers more exchanges (e.g. a version answer), by path, before the recorded ones. */
export async function startJson2Replay(
  extra: Record<string, Json2Exchange> = {},
): Promise<Json2Replay> {
  const exchanges = [...Object.values(extra), ...Object.values(loadJson2Exchanges())];
  const seen: Json2Replay['seen'] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body: unknown = text ? JSON.parse(text) : {};
      const authorization = req.headers.authorization;
      const database = req.headers['x-odoo-database'] as string | undefined;
      seen.push({ path: req.url!, authorization, database, body });
      const key = authorization?.replace(`bearer ${JSON2_KEY}`, 'bearer <key>') ?? null;
      const found = exchanges.find(
        (e) =>
          e.path === req.url &&
          isDeepStrictEqual(e.request, body) &&
          e.headers.authorization === key &&
          e.headers['x-odoo-database'] === (database ?? null),
      );
      if (!found) {
        res.writeHead(599).end(`unrecorded: ${req.url} ${text}`);
        return;
      }
      const html = typeof found.body === 'string';
      res
        .writeHead(found.status, {
          'content-type': html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
        })
        .end(html ? found.body : JSON.stringify(found.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
