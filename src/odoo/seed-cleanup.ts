// `seed --cleanup`: removes the records that carry seed or load markers, and only those, as far
// as Odoo allows; the summary says what remains and why.
import { OdooUserError } from './faults.js';
import type { OdooClient } from './client.js';
import { SEED_MARKERS } from './seed-markers.js';
import type { ProgressFn } from './seed.js';
import { revertSettings, type SettingsCleanup } from './seed-settings.js';

export interface CleanupSummary {
  orders: { found: number; deleted: number; cancelledKept: number };
  invoices: { found: number; deleted: number; cancelledKept: number };
  deliveriesKept: number;
  /** Receipts and internal transfers the load created (origin OC-LOAD-…-IN-… / -INT-…). */
  loadPickings: { found: number; deleted: number; doneKept: number; refusedKept: number };
  products: { found: number; deleted: number; archived: number };
  customers: { found: number; deleted: number; archived: number };
  settings: SettingsCleanup;
  /** What remains, in one sentence each. */
  remains: string[];
}

type Row = Record<string, unknown>;

/**
 * Deletes what Odoo lets go: the whole batch at once, or one by one when Odoo refuses the batch
 * (a UserError or IntegrityError, fault 2). Returns the ids Odoo kept.
 */
async function deleteWhatOdooAllows(
  client: OdooClient,
  model: string,
  ids: number[],
): Promise<{ deleted: number; kept: number[] }> {
  if (ids.length === 0) return { deleted: 0, kept: [] };
  try {
    await client.call(model, 'unlink', [ids]);
    return { deleted: ids.length, kept: [] };
  } catch (error) {
    if (!(error instanceof OdooUserError)) throw error;
  }
  const kept: number[] = [];
  for (const id of ids) {
    try {
      await client.call(model, 'unlink', [[id]]);
    } catch (error) {
      if (!(error instanceof OdooUserError)) throw error;
      kept.push(id);
    }
  }
  return { deleted: ids.length - kept.length, kept };
}

/** Deletes records; those something still references are archived instead. */
async function deleteOrArchive(
  client: OdooClient,
  model: string,
  ids: number[],
): Promise<{ deleted: number; archived: number }> {
  const { deleted, kept } = await deleteWhatOdooAllows(client, model, ids);
  if (kept.length > 0) await client.call(model, 'write', [kept, { active: false }]);
  return { deleted, archived: kept.length };
}

async function markedIds(
  client: OdooClient,
  model: string,
  field: string,
  like: string,
): Promise<number[]> {
  return client.call<number[]>(model, 'search', [[[field, '=like', like]]], {
    context: { active_test: false },
  });
}

