// The lab's real ORM through its server: Python's xmlrpc.client runs the logistics flow, then every
// recorded Odoo 17.0 exchange is replayed and must match in structure, types and fault codes.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Logger } from '../../src/core/logger.js';
import { startLab, type LabHandle } from '../../src/lab/server/index.js';
import { loadExchanges } from '../helpers/fixture-server.js';
import { executeKw } from '../lab/server/support/lab-client.js';
import { expectLikeRecorded } from '../lab/server/support/replay.js';

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
    'answers recorded exchange %s with the same structure, types, fault code and text',
    async (_name, exchange) => {
      await expectLikeRecorded(lab.url, exchange);
    },
  );
});

describe('the lab under contention, through its server', () => {
  const kw = (model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>) =>
    executeKw(lab.url, 'lab17', model, method, args, kwargs);
  const valueOf = async (
    model: string,
    method: string,
    args: unknown[],
    kwargs?: Record<string, unknown>,
  ) => {
    const answer = await kw(model, method, args, kwargs);
    if (answer.fault)
      throw new Error(`${model}.${method}: fault ${String(answer.fault.faultCode)}`);
    return answer.value;
  };

  it('confirms orders on one hot product, writes one picking and posts on one journal at once; retries show, lab check passes', async () => {
    const ids = flow.ids as { product: number; customer: number; picking: number };
    const orderOf = async () =>
      (await valueOf('sale.order', 'create', [
        {
          partner_id: ids.customer,
          order_line: [[0, 0, { product_id: ids.product, product_uom_qty: 1 }]],
        },
      ])) as number;
    // Invoices to post together: orders delivered and invoiced one by one first.
    const drafts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const order = await orderOf();
      await valueOf('sale.order', 'action_confirm', [[order]]);
      const [{ picking_ids }] = (await valueOf('sale.order', 'read', [
        [order],
        ['picking_ids'],
      ])) as [{ picking_ids: number[] }];
      await valueOf('stock.picking', 'button_validate', [picking_ids]);
      const wizard = await valueOf('sale.advance.payment.inv', 'create', [
        { advance_payment_method: 'delivered', sale_order_ids: [[6, 0, [order]]] },
      ]);
      await kw('sale.advance.payment.inv', 'create_invoices', [[wizard]]);
      const [{ invoice_ids }] = (await valueOf('sale.order', 'read', [
        [order],
        ['invoice_ids'],
      ])) as [{ invoice_ids: number[] }];
      drafts.push(...invoice_ids);
    }
    // Both workers check the credentials now (a password hash each, about a second of CPU), or
    // the one that has served nothing yet spends the contention below hashing while the other
    // runs the calls one after another.
    const warm = () => valueOf('stock.picking', 'read', [[ids.picking], ['state']]);
    await Promise.all([warm(), warm()]);
    const retriesBefore = lab.status().retries.total;
    // The writes first: both workers start one at once, so they collide whatever the calls
    // queued before them took.
    const writes = Array.from({ length: 4 }, (_, i) =>
      valueOf('stock.picking', 'write', [[ids.picking], { carrier_tracking_ref: `HOT-${i}` }]),
    );
    const confirms = Array.from({ length: 4 }, async () =>
      valueOf('sale.order', 'action_confirm', [[await orderOf()]]),
    );
    const posts = drafts.map((id) => valueOf('account.move', 'action_post', [[id]]));
    expect(await Promise.all([...confirms, ...writes])).toEqual(Array(8).fill(true));
    expect(await Promise.all(posts)).toEqual(Array(3).fill(false));

    expect(lab.status().retries.total).toBeGreaterThan(retriesBefore);
    const names = (await valueOf('account.move', 'read', [drafts, ['name']])) as { name: string }[];
    expect(new Set(names.map((n) => n.name)).size).toBe(3);
    const check = (await (await fetch(`${lab.url}/lab/check`)).json()) as {
      ok: boolean;
      databases: unknown[];
    };
    expect(check).toMatchObject({ ok: true, databases: [{ db: 'lab17', violations: [] }] });
  });
});
