// stock.picking's public methods with Odoo 17 semantics (16's immediate-transfer wizard and
// messages where they differ): action_confirm, action_assign, button_validate with its sanity
// check, backorder wizard and context keys (skip_backorder, picking_ids_not_to_backorder,
// skip_immediate, skip_sanity_check), do_unreserve, action_cancel; and the two wizards.
import { UserError } from '../../exceptions.js';
import { ensureExist } from '../generic.js';
import type { MethodDef, ModelHooks, Runtime, Vals } from '../model.js';
import { productInfo } from '../product-info.js';
import { nextById } from '../sequence.js';
import { toColumn } from '../values.js';
import { refreshSaleLinesFromMoves } from '../sale/status.js';
import {
  assignMoves,
  confirmMoves,
  doneMoves,
  loadMoves,
  recomputePickingStates,
  setMoveQuantity,
  unreserveMoves,
} from './moves.js';
import { updateAvailableQuantity } from './quants.js';

const NOW = "(now() AT TIME ZONE 'UTC')";
/** Ids of the wizard form views in a fresh Odoo 17 database are not meaningful; any int marshals. */
const BACKORDER_VIEW_ID = 1;
const IMMEDIATE_VIEW_ID = 2;

interface PickingRow {
  id: number;
  name: string;
  state: string;
  create_backorder: string;
}

async function loadPickings(rt: Runtime, ids: number[]): Promise<PickingRow[]> {
  await ensureExist(rt, 'stock.picking', ids);
  return rt.query<PickingRow>(
    `SELECT p.id, p.name, p.state, t.create_backorder
       FROM stock_picking p JOIN stock_picking_type t ON t.id = p.picking_type_id
      WHERE p.id = ANY($1) ORDER BY p.id`,
    [ids],
  );
}

async function moveIdsOf(rt: Runtime, pickingIds: number[], states?: string[]): Promise<number[]> {
  const rows = await rt.query<{ id: number }>(
    `SELECT id FROM stock_move WHERE picking_id = ANY($1) ${states ? 'AND state = ANY($2)' : ''} ORDER BY sequence, id`,
    states ? [pickingIds, states] : [pickingIds],
  );
  return rows.map((r) => r.id);
}

export async function confirmPickings(rt: Runtime, ids: number[]): Promise<void> {
  await confirmMoves(rt, await moveIdsOf(rt, ids, ['draft']));
  await recomputePickingStates(rt, ids);
}

async function actionAssign(rt: Runtime, ids: number[]): Promise<true> {
  const pickings = await loadPickings(rt, ids);
  await confirmPickings(
    rt,
    pickings.filter((p) => p.state === 'draft').map((p) => p.id),
  );
  const moves = await moveIdsOf(rt, ids, [
    'confirmed',
    'waiting',
    'partially_available',
    'assigned',
  ]);
  if (moves.length === 0) throw new UserError('Nothing to check the availability for.');
  await assignMoves(rt, moves);
  return true;
}

function wizardAction(
  rt: Runtime,
  name: string,
  resModel: string,
  viewId: number,
  pickingIds: number[],
): Record<string, unknown> {
  return {
    name,
    type: 'ir.actions.act_window',
    view_mode: 'form',
    res_model: resModel,
    views: [[viewId, 'form']],
    view_id: viewId,
    target: 'new',
    context: {
      ...rt.context,
      button_validate_picking_ids: rt.context.button_validate_picking_ids ?? pickingIds,
      default_show_transfers: false,
      default_pick_ids: pickingIds.map((id) => [4, id]),
    },
  };
}

/** 17: a draft picking validated as is gets its demand as quantity, reserved on the spot. */
async function forceDemand(rt: Runtime, pickingIds: number[]): Promise<void> {
  for (const move of await loadMoves(rt, await moveIdsOf(rt, pickingIds))) {
    if (
      ['done', 'cancel'].includes(move.state) ||
      move.quantity > 1e-9 ||
      move.product_uom_qty <= 0
    )
      continue;
    if (move.storable && !move.bypass)
      await updateAvailableQuantity(rt, move.product_id, move.location_id, 0, move.product_uom_qty);
    await rt.query(
      `INSERT INTO stock_move_line (move_id, picking_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom, picked,
                                    location_id, location_dest_id, date, state, reference, create_uid, write_uid, create_date, write_date)
       SELECT m.id, m.picking_id, m.company_id, m.product_id, m.product_uom, m.product_uom_qty, m.product_uom_qty, false,
              m.location_id, m.location_dest_id, ${NOW}, 'assigned', m.reference, $2, $2, ${NOW}, ${NOW}
         FROM stock_move m WHERE m.id = $1`,
      [move.id, rt.uid],
    );
    await rt.query(
      `UPDATE stock_move SET quantity = product_uom_qty, state = 'assigned', write_date = ${NOW} WHERE id = $1`,
      [move.id],
    );
  }
  await recomputePickingStates(rt, pickingIds);
}

