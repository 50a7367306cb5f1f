// Inventory adjustments as Odoo 17 does them over RPC: stock.quant create/write in
// inventory_mode records a counted quantity; action_apply_inventory creates and completes an
// is_inventory move from or to Virtual Locations/Inventory adjustment, then returns None (so the
// caller gets fault 1 after the commit, as from Odoo).
import { UserError } from '../../exceptions.js';
import { ensureExist } from '../generic.js';
import type { MethodDef, ModelHooks, Runtime, Vals } from '../model.js';
import { pyRepr, valueError } from '../python.js';
import { updateAvailableQuantity } from './quants.js';

const NOW = "(now() AT TIME ZONE 'UTC')";
const INVENTORY_LOCATION_USAGE = 'inventory';

/** Odoo's _get_inventory_fields_create / _get_inventory_fields_write. */
const INVENTORY_WRITE_FIELDS = new Set([
  'inventory_quantity',
  'inventory_quantity_auto_apply',
  'inventory_diff_quantity',
  'inventory_date',
  'user_id',
  'inventory_quantity_set',
  'is_outdated',
  'lot_id',
  'location_id',
  'package_id',
]);
const INVENTORY_CREATE_FIELDS = new Set(['product_id', 'owner_id', ...INVENTORY_WRITE_FIELDS]);

const CREATE_RESTRICTED = "Quant's creation is restricted, you can't do this operation.";
const EDIT_RESTRICTED = "Quant's editing is restricted, you can't do this operation.";

function counted(vals: Vals): number | undefined {
  const value = vals.inventory_quantity;
  if (value === undefined) return undefined;
  if (typeof value !== 'number')
    throw valueError(`Wrong value for stock.quant.inventory_quantity: ${pyRepr(value)}`);
  return value;
}

/** Records a counted quantity on a quant (inventory_quantity and the stored difference). */
async function setCounted(rt: Runtime, quantId: number, quantity: number): Promise<void> {
  await rt.query(
    `UPDATE stock_quant SET inventory_quantity = $2, inventory_diff_quantity = $2 - quantity,
            inventory_quantity_set = true, user_id = $3, write_uid = $3, write_date = ${NOW}
      WHERE id = $1`,
    [quantId, quantity, rt.uid],
  );
}

async function createQuant(rt: Runtime, raw: unknown): Promise<number> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw valueError(`Invalid values for stock.quant: ${pyRepr(raw)}`);
  const vals = raw as Vals;
  if (!rt.context.inventory_mode || Object.keys(vals).some((k) => !INVENTORY_CREATE_FIELDS.has(k)))
    throw new UserError(CREATE_RESTRICTED);
  for (const key of ['product_id', 'location_id'])
    if (typeof vals[key] !== 'number')
      throw valueError(`Wrong value for stock.quant.${key}: ${pyRepr(vals[key])}`);
  const [existing] = await rt.query<{ id: number }>(
    `SELECT id FROM stock_quant WHERE product_id = $1 AND location_id = $2 AND lot_id IS NULL AND package_id IS NULL AND owner_id IS NULL
      ORDER BY id LIMIT 1`,
    [vals.product_id, vals.location_id],
  );
  const id =
    existing?.id ??
    (await rt.create('stock.quant', {
      product_id: vals.product_id,
      location_id: vals.location_id,
      quantity: 0,
      reserved_quantity: 0,
    }));
  const quantity = counted(vals);
  if (quantity !== undefined) await setCounted(rt, id, quantity);
  return id;
}

