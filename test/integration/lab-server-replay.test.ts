// The lab with its real ORM, end to end through its server: Python's xmlrpc.client runs the whole
// logistics flow, then every recorded Odoo 17.0 exchange is replayed against the data it made and
// must come back with the recorded structure, XML-RPC types and fault codes.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Logger } from '../../src/core/logger.js';
import { startLab, type LabHandle } from '../../src/lab/server/index.js';
import { decodeResponse, loadExchanges } from '../helpers/fixture-server.js';
import { postXml } from '../lab/server/support/lab-client.js';
import { responseShape } from '../lab/server/support/xml-shape.js';

const FLOW = join(import.meta.dirname, '..', 'lab', 'server', 'support', 'logistics-flow.py');

let lab: LabHandle;
let flow: Record<string, unknown>;

beforeAll(async () => {
  lab = await startLab({ port: 0, workers: 2, databases: ['lab17'], log: new Logger('warn') });
  const { stdout } = await promisify(execFile)('python3', [FLOW, lab.url, 'lab17']);
  flow = JSON.parse(stdout) as Record<string, unknown>;
});
afterAll(async () => {
  await lab?.stop();
});

describe('the lab with its ORM, through its server', () => {
  it('runs the whole logistics flow from Python xmlrpc.client with Odoo 17 answers', () => {
    const none = ['fault', 1, 'TypeError: cannot marshal None unless allow_none is enabled'];
    expect(flow).toMatchObject({
      uid: 2,
      apply_inventory: none,
      confirm: true,
      picking_before: 'assigned',
      validate: true,
      tracking: true,
      picking_after: { state: 'done', carrier_tracking_ref: 'TRK1' },
      create_invoices: none,
      post: false,
      invoice: { name: 'INV/2026/00001', state: 'posted', amount_total: expect.any(Number) },
      quant_after: [{ quantity: 97 }],
      confirm_second: true,
    });
  });

  it.each(loadExchanges().map((e) => [e.name, e] as const))(
    'answers recorded exchange %s with the same structure, types and fault code',
    async (_name, exchange) => {
      const answer = await postXml(lab.url, exchange.path, exchange.request);
      expect(answer.status).toBe(200);
      expect(answer.contentType).toBe('text/xml; charset=utf-8');
      const got = responseShape(answer.text);
      const want = responseShape(exchange.response);
      if (exchange.name === 'common-version') {
        delete (got.params as Record<string, unknown>).lab;
      }
      expect(got).toEqual(want);
      const [gotValue, wantValue] = await Promise.all([
        decodeResponse(answer.text),
        decodeResponse(exchange.response),
      ]);
      expect(gotValue.fault?.faultCode).toBe(wantValue.fault?.faultCode);
    },
  );
});
