// Stock moves: the warehouse floor. Pack stations validate deliveries, goods-in receives, internal
// replenishment and cycle counts, mixed as the workload says.
import exec from 'k6/execution';
import { CallFailure } from './lib/call-failure.ts';
import type { OdooFeatures } from './lib/odoo-version.ts';
import { ZipfSampler, mixSlot, sampleCount } from './lib/sampling.ts';
import { planStockMix } from './lib/stock-mix.ts';
import type { StockMix, StockMovesClass, Workload } from './lib/workload.ts';
import type { OdooClient, Row } from './k6/client.ts';
import { stockValidationSuccess } from './k6/metrics.ts';
import { optionsFor } from './k6/options.ts';
import { ofOrdersWithRef, validatePicking } from './k6/picking.ts';
import { clientFor, loadMarker, setupRun, type Session, type SetupData } from './k6/session.ts';
import { transaction } from './k6/transaction.ts';

export const options = optionsFor('stock-moves');
/** This class's k6 scenario (executor, rate, VUs), as peak-mix runs it too. */
export const stockMovesScenario = options.scenarios?.['stock-moves'];

export interface StockMovesData {
  /** Assigned deliveries of the OC-SEED-READY orders, oldest first. */
  readyPickings: number[];
  /** Seeded products by popularity rank, with their unit of measure. */
  products: { id: number; code: string; uom: number }[];
  /** Quants of the seeded products in the warehouse's stock location. */
  quants: number[];
  locations: { stock: number; supplier: number };
  /** Operation types; 0 where the target has none active (that operation is out of the mix). */
  pickingTypes: { incoming: number; internal: number };
  /** The workload's mix without what the target cannot run (planStockMix). */
  mix: StockMix;
  payload: StockMovesClass['payload'];
}

type Many2one = [number, string] | false;

export function prepareStockMoves(
  client: OdooClient,
  _s: Session,
  workload: Workload,
): StockMovesData {
  const payload = workload.classes['stock-moves'].payload;
  const [warehouse] = client.searchRead<
    Row & { lot_stock_id: Many2one; in_type_id: Many2one; int_type_id: Many2one }
  >('stock.warehouse', [], ['lot_stock_id', 'in_type_id', 'int_type_id'], {
    order: 'sequence, id',
    limit: 1,
  });
  if (!warehouse || !warehouse.lot_stock_id)
    throw new Error('no warehouse with a stock location; install Inventory on this database');
  const stock = warehouse.lot_stock_id[0];
  // Active operation types only: a fresh Odoo keeps Internal Transfers archived.
  const types = client.searchRead<Row & { code: string; warehouse_id: Many2one }>(
    'stock.picking.type',
    [['code', 'in', ['incoming', 'outgoing', 'internal']]],
    ['code', 'warehouse_id'],
    { order: 'id' },
  );
  const active = (type: Many2one): number =>
    type && types.some((t) => t.id === type[0]) ? type[0] : 0;
  const incoming = active(warehouse.in_type_id);
  const internal = active(warehouse.int_type_id);
  const [supplier] = client.search('stock.location', [['usage', '=', 'supplier']], { limit: 1 });
  const products = client
    .searchRead<Row & { default_code: string; uom_id: Many2one }>(
      'product.product',
      [['default_code', '=like', 'OC-P-%']],
      ['default_code', 'uom_id'],
      { order: 'default_code' },
    )
    .map((p) => ({ id: p.id, code: p.default_code, uom: p.uom_id ? p.uom_id[0] : 1 }));
  const outgoing = types
    .filter((t) => t.code === 'outgoing' && (!t.warehouse_id || t.warehouse_id[0] === warehouse.id))
    .map((t) => t.id);
  const readyPickings = client.search(
    'stock.picking',
    [
      ofOrdersWithRef('OC-SEED-READY-%'),
      ['state', '=', 'assigned'],
      ['picking_type_id', 'in', outgoing],
    ],
    { order: 'id' },
  );
  const quants =
    products.length === 0
      ? []
      : client.search(
          'stock.quant',
          [
            ['product_id', 'in', products.map((p) => p.id)],
            ['location_id', '=', stock],
          ],
          { order: 'id' },
        );
  const plan = planStockMix(payload.mix, {
    readyDeliveries: readyPickings.length,
    products: products.length,
    quants: quants.length,
    receipts: incoming !== 0 && supplier !== undefined,
    internalTransfers: internal !== 0,
  });
  if (plan.nothingRuns !== undefined) throw new Error(plan.nothingRuns);
  // setup() runs once per test: this line is printed once.
  if (plan.warning !== undefined) console.warn(plan.warning);
  return {
    readyPickings,
    products,
    quants,
    locations: { stock, supplier: supplier ?? 0 },
    pickingTypes: { incoming, internal },
    mix: plan.mix,
    payload,
  };
}

export function setup(): SetupData {
  return setupRun('stock-moves', { 'stock-moves': prepareStockMoves });
}

