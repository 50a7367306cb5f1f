// The client against the exchanges recorded from a real Odoo 17: it encodes each call as
// Odoo's Python client did, decodes each answer, and classifies each fault as Odoo meant it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/core/secret.js';
import {
  OdooAccessDenied,
  OdooAccessError,
  OdooApplicationError,
  OdooConcurrencyError,
  OdooUserError,
  XmlRpcTransport,
} from '../../src/odoo/index.js';
import {
  decodeCall,
  loadExchanges,
  startFixtureServer,
  type FixtureServer,
} from '../helpers/fixture-server.js';

let server: FixtureServer;
let transport: XmlRpcTransport;

beforeAll(async () => {
  server = await startFixtureServer();
  transport = new XmlRpcTransport({ url: server.url, timeoutMs: 10_000 });
});
afterAll(() => server.close());

/** Replays a recorded request through the typed client API. */
async function replay(name: string): Promise<unknown> {
  const exchange = loadExchanges().find((e) => e.name === name)!;
  const [method, params] = await decodeCall(exchange.request);
  if (exchange.path === '/xmlrpc/2/common' && method === 'version') return transport.version();
  if (exchange.path === '/xmlrpc/2/common' && method === 'authenticate') {
    const [db, login, password] = params as [string, string, string];
    return transport.authenticate(db, login, new Secret(password));
  }
  const [db, uid, password, model, m, args, kwargs] = params as [
    string,
    number,
    string,
    string,
    string,
    unknown[],
    Record<string, unknown>?,
  ];
  return transport.executeKw({
    db,
    uid,
    secret: new Secret(password),
    model,
    method: m,
    args,
    kwargs,
  });
}

describe('decoding every recorded exchange', () => {
  it('covers each exchange in index.json, with no call the server could not match', async () => {
    for (const exchange of loadExchanges()) await replay(exchange.name).catch(() => undefined);
    expect(server.unmatched).toEqual([]);
  });

  it('version returns the four keys with their Odoo types', async () => {
    const version = await replay('common-version');
    expect(version).toEqual({
      server_version: '17.0',
      server_version_info: [17, 0, 0, 'final', 0, ''],
      server_serie: '17.0',
      protocol_version: 1,
    });
  });

  it('authenticate returns the uid, and false (not a fault) for a wrong password', async () => {
    await expect(replay('common-authenticate-ok')).resolves.toBe(2);
    await expect(replay('common-authenticate-wrong-password')).resolves.toBe(false);
  });

  it('many2one values decode as [id, name] and empty values as false, dates as strings', async () => {
    const outcome = (await replay('object-search-read-many2one')) as {
      status: string;
      value: Record<string, unknown>[];
    };
    expect(outcome.status).toBe('returned');
    expect(outcome.value[0]!.partner_id).toEqual([7, 'Cust A']);
    expect(outcome.value[1]!.carrier_tracking_ref).toBe(false);
    expect(outcome.value[0]!.scheduled_date).toBe('2026-11-23 07:37:17');
  });

  it('scalar and record results decode with their types', async () => {
    expect(await replay('object-create-sale-order')).toEqual({ status: 'returned', value: 3 });
    expect(await replay('object-search-count')).toEqual({ status: 'returned', value: 2 });
    expect(await replay('object-write-tracking-ref')).toEqual({ status: 'returned', value: true });
    const read = (await replay('object-read-sale-order')) as { value: Record<string, unknown>[] };
    expect(read.value[0]).toMatchObject({
      name: 'S00001',
      amount_total: 34.5,
      picking_ids: [1],
      invoice_ids: [1],
    });
    const posted = (await replay('object-post-invoice-returns-false')) as {
      value: Record<string, unknown>[];
    };
    expect(posted.value[0]).toMatchObject({ name: 'INV/2026/00001', state: 'posted' });
  });
});

describe('classifying every recorded fault', () => {
  const cases: [string, new (...a: never[]) => Error, number, string][] = [
    ['object-wrong-password-fault3', OdooAccessDenied, 3, 'access_denied'],
    ['object-unknown-model-fault2', OdooUserError, 2, 'user'],
    ['object-private-method-fault4', OdooAccessError, 4, 'access'],
    ['object-unknown-method-fault1', OdooApplicationError, 1, 'application'],
    ['object-confirm-twice-fault2', OdooUserError, 2, 'user'],
  ];
  for (const [name, type, code, tag] of cases) {
    it(`${name} is fault ${code} (${tag})`, async () => {
      const error = await replay(name).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject({ faultCode: code, tag });
      expect(error).not.toBeInstanceOf(OdooConcurrencyError);
    });
  }

  it('names the call and keeps the useful line of a traceback', async () => {
    const error = (await replay('object-unknown-method-fault1').catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('sale.order.no_such_method');
    expect(error.message).toContain(
      "AttributeError: The method 'sale.order.no_such_method' does not exist",
    );
    expect(error.message).not.toContain('\n');
  });
});