async function applyInventory(rt: Runtime, ids: number[]): Promise<unknown> {
  await ensureExist(rt, 'stock.quant', ids);
  const quants = await rt.query<{
    id: number;
    product_id: number;
    location_id: number;
    diff: number;
    outdated: boolean;
    name: string;
    uom_id: number;
  }>(
    `SELECT q.id, q.product_id, q.location_id, COALESCE(q.inventory_diff_quantity, 0)::float8 AS diff,
            (q.inventory_quantity_set AND round((COALESCE(q.inventory_quantity, 0) - COALESCE(q.inventory_diff_quantity, 0))::numeric, 6) != round(q.quantity::numeric, 6)) AS outdated,
            CASE WHEN p.default_code IS NOT NULL THEN '[' || p.default_code || '] ' ELSE '' END || (t.name->>'en_US') AS name, t.uom_id
       FROM stock_quant q JOIN product_product p ON p.id = q.product_id JOIN product_template t ON t.id = p.product_tmpl_id
      WHERE q.id = ANY($1) ORDER BY q.id`,
    [ids],
  );
  const outdated = quants.filter((q) => q.outdated).map((q) => q.id);
  if (outdated.length > 0) {
    return {
      type: 'ir.actions.act_window',
      name: 'Conflict in Inventory Adjustment',
      res_model: 'stock.inventory.conflict',
      view_mode: 'form',
      views: [[false, 'form']],
      target: 'new',
      context: { default_quant_ids: ids, default_quant_to_fix_ids: outdated },
    };
  }
  const [inventory] = await rt.query<{ id: number }>(
    'SELECT id FROM stock_location WHERE usage = $1 ORDER BY id LIMIT 1',
    [INVENTORY_LOCATION_USAGE],
  );
  for (const quant of quants) {
    const quantity = Math.abs(quant.diff);
    const [from, to] =
      quant.diff > 0 ? [inventory!.id, quant.location_id] : [quant.location_id, inventory!.id];
    const name = quantity < 1e-9 ? 'Product Quantity Confirmed' : 'Product Quantity Updated';
    const [move] = await rt.query<{ id: number }>(
      `INSERT INTO stock_move (name, sequence, priority, date, company_id, product_id, product_qty, product_uom_qty, product_uom,
                               location_id, location_dest_id, state, procure_method, scrapped, is_inventory, reference, quantity, picked,
                               create_uid, write_uid, create_date, write_date)
       VALUES ($1, 10, '0', ${NOW}, 1, $2, $3, $3, $4, $5, $6, 'done', 'make_to_stock', false, true, $1, $3, true, $7, $7, ${NOW}, ${NOW})
       RETURNING id`,
      [name, quant.product_id, quantity, quant.uom_id, from, to, rt.uid],
    );
    await rt.query(
      `INSERT INTO stock_move_line (move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom, picked,
                                    location_id, location_dest_id, date, state, reference, create_uid, write_uid, create_date, write_date)
       VALUES ($1, 1, $2, $3, $4, $4, true, $5, $6, ${NOW}, 'done', $7, $8, $8, ${NOW}, ${NOW})`,
      [move!.id, quant.product_id, quant.uom_id, quantity, from, to, name, rt.uid],
    );
    if (quantity > 1e-9) {
      await updateAvailableQuantity(rt, quant.product_id, from, -quantity);
      await updateAvailableQuantity(rt, quant.product_id, to, quantity);
    }
    await rt.query(
      `UPDATE stock_quant SET inventory_quantity = 0, inventory_diff_quantity = 0, inventory_quantity_set = false,
              user_id = NULL, inventory_date = make_date(extract(year from now())::int, 12, 31), write_date = ${NOW}
        WHERE id = $1`,
      [quant.id],
    );
    await rt.query('UPDATE stock_location SET last_inventory_date = current_date WHERE id = $1', [
      quant.location_id,
    ]);
  }
  return undefined;
}

/**
 * Odoo's _merge_quants: folds the duplicate quants that SKIP LOCKED updates create back into one
 * per (product, company, location, lot, package, owner). Odoo runs it from a scheduled action.
 */
export async function mergeQuants(rt: Runtime): Promise<true> {
  await rt.query(
    `WITH dupes AS (
       SELECT min(id) AS to_update_quant_id,
              (array_agg(id ORDER BY id))[2:array_length(array_agg(id), 1)] AS to_delete_quant_ids,
              GREATEST(0, sum(reserved_quantity)) AS reserved_quantity,
              sum(inventory_quantity) AS inventory_quantity,
              sum(quantity) AS quantity,
              min(in_date) AS in_date
         FROM stock_quant
        GROUP BY product_id, company_id, location_id, lot_id, package_id, owner_id
       HAVING count(id) > 1
     ), _up AS (
       UPDATE stock_quant q
          SET quantity = d.quantity, reserved_quantity = d.reserved_quantity,
              inventory_quantity = d.inventory_quantity, in_date = d.in_date
         FROM dupes d WHERE d.to_update_quant_id = q.id
     )
     DELETE FROM stock_quant WHERE id IN (SELECT unnest(to_delete_quant_ids) FROM dupes)`,
  );
  return true;
}

export const quantMethods: Record<string, MethodDef> = {
  create: {
    api: 'model',
    params: ['vals_list'],
    required: 1,
    async run(rt, _ids, { vals_list }) {
      if (Array.isArray(vals_list)) {
        const ids: number[] = [];
        for (const vals of vals_list) ids.push(await createQuant(rt, vals));
        return ids;
      }
      return createQuant(rt, vals_list);
    },
  },
  action_apply_inventory: { api: 'records', params: [], run: (rt, ids) => applyInventory(rt, ids) },
  action_set_inventory_quantity_to_zero: {
    api: 'records',
    params: [],
    async run(rt, ids) {
      await ensureExist(rt, 'stock.quant', ids);
      for (const id of ids) await setCounted(rt, id, 0);
      return undefined;
    },
  },
  _apply_inventory: { api: 'records', params: [], run: (rt, ids) => applyInventory(rt, ids) },
  _merge_quants: { api: 'model', params: [], run: (rt) => mergeQuants(rt) },
};

export const quantHooks: ModelHooks = {
  async prepareWrite(rt, ids, vals) {
    if (Object.keys(vals).some((k) => !INVENTORY_WRITE_FIELDS.has(k)))
      throw new UserError(EDIT_RESTRICTED);
    const quantity = counted(vals);
    if (quantity !== undefined) {
      for (const id of ids) await setCounted(rt, id, quantity);
      const { inventory_quantity: _ignored, ...rest } = vals;
      return rest;
    }
    return vals;
  },
};