interface MoveTotals {
  picking_id: number;
  quantity: number;
  demand: number;
  picked: boolean;
}

async function totals(rt: Runtime, ids: number[]): Promise<MoveTotals[]> {
  return rt.query<MoveTotals>(
    `SELECT picking_id, sum(COALESCE(quantity, 0))::float8 AS quantity, sum(product_uom_qty)::float8 AS demand,
            bool_or(COALESCE(picked, false)) AS picked
       FROM stock_move WHERE picking_id = ANY($1) AND state NOT IN ('done', 'cancel')
      GROUP BY picking_id`,
    [ids],
  );
}

async function shortPickings(rt: Runtime, ids: number[]): Promise<number[]> {
  const rows = await rt.query<{ id: number }>(
    `SELECT DISTINCT picking_id AS id FROM stock_move
      WHERE picking_id = ANY($1) AND state NOT IN ('done', 'cancel') AND COALESCE(quantity, 0) < product_uom_qty - 1e-9`,
    [ids],
  );
  return rows.map((r) => r.id);
}

/** Backorder of a validated picking: its unfinished moves move to a new picking, reserved again. */
async function createBackorder(rt: Runtime, picking: PickingRow, moveIds: number[]): Promise<void> {
  if (moveIds.length === 0) return;
  const [row] = await rt.query<{ sequence_id: number }>(
    'SELECT t.sequence_id FROM stock_picking p JOIN stock_picking_type t ON t.id = p.picking_type_id WHERE p.id = $1',
    [picking.id],
  );
  const name = await nextById(rt, row!.sequence_id);
  const [backorder] = await rt.query<{ id: number }>(
    `INSERT INTO stock_picking (name, origin, note, backorder_id, move_type, state, group_id, priority, scheduled_date, date,
                                location_id, location_dest_id, picking_type_id, partner_id, company_id, user_id, sale_id,
                                carrier_id, printed, is_locked, create_uid, write_uid, create_date, write_date)
     SELECT $2, origin, note, id, move_type, 'draft', group_id, priority, scheduled_date, ${NOW},
            location_id, location_dest_id, picking_type_id, partner_id, company_id, user_id, sale_id,
            carrier_id, false, true, $3, $3, ${NOW}, ${NOW}
       FROM stock_picking WHERE id = $1 RETURNING id`,
    [picking.id, name, rt.uid],
  );
  await rt.query('UPDATE stock_move SET picking_id = $2, reference = $3 WHERE id = ANY($1)', [
    moveIds,
    backorder!.id,
    name,
  ]);
  await rt.query(
    'UPDATE stock_move_line SET picking_id = $2, reference = $3 WHERE move_id = ANY($1)',
    [moveIds, backorder!.id, name],
  );
  await recomputePickingStates(rt, [backorder!.id]);
  await assignMoves(rt, moveIds);
}

