// `odoo-capacity seed`: tops up master data and order pools through Odoo's external API only
// (docs/contracts.md, "Seed data"); the runner calls seed() to refill pools before a step.
import { CheckFailedError } from '../core/errors.js';
import type { OdooClient } from './client.js';
import { SEED_MARKERS, markerNumber } from './seed-markers.js';
import { ensureSettings, type SettingsSummary } from './seed-settings.js';

export interface SeedPlan {
  products: number;
  customers: number;
  /** Confirmed orders whose delivery is reserved and awaits validation (stock-moves pool). */
  readyOrders: number;
  /** Confirmed, delivered orders awaiting invoicing (month-end-billing pool). */
  deliveredOrders: number;
  /** Free stock each product keeps after the pools are made. */
  stock: number;
  linesPerOrder?: number;
  quantityPerLine?: number;
  /**
   * Switch on the Inventory settings the scenarios need when they are off (Storage Locations,
   * for stock-moves' internal transfers). `odoo-capacity seed` asks for it unless --no-settings;
   * other callers (the runner's pool top-up) leave settings as they are unless they ask.
   */
  settings?: boolean;
}

/** `seed`'s defaults: the master data the scenarios draw on and pools for a first ladder. */
export const DEFAULT_SEED_PLAN = {
  products: 50,
  customers: 20,
  readyOrders: 200,
  deliveredOrders: 200,
  stock: 1000,
  linesPerOrder: 3,
} as const satisfies SeedPlan;

export type SeedPhase =
  'settings' | 'products' | 'customers' | 'stock' | 'ready-orders' | 'delivered-orders' | 'cleanup';

export interface SeedProgress {
  phase: SeedPhase;
  done: number;
  total: number;
}

export type ProgressFn = (progress: SeedProgress) => void;

export interface PoolCount {
  wanted: number;
  existing: number;
  created: number;
}

export interface SeedSummary {
  serie: string;
  settings: SettingsSummary;
  products: PoolCount & { reactivated: number };
  customers: PoolCount & { reactivated: number };
  /** Products whose stock was topped up by an inventory adjustment. */
  stockAdjusted: number;
  readyOrders: PoolCount & { completed: number; notReserved: number };
  deliveredOrders: PoolCount & { completed: number };
}

/** Odoo series the seed adapts to: 16, 17, or 18 and later (saas~17.x counts as 17). */
export type SeedSerie = 16 | 17 | 18;

export function serieOf(serverSerie: string): SeedSerie {
  const major = Number(/(\d+)/.exec(serverSerie)?.[1] ?? '17');
  return major <= 16 ? 16 : major >= 18 ? 18 : 17;
}

const BATCH = 10;

function chunks<T>(items: T[], size = BATCH): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

interface Marked {
  id: number;
  marker: string;
  active: boolean;
}

type Row = Record<string, unknown>;

class Seeder {
  readonly client: OdooClient;
  readonly serie: SeedSerie;
  readonly progress: ProgressFn;
  constructor(client: OdooClient, serie: SeedSerie, progress: ProgressFn) {
    this.client = client;
    this.serie = serie;
    this.progress = progress;
  }

  call<T>(model: string, method: string, args: unknown[], context?: Row, kwargs?: Row): Promise<T> {
    return this.client.call<T>(model, method, args, { context, kwargs });
  }

  /** Records carrying a marker of the family, archived ones included. */
  async marked(model: string, field: string, like: string): Promise<Marked[]> {
    const rows = await this.call<Row[]>(
      model,
      'search_read',
      [[[field, '=like', like]]],
      { active_test: false },
      { fields: [field, 'active'], order: 'id' },
    );
    return rows.map((r) => ({
      id: r.id as number,
      marker: r[field] as string,
      active: r.active !== false,
    }));
  }