let popularity: ZipfSampler | undefined;

/** A transfer of a few products drawn by popularity, as stock.picking create values. */
function transferValues(
  data: StockMovesData,
  features: OdooFeatures,
  pickingType: number,
  from: number,
  to: number,
  origin: string,
): Record<string, unknown> {
  popularity ??= new ZipfSampler(data.products.length, data.payload.productSkew.zipfS);
  const ranks = popularity.distinct(
    sampleCount(data.payload.linesPerTransfer, Math.random),
    Math.random,
  );
  return {
    picking_type_id: pickingType,
    location_id: from,
    location_dest_id: to,
    origin,
    move_ids: ranks.map((rank) => {
      const product = data.products[rank]!;
      return [
        0,
        0,
        {
          ...(features.moveName && { name: product.code }),
          product_id: product.id,
          product_uom: product.uom,
          product_uom_qty: sampleCount(data.payload.quantityPerLine, Math.random),
          location_id: from,
          location_dest_id: to,
        },
      ];
    }),
  };
}

/** Odoo's answer when the quant moved between the count and its application. */
const INVENTORY_CONFLICT = 'stock.inventory.conflict';
/** Counts of one quant before the cycle count gives up (the first and two recounts). */
const COUNT_ATTEMPTS = 3;

function validated(name: string, body: () => void): void {
  stockValidationSuccess.add(transaction(name, body));
}

export function stockMoves(data: SetupData): void {
  const d = data.classes['stock-moves'] as StockMovesData;
  const client = clientFor(data.session);
  const { features } = data.session;
  const iteration = exec.scenario.iterationInTest;
  const slot = mixSlot(d.mix, iteration);
  switch (slot.kind) {
    case 'deliveries': {
      const picking = d.readyPickings[slot.ordinal];
      validated('validate delivery', () => {
        if (picking === undefined) {
          throw new CallFailure(
            'other',
            'ready pool',
            `exhausted after ${d.readyPickings.length} deliveries; seed more (odoo-capacity seed --ready-orders)`,
          );
        }
        validatePicking(client, features, picking);
      });
      return;
    }
    case 'receipts':
    case 'internalTransfers': {
      const receipt = slot.kind === 'receipts';
      const { stock, supplier } = d.locations;
      const values = transferValues(
        d,
        features,
        receipt ? d.pickingTypes.incoming : d.pickingTypes.internal,
        receipt ? supplier : stock,
        stock,
        loadMarker(data.session, receipt ? 'IN' : 'INT', iteration),
      );
      validated(receipt ? 'receive goods' : 'internal transfer', () => {
        const pickingId = client.create('stock.picking', values);
        client.call('stock.picking', 'action_confirm', [[pickingId]]);
        // A receipt from a supplier is ready once confirmed; stock moved internally is reserved.
        if (!receipt) client.call('stock.picking', 'action_assign', [[pickingId]]);
        validatePicking(client, features, pickingId);
      });
      return;
    }
    case 'inventoryAdjustments': {
      const quant = d.quants[slot.ordinal % d.quants.length]!;
      // Cycle counts find a few more units than recorded: counting up never leaves a quant
      // with less on hand than it has reserved.
      const found = 1 + Math.floor(Math.random() * 5);
      transaction('inventory adjustment', () => {
        if (quant === undefined)
          throw new CallFailure('other', 'stock.quant', 'no quants of the seeded products');
        // A delivery may move the quant between the count and its application: Odoo then answers
        // its conflict wizard instead of applying, and the counter counts again, as on the floor.
        for (let attempt = 1; ; attempt++) {
          const [before] = client.read<Row & { quantity: number }>(
            'stock.quant',
            [quant],
            ['quantity'],
          );
          client.write('stock.quant', [quant], { inventory_quantity: before!.quantity + found });
          // Odoo applies the count and returns None: committed, then fault 1.
          const result = client.call('stock.quant', 'action_apply_inventory', [[quant]]);
          if (result === undefined || result === false || result === true) break;
          const wizard = (result as { res_model?: unknown }).res_model;
          if (wizard !== INVENTORY_CONFLICT) {
            throw new CallFailure(
              'other',
              'stock.quant.action_apply_inventory',
              `returned a wizard (${String(wizard)})`,
            );
          }
          if (attempt === COUNT_ATTEMPTS) {
            throw new CallFailure(
              'other',
              'stock.quant.action_apply_inventory',
              `quant ${quant} moved while it was counted, ${COUNT_ATTEMPTS} times in a row`,
            );
          }
        }
        const [after] = client.read<Row & { inventory_quantity_set: boolean }>(
          'stock.quant',
          [quant],
          ['inventory_quantity_set'],
        );
        if (after?.inventory_quantity_set !== false) {
          throw new CallFailure(
            'other',
            'stock.quant.action_apply_inventory',
            `quant ${quant}: count not applied`,
          );
        }
      });
      return;
    }
  }
}