async function buttonValidate(rt: Runtime, ids: number[]): Promise<unknown> {
  let pickings = await loadPickings(rt, ids);
  const drafts = pickings.filter((p) => p.state === 'draft').map((p) => p.id);
  if (drafts.length > 0) {
    await confirmPickings(rt, drafts);
    if (rt.serie !== '16.0') await forceDemand(rt, drafts);
    pickings = await loadPickings(rt, ids);
  }
  const done = pickings.filter((p) => p.state === 'done' || p.state === 'cancel');
  if (done.length > 0)
    throw new UserError(
      rt.serie === '16.0'
        ? 'You cannot validate a transfer if no quantities are reserved nor done. To force the transfer, switch in edit mode and encode the done quantities.'
        : 'You cannot validate a transfer if no quantities are reserved. To force the transfer, encode quantities.',
    );
  const moveTotals = await totals(rt, ids);
  if (!rt.context.skip_sanity_check) {
    const empty = ids.some(
      (id) => (moveTotals.find((t) => t.picking_id === id)?.quantity ?? 0) <= 1e-9,
    );
    if (empty)
      throw new UserError(
        rt.serie === '16.0'
          ? 'You cannot validate a transfer if no quantities are reserved nor done. To force the transfer, switch in edit mode and encode the done quantities.'
          : 'You cannot validate a transfer if no quantities are reserved. To force the transfer, encode quantities.',
      );
  }
  const vrt = rt.context.button_validate_picking_ids
    ? rt
    : rt.withContext({ button_validate_picking_ids: ids });
  const unpicked = moveTotals.filter((t) => !t.picked).map((t) => t.picking_id);
  if (rt.serie === '16.0' && unpicked.length === moveTotals.length && !rt.context.skip_immediate) {
    return wizardAction(
      vrt,
      'Immediate Transfer?',
      'stock.immediate.transfer',
      IMMEDIATE_VIEW_ID,
      ids,
    );
  }
  if (unpicked.length > 0)
    await rt.query(
      `UPDATE stock_move SET picked = true WHERE picking_id = ANY($1) AND state NOT IN ('done', 'cancel')`,
      [unpicked],
    );
  if (!rt.context.skip_backorder) {
    const short = await shortPickings(rt, ids);
    const ask = pickings.filter((p) => short.includes(p.id) && p.create_backorder === 'ask');
    if (ask.length > 0)
      return wizardAction(
        vrt,
        'Create Backorder?',
        'stock.backorder.confirmation',
        BACKORDER_VIEW_ID,
        ask.map((p) => p.id),
      );
  }
  const notToBackorder = new Set(
    rt.context.skip_backorder && Array.isArray(rt.context.picking_ids_not_to_backorder)
      ? (rt.context.picking_ids_not_to_backorder as number[])
      : [],
  );
  const doneMoveIds: number[] = [];
  for (const picking of pickings) {
    const remainder =
      notToBackorder.has(picking.id) || picking.create_backorder === 'never'
        ? 'cancel'
        : 'backorder';
    const moves = await moveIdsOf(rt, [picking.id]);
    const { backorderMoves } = await doneMoves(rt, moves, remainder);
    doneMoveIds.push(...moves);
    await rt.query(
      `UPDATE stock_picking SET date_done = ${NOW}, write_date = ${NOW}, write_uid = $2 WHERE id = $1`,
      [picking.id, rt.uid],
    );
    await recomputePickingStates(rt, [picking.id]);
    await createBackorder(rt, picking, backorderMoves);
  }
  await refreshSaleLinesFromMoves(rt, doneMoveIds);
  return true;
}

/**
 * stock.move's _action_cancel over the pickings' moves: refused when one is done (Odoo 17's
 * message), else the open moves are unreserved and cancelled.
 */
async function cancelPickingMoves(rt: Runtime, ids: number[]): Promise<number[]> {
  const done = await moveIdsOf(rt, ids, ['done']);
  if (done.length > 0)
    throw new UserError(
      "You cannot cancel a stock move that has been set to 'Done'. Create a return in order to reverse the moves which took place.",
    );
  const moves = await moveIdsOf(rt, ids, [
    'draft',
    'waiting',
    'confirmed',
    'partially_available',
    'assigned',
  ]);
  await unreserveMoves(rt, moves);
  await rt.query(`UPDATE stock_move SET state = 'cancel', write_date = ${NOW} WHERE id = ANY($1)`, [
    moves,
  ]);
  return moves;
}

async function actionCancel(rt: Runtime, ids: number[]): Promise<true> {
  await ensureExist(rt, 'stock.picking', ids);
  const moves = await cancelPickingMoves(rt, ids);
  await recomputePickingStates(rt, ids);
  await refreshSaleLinesFromMoves(rt, moves);
  return true;
}

const records = (params: string[], run: MethodDef['run']): MethodDef => ({
  api: 'records',
  params,
  run,
});

export const pickingMethods: Record<string, MethodDef> = {
  action_confirm: records([], async (rt, ids) => {
    await loadPickings(rt, ids);
    await confirmPickings(rt, ids);
    return true;
  }),
  action_assign: records([], (rt, ids) => actionAssign(rt, ids)),
  button_validate: records([], (rt, ids) => buttonValidate(rt, ids)),
  do_unreserve: records([], async (rt, ids) => {
    await loadPickings(rt, ids);
    await unreserveMoves(rt, await moveIdsOf(rt, ids));
    return true;
  }),
  action_cancel: records([], (rt, ids) => actionCancel(rt, ids)),
  // 16 only, and it returns None: the call commits, then fault 1 (docs/odoo-api.md).
  action_set_quantities_to_reservation: records([], async (rt, ids) => {
    await loadPickings(rt, ids);
    await rt.query(
      `UPDATE stock_move SET picked = true WHERE picking_id = ANY($1) AND state NOT IN ('done', 'cancel')`,
      [ids],
    );
    return undefined;
  }),
  _action_done: records(['cancel_backorder'], async (rt, ids, { cancel_backorder }) => {
    const ctx = cancel_backorder ? { skip_backorder: true, picking_ids_not_to_backorder: ids } : {};
    return buttonValidate(
      rt.withContext({ ...ctx, skip_backorder: true, skip_sanity_check: true }),
      ids,
    );
  }),
  _create_backorder: records([], async () => true),
};