  /** Master data numbered 1..wanted: reactivates archived ones, creates the missing ones. */
  async ensureNumbered(
    phase: SeedPhase,
    model: string,
    field: string,
    like: string,
    wanted: number,
    marker: (n: number) => string,
    vals: (n: number) => Row,
  ): Promise<{ ids: number[]; count: PoolCount & { reactivated: number } }> {
    const existing = await this.marked(model, field, like);
    const byMarker = new Map(existing.map((m) => [m.marker, m]));
    const archived = existing.filter((m) => !m.active && markerNumber(m.marker) <= wanted);
    if (archived.length > 0)
      await this.call(model, 'write', [archived.map((m) => m.id), { active: true }]);
    const missing: number[] = [];
    for (let n = 1; n <= wanted; n++) if (!byMarker.has(marker(n))) missing.push(n);
    let done = wanted - missing.length;
    this.progress({ phase, done, total: wanted });
    for (const batch of chunks(missing, 50)) {
      const ids = await this.call<number[]>(model, 'create', [batch.map((n) => vals(n))]);
      batch.forEach((n, i) =>
        byMarker.set(marker(n), { id: ids[i]!, marker: marker(n), active: true }),
      );
      done += batch.length;
      this.progress({ phase, done, total: wanted });
    }
    const ids: number[] = [];
    for (let n = 1; n <= wanted; n++) ids.push(byMarker.get(marker(n))!.id);
    return {
      ids,
      count: {
        wanted,
        existing: wanted - missing.length,
        created: missing.length,
        reactivated: archived.length,
      },
    };
  }

  productVals(n: number): Row {
    const storable =
      this.serie >= 18 ? { type: 'consu', is_storable: true } : { detailed_type: 'product' };
    return {
      name: `OC Product ${String(n).padStart(4, '0')}`,
      default_code: SEED_MARKERS.product(n),
      list_price: 10 + (n % 40),
      invoice_policy: 'delivery',
      ...storable,
    };
  }

  async stockLocation(): Promise<number> {
    const [warehouse] = await this.call<Row[]>('stock.warehouse', 'search_read', [[]], undefined, {
      fields: ['lot_stock_id'],
      limit: 1,
      order: 'sequence, id',
    });
    const location = warehouse?.lot_stock_id;
    if (!Array.isArray(location))
      throw new CheckFailedError('seed: the database has no warehouse with a stock location', {
        hint: 'Install the stock module (Inventory) on this database.',
      });
    return location[0] as number;
  }

  async freeQuantities(products: number[]): Promise<Map<number, number>> {
    const rows = await this.call<Row[]>('product.product', 'read', [products, ['free_qty']]);
    return new Map(rows.map((r) => [r.id as number, Number(r.free_qty)]));
  }

  /**
   * Tops the free stock of each product up to `need` with one inventory adjustment: counted
   * quantity = the quant's quantity + the shortfall, applied with action_apply_inventory, which
   * commits and then answers fault 1 (it returns None): the effect is confirmed by re-reading.
   */
  async ensureStock(location: number, need: Map<number, number>): Promise<number> {
    const products = [...need.keys()];
    const free = await this.freeQuantities(products);
    const short = products
      .map((p) => ({ product: p, missing: need.get(p)! - (free.get(p) ?? 0) }))
      .filter((s) => s.missing > 1e-9);
    this.progress({ phase: 'stock', done: 0, total: short.length });
    if (short.length === 0) return 0;
    const inventory = { inventory_mode: true };
    const quants = await this.call<number[]>(
      'stock.quant',
      'create',
      [
        short.map((s) => ({
          product_id: s.product,
          location_id: location,
          inventory_quantity: s.missing,
        })),
      ],
      inventory,
    );
    const rows = await this.call<Row[]>('stock.quant', 'read', [
      quants,
      ['quantity', 'inventory_quantity'],
    ]);
    for (const [i, s] of short.entries()) {
      const row = rows.find((r) => r.id === quants[i])!;
      const counted = Number(row.quantity) + s.missing;
      if (Math.abs(Number(row.inventory_quantity) - counted) > 1e-9)
        await this.call(
          'stock.quant',
          'write',
          [[quants[i]], { inventory_quantity: counted }],
          inventory,
        );
    }
    const outcome = await this.client.executeKw('stock.quant', 'action_apply_inventory', [quants], {
      context: inventory,
    });
    if (outcome.status === 'returned' && outcome.value && typeof outcome.value === 'object')
      throw new CheckFailedError(
        `seed: stock.quant.action_apply_inventory asked for a wizard (${String((outcome.value as Row).res_model)}) instead of applying the count`,
        {
          hint: 'Resolve the inventory conflicts in Odoo (Inventory → Physical Inventory), then seed again.',
        },
      );
    const after = await this.freeQuantities(short.map((s) => s.product));
    const still = short.filter((s) => (after.get(s.product) ?? 0) < need.get(s.product)! - 1e-9);
    if (still.length > 0)
      throw new CheckFailedError(
        `seed: the inventory adjustment did not take effect for product ids ${still.map((s) => s.product).join(', ')}`,
      );
    this.progress({ phase: 'stock', done: short.length, total: short.length });
    return short.length;
  }

