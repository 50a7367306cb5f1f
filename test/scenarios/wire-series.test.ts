// Exchanges recorded from real Odoo 16.0, 18.0 and 19.0 (bench/record-wire.ts) decoded and
// re-encoded by the scenarios' codec as the xmlrpc package would, no password kept.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMethodResponse, encodeMethodCall } from '../../scenarios/lib/xmlrpc-codec.ts';
import { decodeCall, decodeResponse, loadExchanges, WIRE_DIR } from '../helpers/fixture-server.js';

const FIXTURES = join(WIRE_DIR, '..');
/** The parameter holding the secret: execute_kw (db, uid, password, …), authenticate (db, login, password, …). */
const SECRET_AT: Record<string, number> = { execute_kw: 2, authenticate: 2 };

for (const series of ['16.0', '18.0', '19.0'] as const) {
  const dir = join(FIXTURES, `odoo-${series}-wire`);
  describe(`the exchanges recorded from Odoo ${series}`, () => {
    const exchanges = existsSync(dir) ? loadExchanges(dir) : [];
    const byName = (name: string) => {
      const found = exchanges.find((e) => e.name === name);
      expect(found, name).toBeDefined();
      return decodeMethodResponse(found!.response);
    };

    it('hold every call the scenarios and seed make, and the faults', () => {
      expect(exchanges.length).toBeGreaterThanOrEqual(40);
      const calls = new Set(exchanges.map((e) => e.name));
      for (const name of [
        'common-version',
        'object-sale-order-create',
        'object-sale-order-action-confirm',
        'object-stock-picking-button-validate',
        'object-stock-picking-write',
        'object-stock-quant-action-apply-inventory-fault1',
        'object-sale-advance-payment-inv-create-invoices',
        'object-account-move-action-post',
        'object-res-config-settings-execute',
        'object-unknown-model-fault2',
        'object-private-method-fault4',
        'object-wrong-password-fault3',
      ])
        expect(calls.has(name), name).toBe(true);
    });

    it("decode with the scenarios' codec exactly as the xmlrpc package decodes them", async () => {
      for (const exchange of exchanges) {
        const theirs = await decodeResponse(exchange.response);
        const expected = theirs.fault
          ? { status: 'fault', ...theirs.fault }
          : { status: 'value', value: theirs.value };
        expect(decodeMethodResponse(exchange.response), exchange.name).toEqual(expected);
      }
    });

    it("re-encode with the scenarios' codec to the same call, the password masked", async () => {
      for (const exchange of exchanges) {
        const [method, params] = await decodeCall(exchange.request);
        expect(await decodeCall(encodeMethodCall(method, params)), exchange.name).toEqual([
          method,
          params,
        ]);
        const at = SECRET_AT[method];
        if (at !== undefined) expect(params[at], exchange.name).toBe('********');
        expect(exchange.response, exchange.name).not.toMatch(/File "\/(?!opt\/odoo\/|usr\/)/);
      }
    });

    it('answer as that series does', () => {
      expect(byName('common-version')).toMatchObject({
        status: 'value',
        value: { server_serie: series, protocol_version: 1 },
      });
      expect(byName('common-authenticate-ok')).toEqual({ status: 'value', value: 2 });
      expect(byName('common-authenticate-wrong-password')).toEqual({
        status: 'value',
        value: false,
      });
      expect(byName('object-wrong-password-fault3')).toMatchObject({
        status: 'fault',
        faultCode: 3,
      });
      expect(byName('object-unknown-model-fault2')).toMatchObject({
        status: 'fault',
        faultCode: 2,
        faultString: "Object no.such.model doesn't exist",
      });
      expect(byName('object-private-method-fault4')).toMatchObject({
        status: 'fault',
        faultCode: 4,
      });
      // Applying a count answers None: committed, then Odoo's marshaller refuses it (fault 1).
      expect(byName('object-stock-quant-action-apply-inventory-fault1')).toMatchObject({
        status: 'fault',
        faultCode: 1,
        faultString: expect.stringContaining('cannot marshal None'),
      });
      expect(byName('object-account-move-action-post')).toEqual({ status: 'value', value: false });
    });

    it(`carry a stock move's name in stock-moves' transfers ${series === '19.0' ? 'no more' : 'still'}`, async () => {
      const create = exchanges.find((e) => e.name === 'object-stock-picking-create')!;
      const [, params] = await decodeCall(create.request);
      const moves = (params[5] as [{ move_ids: [number, number, Record<string, unknown>][] }])[0]
        .move_ids;
      expect(moves.length).toBeGreaterThan(0);
      for (const [, , move] of moves) expect('name' in move).toBe(series !== '19.0');
    });
  });
}