export async function cleanupSeed(
  client: OdooClient,
  onProgress: ProgressFn = () => undefined,
): Promise<CleanupSummary> {
  await client.authenticate();
  const orders = await client.call<Row[]>(
    'sale.order',
    'search_read',
    [
      [
        '|',
        ['client_order_ref', '=like', SEED_MARKERS.seedOrderLike],
        ['client_order_ref', '=like', SEED_MARKERS.loadOrderLike],
      ],
    ],
    { kwargs: { fields: ['state', 'invoice_ids', 'picking_ids'] } },
  );
  const steps = 7;
  onProgress({ phase: 'cleanup', done: 0, total: steps });

  // Invoices of those orders: drafts go; posted ones are reset and cancelled, and stay.
  const invoiceIds = [...new Set(orders.flatMap((o) => o.invoice_ids as number[]))];
  const invoices =
    invoiceIds.length > 0
      ? await client.call<Row[]>('account.move', 'read', [invoiceIds, ['state', 'posted_before']])
      : [];
  const posted = invoices.filter((i) => i.state === 'posted').map((i) => i.id as number);
  // Odoo 17's button_draft and button_cancel return None: committed, then fault 1 over XML-RPC.
  if (posted.length > 0) await client.executeKw('account.move', 'button_draft', [posted]);
  const toCancel = invoices.filter((i) => i.state !== 'cancel').map((i) => i.id as number);
  if (toCancel.length > 0) await client.executeKw('account.move', 'button_cancel', [toCancel]);
  const neverPosted = invoices.filter((i) => !i.posted_before && i.state !== 'posted');
  const { deleted: invoicesDeleted } = await deleteWhatOdooAllows(
    client,
    'account.move',
    neverPosted.map((i) => i.id as number),
  );
  onProgress({ phase: 'cleanup', done: 1, total: steps });

  // Orders: cancel (open deliveries are cancelled with them), then delete.
  const open = orders.filter((o) => o.state !== 'cancel').map((o) => o.id as number);
  if (open.length > 0)
    await client.call('sale.order', 'action_cancel', [open], {
      context: { disable_cancel_warning: true },
    });
  const orderIds = orders.map((o) => o.id as number);
  const { deleted: ordersDeleted } = await deleteWhatOdooAllows(client, 'sale.order', orderIds);
  const pickingIds = [...new Set(orders.flatMap((o) => o.picking_ids as number[]))];
  const doneDeliveries =
    pickingIds.length > 0
      ? await client.call<number>('stock.picking', 'search_count', [
          [
            ['id', 'in', pickingIds],
            ['state', '=', 'done'],
          ],
        ])
      : 0;
  onProgress({ phase: 'cleanup', done: 2, total: steps });

  // The load's own receipts and transfers: Odoo deletes any but the done ones.
  const loadPickings = await client.call<Row[]>(
    'stock.picking',
    'search_read',
    [[['origin', '=like', SEED_MARKERS.loadOrderLike]]],
    { kwargs: { fields: ['state'] } },
  );
  const openLoadPickings = loadPickings
    .filter((p) => p.state !== 'done')
    .map((p) => p.id as number);
  const { deleted: loadPickingsDeleted } = await deleteWhatOdooAllows(
    client,
    'stock.picking',
    openLoadPickings,
  );
  const loadPickingsDone = loadPickings.length - openLoadPickings.length;
  const loadPickingsRefused = openLoadPickings.length - loadPickingsDeleted;
  onProgress({ phase: 'cleanup', done: 3, total: steps });

  const products = await markedIds(
    client,
    'product.product',
    'default_code',
    SEED_MARKERS.productLike,
  );
  const activeProducts = await client.call<number[]>('product.product', 'search', [
    [['id', 'in', products]],
  ]);
  const productResult = await deleteOrArchive(client, 'product.product', activeProducts);
  onProgress({ phase: 'cleanup', done: 4, total: steps });
  const customers = await markedIds(client, 'res.partner', 'ref', SEED_MARKERS.customerLike);
  const activeCustomers = await client.call<number[]>('res.partner', 'search', [
    [['id', 'in', customers]],
  ]);
  const customerResult = await deleteOrArchive(client, 'res.partner', activeCustomers);
  onProgress({ phase: 'cleanup', done: 5, total: steps });
  const settings = await revertSettings(client);
  onProgress({ phase: 'cleanup', done: steps, total: steps });

  const remains: string[] = [];
  const ordersKept = orderIds.length - ordersDeleted;
  if (ordersKept > 0)
    remains.push(`${ordersKept} orders are cancelled but kept: Odoo refused to delete them.`);
  if (invoices.length - invoicesDeleted > 0)
    remains.push(
      `${invoices.length - invoicesDeleted} invoices are cancelled but kept: they were posted once and keep their number.`,
    );
  if (doneDeliveries > 0)
    remains.push(`${doneDeliveries} done deliveries are kept: Odoo never deletes moved stock.`);
  if (loadPickingsDone > 0)
    remains.push(
      `${loadPickingsDone} done receipts and internal transfers of the load (origin OC-LOAD-…) are kept: Odoo never deletes moved stock.`,
    );
  if (loadPickingsRefused > 0)
    remains.push(
      `${loadPickingsRefused} open receipts or internal transfers of the load are kept: Odoo refused to delete them.`,
    );
  if (settings.storageLocations === 'refused')
    remains.push(
      `Storage Locations stays on: Odoo refused to switch it off (${settings.detail}); the next cleanup tries again.`,
    );
  if (productResult.archived > 0)
    remains.push(
      `${productResult.archived} products are archived, not deleted: stock moves or invoices refer to them.`,
    );
  if (customerResult.archived > 0)
    remains.push(
      `${customerResult.archived} customers are archived, not deleted: invoices or deliveries refer to them.`,
    );
  return {
    orders: { found: orderIds.length, deleted: ordersDeleted, cancelledKept: ordersKept },
    invoices: {
      found: invoices.length,
      deleted: invoicesDeleted,
      cancelledKept: invoices.length - invoicesDeleted,
    },
    deliveriesKept: doneDeliveries,
    loadPickings: {
      found: loadPickings.length,
      deleted: loadPickingsDeleted,
      doneKept: loadPickingsDone,
      refusedKept: loadPickingsRefused,
    },
    products: { found: activeProducts.length, ...productResult },
    customers: { found: activeCustomers.length, ...customerResult },
    settings,
    remains,
  };
}