/** Defaults a new picking takes from its operation type: number, locations. */
async function preparePicking(rt: Runtime, vals: Vals): Promise<Vals> {
  const typeId = vals.picking_type_id;
  if (typeof typeId !== 'number') return vals;
  const [type] = await rt.query<{
    sequence_id: number;
    default_location_src_id: number | null;
    default_location_dest_id: number | null;
  }>(
    'SELECT sequence_id, default_location_src_id, default_location_dest_id FROM stock_picking_type WHERE id = $1',
    [typeId],
  );
  if (!type) return vals;
  const result = { ...vals };
  if (!result.name || result.name === '/') result.name = await nextById(rt, type.sequence_id);
  // Odoo's _compute_location_id: a type without a default (Receipts' source, Delivery Orders'
  // destination) takes the partner locations, Vendors and Customers.
  if (!result.location_id)
    result.location_id = type.default_location_src_id ?? (await partnerLocation(rt, 'supplier'));
  if (!result.location_dest_id)
    result.location_dest_id =
      type.default_location_dest_id ?? (await partnerLocation(rt, 'customer'));
  return result;
}

/** The Vendors or Customers location (Odoo's default property_stock_supplier / _customer). */
async function partnerLocation(
  rt: Runtime,
  usage: 'supplier' | 'customer',
): Promise<number | false> {
  const [row] = await rt.query<{ id: number }>(
    'SELECT id FROM stock_location WHERE usage = $1 AND active ORDER BY id LIMIT 1',
    [usage],
  );
  return row?.id ?? false;
}

/** stock.move.unlink: only draft or cancelled moves can go. */
async function checkMovesDeletable(rt: Runtime, moveIds: number[]): Promise<void> {
  const rows = await rt.query<{ id: number }>(
    "SELECT id FROM stock_move WHERE id = ANY($1) AND state NOT IN ('draft', 'cancel')",
    [moveIds],
  );
  if (rows.length > 0) throw new UserError('You can only delete draft or cancelled moves.');
}

export const pickingHooks: ModelHooks = {
  prepareCreate: preparePicking,
  afterCreate: (rt, ids) => recomputePickingStates(rt, ids),
  // Odoo 17 cancels the moves (refused when one is done), then deletes them with the picking.
  async beforeUnlink(rt, ids) {
    const cancelled = await cancelPickingMoves(rt, ids);
    await refreshSaleLinesFromMoves(rt, cancelled);
    const moves = await moveIdsOf(rt, ids);
    await rt.query('DELETE FROM stock_move WHERE id = ANY($1)', [moves]);
  },
};

/** A move created on a picking takes the picking's locations, type and reference. */
async function prepareMove(rt: Runtime, vals: Vals): Promise<Vals> {
  const result = { ...vals };
  if (typeof vals.picking_id === 'number') {
    const [picking] = await rt.query<{
      location_id: number;
      location_dest_id: number;
      picking_type_id: number;
      partner_id: number | null;
      group_id: number | null;
      name: string;
      origin: string | null;
      company_id: number;
    }>(
      'SELECT location_id, location_dest_id, picking_type_id, partner_id, group_id, name, origin, company_id FROM stock_picking WHERE id = $1',
      [vals.picking_id],
    );
    if (picking) {
      result.location_id ??= picking.location_id;
      result.location_dest_id ??= picking.location_dest_id;
      result.picking_type_id ??= picking.picking_type_id;
      result.partner_id ??= picking.partner_id ?? false;
      result.group_id ??= picking.group_id ?? false;
      result.origin ??= picking.origin ?? false;
      result.reference = picking.name;
    }
  }
  if (typeof vals.product_id === 'number' && (!result.name || !result.product_uom)) {
    const product = await productInfo(rt, vals.product_id);
    if (product) {
      result.name ??= product.display;
      result.product_uom ??= product.uom_id;
    }
  }
  if (!result.reference && typeof result.name === 'string') result.reference = result.name;
  result.product_qty = result.product_uom_qty ?? 1;
  return result;
}