  /** Order lines for pool order number n: products taken round-robin, the same on every run. */
  lines(n: number, products: number[], perOrder: number, quantity: number): [number, number][] {
    const result: [number, number][] = [];
    for (let j = 0; j < perOrder; j++)
      result.push([products[((n - 1) * perOrder + j) % products.length]!, quantity]);
    return result;
  }

  async orders(like: string): Promise<Row[]> {
    return this.call<Row[]>(
      'sale.order',
      'search_read',
      [[['client_order_ref', '=like', like]]],
      undefined,
      {
        fields: ['client_order_ref', 'state', 'picking_ids', 'invoice_status'],
        order: 'id',
      },
    );
  }

  async openPickings(orders: Row[]): Promise<Map<number, Row[]>> {
    const pickingIds = orders.flatMap((o) => o.picking_ids as number[]);
    const result = new Map<number, Row[]>();
    if (pickingIds.length === 0) return result;
    const pickings = await this.call<Row[]>('stock.picking', 'read', [pickingIds, ['state']]);
    const byId = new Map(pickings.map((p) => [p.id as number, p]));
    for (const order of orders)
      result.set(
        order.id as number,
        (order.picking_ids as number[])
          .map((id) => byId.get(id)!)
          .filter((p) => p.state !== 'done' && p.state !== 'cancel'),
      );
    return result;
  }

  async createOrders(
    phase: SeedPhase,
    numbers: number[],
    marker: (n: number) => string,
    customers: number[],
    products: number[],
    plan: SeedPlan,
    done: number,
    total: number,
  ): Promise<number[]> {
    const created: number[] = [];
    for (const batch of chunks(numbers)) {
      const ids = await this.call<number[]>('sale.order', 'create', [
        batch.map((n) => ({
          partner_id: customers[(n - 1) % customers.length],
          client_order_ref: marker(n),
          order_line: this.lines(
            n,
            products,
            plan.linesPerOrder ?? DEFAULT_SEED_PLAN.linesPerOrder,
            plan.quantityPerLine ?? 1,
          ).map(([product_id, product_uom_qty]) => [0, 0, { product_id, product_uom_qty }]),
        })),
      ]);
      await this.call('sale.order', 'action_confirm', [ids]);
      created.push(...ids);
      done += batch.length;
      this.progress({ phase, done, total });
    }
    return created;
  }

  /** Validates the open deliveries of orders in full. */
  async deliver(orderIds: number[], what: string): Promise<void> {
    if (orderIds.length === 0) return;
    const rows = await this.call<Row[]>('sale.order', 'read', [orderIds, ['picking_ids']]);
    const open = [...(await this.openPickings(rows)).values()].flat().map((p) => p.id as number);
    for (const batch of chunks(open)) await this.validate(batch, what);
  }

