// The k6 client's JSON-2 transport (Odoo 19+), in real k6 over HTTP against a small server
// answering in the documented JSON-2 form: named parameters, bearer key, database header, errors
// as HTTP statuses with the exception's name, None as null.
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, newTempDir, runK6 } from '../scenarios/run-k6.js';

interface Seen {
  path: string;
  auth: string | undefined;
  db: string | undefined;
  body: Record<string, unknown>;
}

const KEY = 'good-key-123';
const seen: Seen[] = [];
let server: Server;
let url: string;
let outcomes: Record<string, unknown>;

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {}));
  });
}

const SCRIPT = `
import { Json2Transport } from '${REPO}/scenarios/k6/json2-transport.ts';
import { CallFailure } from '${REPO}/scenarios/lib/call-failure.ts';
export const options = { vus: 1, iterations: 1 };
function attempt(f) {
  try { return { value: f() }; } catch (e) { return e instanceof CallFailure ? { tag: e.tag, faultCode: e.faultCode } : { error: String(e) }; }
}
export default function () {
  const target = (secret) => ({ url: __ENV.URL, db: 'tenant19', user: 'loadtest', secret, secretKind: 'api_key' });
  const t = new Json2Transport(target('${KEY}'), '5s');
  const wrong = new Json2Transport(target('wrong-key'), '5s');
  console.log(JSON.stringify({
    version: attempt(() => t.version()),
    uid: attempt(() => t.authenticate()),
    wrongUid: attempt(() => wrong.authenticate()),
    searchRead: attempt(() => t.executeKw(2, 'res.partner', 'search_read', [[['ref', '=like', 'OC-C-%']]], { fields: ['name'], limit: 2 })),
    write: attempt(() => t.executeKw(2, 'stock.picking', 'write', [[7], { carrier_tracking_ref: 'TRK-1' }])),
    confirmTwice: attempt(() => t.executeKw(2, 'sale.order', 'action_confirm', [[1]])),
    applyInventory: attempt(() => t.executeKw(2, 'stock.quant', 'action_apply_inventory', [[3]])),
  }));
}
`;

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      seen.push({
        path: req.url!,
        auth: req.headers.authorization,
        db: req.headers['x-odoo-database'] as string | undefined,
        body,
      });
      const json = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      };
      if (req.url === '/web/webclient/version_info') {
        return json(200, {
          jsonrpc: '2.0',
          result: { server_version: '19.0', server_serie: '19.0', protocol_version: 1 },
        });
      }
      if (req.headers.authorization !== `bearer ${KEY}`) {
        return json(401, { name: 'odoo.exceptions.AccessDenied', message: 'Access Denied' });
      }
      switch (req.url) {
        case '/json/2/res.users/search':
          return json(200, [2]);
        case '/json/2/res.partner/search_read':
          return json(200, [{ id: 7, name: 'Cust A' }]);
        case '/json/2/stock.picking/write':
          return json(200, true);
        case '/json/2/sale.order/action_confirm':
          return json(422, {
            name: 'odoo.exceptions.UserError',
            message: 'The following orders are not in a state requiring confirmation: S00001',
          });
        case '/json/2/stock.quant/action_apply_inventory':
          return json(200, null);
        default:
          return json(404, {});
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const dir = newTempDir('json2');
  writeFileSync(join(dir, 'script.js'), SCRIPT);
  const result = await runK6(join(dir, 'script.js'), { URL: url });
  expect(result.exitCode, result.stderr).toBe(0);
  outcomes = JSON.parse(result.console.find((l) => l.msg.startsWith('{'))!.msg) as Record<
    string,
    unknown
  >;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the k6 JSON-2 transport', () => {
  it('reads the version and finds the uid by login with the API key', () => {
    expect(outcomes.version).toEqual({
      value: { server_version: '19.0', server_serie: '19.0', protocol_version: 1 },
    });
    expect(outcomes.uid).toEqual({ value: 2 });
    expect(outcomes.wrongUid).toEqual({ value: false });
    const search = seen.find((s) => s.path === '/json/2/res.users/search' && s.auth?.endsWith(KEY));
    expect(search).toMatchObject({
      db: 'tenant19',
      body: { domain: [['login', '=', 'loadtest']], limit: 1 },
    });
  });

  it('turns execute_kw arguments into named parameters, with ids for record methods', () => {
    expect(outcomes.searchRead).toEqual({
      value: { status: 'value', value: [{ id: 7, name: 'Cust A' }] },
    });
    expect(seen.find((s) => s.path === '/json/2/res.partner/search_read')!.body).toEqual({
      domain: [['ref', '=like', 'OC-C-%']],
      fields: ['name'],
      limit: 2,
    });
    expect(seen.find((s) => s.path === '/json/2/stock.picking/write')!.body).toEqual({
      ids: [7],
      vals: { carrier_tracking_ref: 'TRK-1' },
    });
  });

  it('maps error answers to Odoo fault tags, and null to a committed None', () => {
    expect(outcomes.confirmTwice).toEqual({ tag: 'user', faultCode: 2 });
    expect(outcomes.applyInventory).toEqual({ value: { status: 'none' } });
  });
});
