// The JSON-2 transport over real HTTP against a small server answering in the documented
// JSON-2 form (POST /json/2/<model>/<method>, bearer key, named parameters, HTTP status errors).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/core/secret.js';
import { OdooAccessDenied, OdooUserError } from '../../src/odoo/faults.js';
import { Json2Transport } from '../../src/odoo/json2-transport.js';

interface Seen {
  path: string;
  auth: string | undefined;
  db: string | undefined;
  body: Record<string, unknown>;
}
const seen: Seen[] = [];
let server: Server;
let url: string;

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {}));
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      seen.push({
        path: req.url!,
        auth: req.headers.authorization,
        db: req.headers['x-odoo-database'] as string,
        body,
      });
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.headers.authorization !== 'bearer good-key-123') {
        return json(401, { name: 'odoo.exceptions.AccessDenied', message: 'Access Denied' });
      }
      if (req.url === '/json/2/res.partner/search_read')
        return json(200, [{ id: 7, name: 'Cust A' }]);
      if (req.url === '/json/2/res.users/search') return json(200, [2]);
      if (req.url === '/json/2/sale.order/action_confirm') {
        return json(422, {
          name: 'odoo.exceptions.UserError',
          message: 'The following orders are not in a state requiring confirmation: S00001',
        });
      }
      json(404, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const key = new Secret('good-key-123');

describe('Json2Transport', () => {
  it('turns execute_kw positional args into named parameters with the bearer key and database header', async () => {
    const transport = new Json2Transport({ url });
    const outcome = await transport.executeKw({
      db: 'acme',
      uid: 2,
      secret: key,
      model: 'res.partner',
      method: 'search_read',
      args: [[['is_company', '=', true]], ['name']],
      kwargs: { limit: 5 },
    });
    expect(outcome).toEqual({ status: 'returned', value: [{ id: 7, name: 'Cust A' }] });
    const request = seen.at(-1)!;
    expect(request).toMatchObject({
      path: '/json/2/res.partner/search_read',
      auth: 'bearer good-key-123',
      db: 'acme',
    });
    expect(request.body).toEqual({
      domain: [['is_company', '=', true]],
      fields: ['name'],
      limit: 5,
    });
  });

  it('sends record methods with ids', async () => {
    const transport = new Json2Transport({ url });
    const error = await transport
      .executeKw({
        db: 'acme',
        uid: 2,
        secret: key,
        model: 'sale.order',
        method: 'action_confirm',
        args: [[1]],
      })
      .catch((e: unknown) => e);
    expect(seen.at(-1)!.body).toEqual({ ids: [1] });
    expect(error).toBeInstanceOf(OdooUserError);
  });

  it('maps a refused key to access denied, and authenticate to false', async () => {
    const transport = new Json2Transport({ url });
    const bad = new Secret('bad-key-000');
    const error = await transport
      .executeKw({
        db: 'acme',
        uid: 2,
        secret: bad,
        model: 'res.partner',
        method: 'search',
        args: [[]],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OdooAccessDenied);
    await expect(transport.authenticate('acme', 'admin', bad)).resolves.toBe(false);
    await expect(transport.authenticate('acme', 'admin', key)).resolves.toBe(2);
  });
});