  /** Validates deliveries in full: 16 first sets done quantities to the reservation. */
  async validate(pickingIds: number[], orderMarkers: string): Promise<void> {
    if (pickingIds.length === 0) return;
    if (this.serie === 16)
      await this.client.executeKw('stock.picking', 'action_set_quantities_to_reservation', [
        pickingIds,
      ]);
    const result = await this.call<unknown>('stock.picking', 'button_validate', [pickingIds]);
    if (result !== true)
      throw new CheckFailedError(
        `seed: validating the deliveries of ${orderMarkers} asked for a wizard (${String((result as Row)?.res_model)}): their stock is not fully reserved`,
        { hint: 'Raise --stock, or check the products are storable, then seed again.' },
      );
  }
}

function nextNumbers(existing: Row[], count: number): number[] {
  const start = existing.reduce((max, o) => Math.max(max, markerNumber(o.client_order_ref)), 0);
  return Array.from({ length: count }, (_, i) => start + i + 1);
}

/**
 * Seeds or tops up master data and the two order pools, reporting progress by phase. Safe to
 * run again: counts what exists, finishes what an interrupted run left half-done.
 */
export async function seed(
  client: OdooClient,
  plan: SeedPlan,
  onProgress: ProgressFn = () => undefined,
): Promise<SeedSummary> {
  const version = await client.version();
  const seeder = new Seeder(client, serieOf(version.server_serie), onProgress);
  await client.authenticate();
  onProgress({ phase: 'settings', done: 0, total: 1 });
  const settings = await ensureSettings(client, plan.settings === true);
  onProgress({ phase: 'settings', done: 1, total: 1 });
  const perOrder = plan.linesPerOrder ?? DEFAULT_SEED_PLAN.linesPerOrder;
  const quantity = plan.quantityPerLine ?? 1;

  const products = await seeder.ensureNumbered(
    'products',
    'product.product',
    'default_code',
    SEED_MARKERS.productLike,
    plan.products,
    SEED_MARKERS.product,
    (n) => seeder.productVals(n),
  );
  const customers = await seeder.ensureNumbered(
    'customers',
    'res.partner',
    'ref',
    SEED_MARKERS.customerLike,
    plan.customers,
    SEED_MARKERS.customer,
    (n) => ({
      name: `OC Customer ${String(n).padStart(4, '0')}`,
      ref: SEED_MARKERS.customer(n),
      is_company: true,
      customer_rank: 1,
    }),
  );
  const wantsOrders = plan.readyOrders > 0 || plan.deliveredOrders > 0;
  if (wantsOrders && (products.ids.length === 0 || customers.ids.length === 0))
    throw new CheckFailedError('seed: orders need at least one product and one customer', {
      hint: 'Pass --products and --customers of at least 1.',
    });

  const ready = await readyPool(seeder);
  const delivered = await deliveredPool(seeder);
  const newReady = Math.max(0, plan.readyOrders - ready.inPool - ready.drafts.length);
  const newDelivered = Math.max(
    0,
    plan.deliveredOrders -
      delivered.inPool -
      delivered.drafts.length -
      delivered.undelivered.length,
  );
  const readyNumbers = nextNumbers(ready.all, newReady);
  const deliveredNumbers = nextNumbers(delivered.all, newDelivered);

  // Stock for what the new and unfinished orders take, on top of the free stock each product keeps.
  const need = new Map(products.ids.map((p) => [p, plan.stock]));
  const takes = [
    ...readyNumbers,
    ...deliveredNumbers,
    ...[...ready.drafts, ...delivered.drafts].map((o) => markerNumber(o.client_order_ref)),
  ];
  for (const n of takes)
    for (const [p, q] of seeder.lines(n, products.ids, perOrder, quantity))
      need.set(p, need.get(p)! + q);
  const stockAdjusted =
    products.ids.length > 0 ? await seeder.ensureStock(await seeder.stockLocation(), need) : 0;

  // Ready pool: confirm what an interrupted run left in draft, then create what is missing.
  const readyTotal = ready.drafts.length + newReady;
  if (ready.drafts.length > 0)
    await seeder.call('sale.order', 'action_confirm', [ready.drafts.map((o) => o.id)]);
  onProgress({ phase: 'ready-orders', done: ready.drafts.length, total: readyTotal });
  const readyIds = [
    ...ready.drafts.map((o) => o.id as number),
    ...(await seeder.createOrders(
      'ready-orders',
      readyNumbers,
      SEED_MARKERS.readyOrder,
      customers.ids,
      products.ids,
      plan,
      ready.drafts.length,
      readyTotal,
    )),
  ];
  const readyRows = await seeder.call<Row[]>('sale.order', 'read', [readyIds, ['picking_ids']]);
  const notReserved = [...(await seeder.openPickings(readyRows)).values()]
    .flat()
    .filter((p) => p.state !== 'assigned').length;

  // Delivered pool: confirm drafts and deliver what is undelivered, then create and deliver.
  const unfinished = [...delivered.drafts, ...delivered.undelivered];
  const deliveredTotal = unfinished.length + newDelivered;
  if (delivered.drafts.length > 0)
    await seeder.call('sale.order', 'action_confirm', [delivered.drafts.map((o) => o.id)]);
  await seeder.deliver(
    unfinished.map((o) => o.id as number),
    'unfinished delivered-pool orders',
  );
  let done = unfinished.length;
  onProgress({ phase: 'delivered-orders', done, total: deliveredTotal });
  for (const batch of chunks(deliveredNumbers)) {
    const ids = await seeder.createOrders(
      'delivered-orders',
      batch,
      SEED_MARKERS.deliveredOrder,
      customers.ids,
      products.ids,
      plan,
      done,
      deliveredTotal,
    );
    await seeder.deliver(ids, `${SEED_MARKERS.deliveredOrder(batch[0]!)}…`);
    done += batch.length;
  }

  return {
    serie: version.server_serie,
    settings,
    products: products.count,
    customers: customers.count,
    stockAdjusted,
    readyOrders: {
      wanted: plan.readyOrders,
      existing: ready.inPool,
      created: newReady,
      completed: ready.drafts.length,
      notReserved,
    },
    deliveredOrders: {
      wanted: plan.deliveredOrders,
      existing: delivered.inPool,
      created: newDelivered,
      completed: unfinished.length,
    },
  };
}

