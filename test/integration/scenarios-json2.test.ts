// The k6 client's JSON-2 transport in real k6 against a real Odoo 19.0's recorded answers
// (test/helpers/json2-replay.ts): bodies, answers, None as committed, fault tags.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JSON2_KEY,
  loadJson2Exchanges,
  startJson2Replay,
  type Json2Replay,
} from '../helpers/json2-replay.js';
import { REPO, newTempDir, runK6 } from '../scenarios/run-k6.js';

const recorded = loadJson2Exchanges();
const confirmed = recorded['user-error']!.request.ids as number[];

const SCRIPT = `
import { Json2Transport } from '${REPO}/scenarios/k6/json2-transport.ts';
import { CallFailure } from '${REPO}/scenarios/lib/call-failure.ts';
export const options = { vus: 1, iterations: 1 };
function attempt(f) {
  try { return { value: f() }; } catch (e) { return e instanceof CallFailure ? { tag: e.tag, faultCode: e.faultCode, message: e.message } : { error: String(e) }; }
}
export default function () {
  const target = (secret, db) => ({ url: __ENV.URL, db, user: 'admin', secret, secretKind: 'api_key' });
  const t = new Json2Transport(target('${JSON2_KEY}', 'lab19'), '5s');
  const wrong = new Json2Transport(target('not-the-key', 'lab19'), '5s');
  const noDb = new Json2Transport(target('${JSON2_KEY}', 'no_such_db'), '5s');
  console.log(JSON.stringify({
    version: attempt(() => t.version()),
    uid: attempt(() => t.authenticate()),
    wrongUid: attempt(() => wrong.authenticate()),
    create: attempt(() => t.executeKw(2, 'res.partner', 'create', [{ name: 'OC-fixture' }])),
    write: attempt(() => t.executeKw(2, 'res.partner', 'write', [[3], { comment: 'x' }])),
    none: attempt(() => t.executeKw(2, 'account.move', 'button_draft', [[]])),
    confirmTwice: attempt(() => t.executeKw(2, 'sale.order', 'action_confirm', [${JSON.stringify(confirmed)}])),
    typeError: attempt(() => t.executeKw(2, 'sale.order', 'action_confirm', [[[1]]])),
    noDb: attempt(() => noDb.executeKw(2, 'res.users', 'search', [[]])),
  }));
}
`;

let replay: Json2Replay;
let outcomes: Record<string, unknown>;

beforeAll(async () => {
  replay = await startJson2Replay({
    version: {
      path: '/web/webclient/version_info',
      request: { jsonrpc: '2.0', method: 'call', params: {} },
      headers: { authorization: null, 'x-odoo-database': null },
      status: 200,
      body: {
        jsonrpc: '2.0',
        id: null,
        result: { server_version: '19.0', server_serie: '19.0', protocol_version: 1 },
      },
    },
  });
  const dir = newTempDir('json2');
  writeFileSync(join(dir, 'script.js'), SCRIPT);
  const result = await runK6(join(dir, 'script.js'), { URL: replay.url });
  expect(result.exitCode, result.stderr).toBe(0);
  outcomes = JSON.parse(result.console.find((l) => l.msg.startsWith('{'))!.msg) as Record<
    string,
    unknown
  >;
});

afterAll(() => replay.close());

describe('the k6 JSON-2 transport against Odoo 19.0', () => {
  it('reads the version and finds the uid by login with the API key', () => {
    expect(outcomes.version).toMatchObject({ value: { server_serie: '19.0' } });
    expect(outcomes.uid).toEqual({ value: 2 });
    expect(outcomes.wrongUid).toEqual({ value: false });
  });

  it("answers a single create's id as execute_kw does, and None as committed", () => {
    const created = (recorded['create-one']!.body as number[])[0];
    expect(outcomes.create).toEqual({ value: { status: 'value', value: created } });
    expect(outcomes.write).toEqual({ value: { status: 'value', value: true } });
    expect(outcomes.none).toEqual({ value: { status: 'none' } });
  });

  it('maps error answers to Odoo fault tags, and an unknown database to an HTTP failure', () => {
    expect(outcomes.confirmTwice).toMatchObject({ tag: 'user', faultCode: 2 });
    expect(outcomes.typeError).toMatchObject({
      tag: 'application',
      faultCode: 1,
      message:
        "sale.order.action_confirm: Odoo fault 1 (application): TypeError: unhashable type: 'list'",
    });
    expect(outcomes.noDb).toMatchObject({ tag: 'http' });
  });
});