export const moveHooks: ModelHooks = {
  prepareCreate: prepareMove,
  async afterCreate(rt, ids, valsList) {
    // A quantity given at creation is set as a write would set it: with its move lines.
    for (const [i, id] of ids.entries()) {
      const vals = valsList[i]!;
      const given = rt.serie === '16.0' ? vals.quantity_done : vals.quantity;
      if (typeof given !== 'number' || given <= 0) continue;
      await rt.query('UPDATE stock_move SET quantity = 0 WHERE id = $1', [id]);
      await setMoveQuantity(rt, id, given);
      if (rt.serie === '16.0')
        await rt.query('UPDATE stock_move SET picked = true WHERE id = $1', [id]);
    }
    const rows = await rt.query<{ picking_id: number }>(
      'SELECT DISTINCT picking_id FROM stock_move WHERE id = ANY($1) AND picking_id IS NOT NULL',
      [ids],
    );
    await recomputePickingStates(
      rt,
      rows.map((r) => r.picking_id),
    );
  },
  async prepareWrite(rt, ids, vals) {
    const result = { ...vals };
    if ('product_uom_qty' in vals) result.product_qty = vals.product_uom_qty;
    // 17/18 write the done quantity as `quantity`; 16 as `quantity_done`, which also picks.
    const key = rt.serie === '16.0' ? 'quantity_done' : 'quantity';
    if (key in vals) {
      const quantity = toColumn('stock.move', rt.field('stock.move', key)!, vals[key]) as number;
      for (const id of ids) await setMoveQuantity(rt, id, quantity);
      delete result[key];
      if (rt.serie === '16.0') result.picked = quantity > 0;
    }
    return result;
  },
  beforeUnlink: (rt, ids) => checkMovesDeletable(rt, ids),
};

/** Move lines: writing their quantity (17/18) or qty_done (16) sets their move's total. */
export const moveLineHooks: ModelHooks = {
  async prepareWrite(rt, ids, vals) {
    const key = rt.serie === '16.0' ? 'qty_done' : 'quantity';
    if (!(key in vals)) return vals;
    const quantity = toColumn(
      'stock.move.line',
      rt.field('stock.move.line', key)!,
      vals[key],
    ) as number;
    const lines = await rt.query<{ id: number; move_id: number; quantity: number; total: number }>(
      `SELECT l.id, l.move_id, l.quantity::float8 AS quantity, m.quantity::float8 AS total
         FROM stock_move_line l JOIN stock_move m ON m.id = l.move_id WHERE l.id = ANY($1)`,
      [ids],
    );
    for (const line of lines)
      await setMoveQuantity(rt, line.move_id, line.total - line.quantity + quantity);
    const { [key]: _done, ...rest } = vals;
    return rt.serie === '16.0' ? { ...rest, picked: quantity > 0 } : rest;
  },
};

export const moveMethods: Record<string, MethodDef> = {
  _action_confirm: records([], async (rt, ids) => {
    await confirmMoves(rt, ids);
    return true;
  }),
  _action_assign: records([], async (rt, ids) => {
    await assignMoves(rt, ids);
    return true;
  }),
  _action_done: records([], async (rt, ids) => {
    await doneMoves(rt, ids, 'backorder');
    return true;
  }),
};

/** The pickings of a wizard (its pick_ids many2many). */
async function wizardPickings(rt: Runtime, model: string, ids: number[]): Promise<number[]> {
  const rows = await rt.read(model, ids, ['pick_ids']);
  return rows.flatMap((r) => r.pick_ids as number[]);
}

function validateIds(rt: Runtime, fallback: number[]): number[] {
  const ids = rt.context.button_validate_picking_ids;
  return Array.isArray(ids) && ids.length > 0 ? (ids as number[]) : fallback;
}

export const backorderWizardMethods: Record<string, MethodDef> = {
  process: records([], async (rt, ids) => {
    const picks = await wizardPickings(rt, 'stock.backorder.confirmation', ids);
    return buttonValidate(rt.withContext({ skip_backorder: true }), validateIds(rt, picks));
  }),
  process_cancel_backorder: records([], async (rt, ids) => {
    const picks = await wizardPickings(rt, 'stock.backorder.confirmation', ids);
    return buttonValidate(
      rt.withContext({ skip_backorder: true, picking_ids_not_to_backorder: picks }),
      validateIds(rt, picks),
    );
  }),
};

export const immediateWizardMethods: Record<string, MethodDef> = {
  process: records([], async (rt, ids) => {
    const picks = await wizardPickings(rt, 'stock.immediate.transfer', ids);
    return buttonValidate(rt.withContext({ skip_immediate: true }), validateIds(rt, picks));
  }),
};