interface PoolState {
  /** Every order carrying the pool's marker, whatever its state (for numbering). */
  all: Row[];
  /** Marked orders still in draft: an interrupted run created them but did not confirm them. */
  drafts: Row[];
  /** Confirmed marked orders whose delivery is still open (delivered pool only). */
  undelivered: Row[];
  /** Orders in the pool now. */
  inPool: number;
}

/** Ready pool: confirmed orders with an open delivery. A validated delivery left the pool. */
async function readyPool(seeder: Seeder): Promise<PoolState> {
  const all = await seeder.orders(SEED_MARKERS.readyLike);
  const open = await seeder.openPickings(all.filter((o) => o.state === 'sale'));
  return {
    all,
    drafts: all.filter((o) => o.state === 'draft'),
    undelivered: [],
    inPool: [...open.values()].filter((p) => p.length > 0).length,
  };
}

/** Delivered pool: confirmed orders fully delivered and still to invoice. */
async function deliveredPool(seeder: Seeder): Promise<PoolState> {
  const all = await seeder.orders(SEED_MARKERS.deliveredLike);
  const confirmed = all.filter((o) => o.state === 'sale');
  const open = await seeder.openPickings(confirmed);
  const undelivered = confirmed.filter((o) => (open.get(o.id as number) ?? []).length > 0);
  return {
    all,
    drafts: all.filter((o) => o.state === 'draft'),
    undelivered,
    inPool: confirmed.filter((o) => !undelivered.includes(o) && o.invoice_status === 'to invoice')
      .length,
  };
}
