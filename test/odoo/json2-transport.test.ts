// The Node JSON-2 transport over real HTTP against a real Odoo 19.0's recorded answers
// (test/helpers/json2-replay.ts): requests, answers and typed faults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnreachableError } from '../../src/core/errors.js';
import { Secret } from '../../src/core/secret.js';
import {
  OdooAccessDenied,
  OdooAccessError,
  OdooApplicationError,
  OdooUserError,
} from '../../src/odoo/faults.js';
import { Json2Transport } from '../../src/odoo/json2-transport.js';
import {
  JSON2_KEY,
  loadJson2Exchanges,
  startJson2Replay,
  type Json2Replay,
} from '../helpers/json2-replay.js';

let replay: Json2Replay;
let transport: Json2Transport;
const key = new Secret(JSON2_KEY);

beforeAll(async () => {
  replay = await startJson2Replay();
  transport = new Json2Transport({ url: replay.url });
});
afterAll(() => replay.close());

const call = (model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>) =>
  transport
    .executeKw({ db: 'lab19', uid: 2, secret: key, model, method, args, kwargs })
    .catch((e: unknown) => e);

describe('Json2Transport against Odoo 19.0', () => {
  it('finds the uid by login with the bearer key and the database header', async () => {
    await expect(transport.authenticate('lab19', 'admin', key)).resolves.toBe(2);
    expect(replay.seen.at(-1)).toMatchObject({
      authorization: `bearer ${JSON2_KEY}`,
      database: 'lab19',
    });
    await expect(transport.authenticate('lab19', 'admin', new Secret('not-the-key'))).resolves.toBe(
      false,
    );
  });

  it("answers a single create's id, a record method's value, None as committed", async () => {
    const created = (loadJson2Exchanges()['create-one']!.body as number[])[0];
    expect(await call('res.partner', 'create', [{ name: 'OC-fixture' }])).toEqual({
      status: 'returned',
      value: created,
    });
    expect(await call('res.partner', 'write', [[3], { comment: 'x' }])).toEqual({
      status: 'returned',
      value: true,
    });
    expect(await call('account.move', 'button_draft', [[]])).toMatchObject({
      status: 'committed-unmarshallable',
    });
  });

  it('turns error answers into the faults XML-RPC gives', async () => {
    const confirmed = loadJson2Exchanges()['user-error']!.request.ids as number[];
    expect(await call('sale.order', 'action_confirm', [confirmed])).toBeInstanceOf(OdooUserError);
    expect(await call('res.partner', 'write', [[999999], { name: 'y' }])).toBeInstanceOf(
      OdooUserError,
    );
    expect(await call('res.partner', '_private', [[]])).toBeInstanceOf(OdooAccessError);
    expect(await call('res.partner', 'no_such_method', [[]])).toBeInstanceOf(OdooApplicationError);
    const unknown = await call('res.partner', 'search_read', [], { ids: [1], domain: [] });
    expect(unknown).toBeInstanceOf(OdooApplicationError);
    const typeError = (await call('sale.order', 'action_confirm', [[[1]]])) as Error;
    expect(typeError).toBeInstanceOf(OdooApplicationError);
    expect(typeError.message).toBe(
      "sale.order.action_confirm: Odoo fault 1: TypeError: unhashable type: 'list'",
    );
    const denied = await transport
      .executeKw({
        db: 'lab19',
        uid: 2,
        secret: new Secret('not-the-key'),
        model: 'res.users',
        method: 'search',
        args: [[]],
      })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OdooAccessDenied);
  });

  it('says when the server offers JSON-2, and when a database is unknown', async () => {
    await expect(transport.offered()).resolves.toBe(true);
    const error = await transport
      .executeKw({
        db: 'no_such_db',
        uid: 2,
        secret: key,
        model: 'res.users',
        method: 'search',
        args: [[]],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toMatch(/no JSON-2 API or no database "no_such_db"/);
  });
});
