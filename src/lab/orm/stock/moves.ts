// stock.move's workflow as in Odoo 17: _action_confirm (state, picking assignment, reservation at
// confirmation), _action_assign (reserve quants, create move lines), _action_done (move quants,
// close moves and lines, split the remainder into a backorder or cancel it), and the picking
// state computed from its moves.
import { nextById } from '../sequence.js';
import type { Runtime } from '../model.js';
import {
  reserveQuantity,
  unreserveQuantity,
  updateAvailableQuantity,
  type Reservation,
} from './quants.js';

const NOW = "(now() AT TIME ZONE 'UTC')";
const EPSILON = 1e-9;

export interface MoveRow {
  id: number;
  product_id: number;
  product_uom: number;
  product_uom_qty: number;
  quantity: number;
  state: string;
  location_id: number;
  location_dest_id: number;
  picking_id: number | null;
  picking_type_id: number | null;
  group_id: number | null;
  partner_id: number | null;
  origin: string | null;
  sale_line_id: number | null;
  picked: boolean;
  company_id: number;
  storable: boolean;
  bypass: boolean;
  reservation_method: string | null;
}

/** Moves with what their workflow needs: storable product, source bypassing reservation. */
export async function loadMoves(rt: Runtime, ids: number[]): Promise<MoveRow[]> {
  return rt.query<MoveRow>(
    `SELECT m.id, m.product_id, m.product_uom, m.product_uom_qty::float8 AS product_uom_qty,
            COALESCE(m.quantity, 0)::float8 AS quantity, m.state, m.location_id, m.location_dest_id,
            m.picking_id, m.picking_type_id, m.group_id, m.partner_id, m.origin, m.sale_line_id,
            COALESCE(m.picked, false) AS picked, m.company_id,
            COALESCE(pt.is_storable, false) AS storable,
            (src.usage IN ('supplier', 'customer', 'inventory', 'production', 'view')) AS bypass,
            spt.reservation_method
       FROM stock_move m
       JOIN product_product p ON p.id = m.product_id
       JOIN product_template pt ON pt.id = p.product_tmpl_id
       JOIN stock_location src ON src.id = m.location_id
       LEFT JOIN stock_picking_type spt ON spt.id = m.picking_type_id
      WHERE m.id = ANY($1)
      ORDER BY m.sequence, m.id`,
    [ids],
  );
}

/** Odoo's picking state from its moves (_compute_state with _get_relevant_state_among_moves). */
export async function recomputePickingStates(rt: Runtime, pickingIds: number[]): Promise<void> {
  const ids = [...new Set(pickingIds)];
  if (ids.length === 0) return;
  await rt.query(
    `UPDATE stock_picking p SET state = s.state, write_date = ${NOW}
       FROM (
         SELECT p2.id,
           CASE
             WHEN count(m.id) = 0 OR bool_or(m.state = 'draft') THEN 'draft'
             WHEN bool_and(m.state = 'cancel') THEN 'cancel'
             WHEN bool_and(m.state IN ('done', 'cancel')) THEN 'done'
             WHEN p2.move_type = 'one' THEN
               CASE WHEN bool_and(m.state IN ('assigned', 'done', 'cancel')) THEN 'assigned'
                    WHEN bool_or(m.state = 'waiting') THEN 'waiting' ELSE 'confirmed' END
             WHEN bool_or(m.state IN ('assigned', 'partially_available')) THEN 'assigned'
             WHEN bool_or(m.state = 'waiting') THEN 'waiting'
             ELSE 'confirmed'
           END AS state
         FROM stock_picking p2 LEFT JOIN stock_move m ON m.picking_id = p2.id
        WHERE p2.id = ANY($1)
        GROUP BY p2.id, p2.move_type
       ) s
      WHERE p.id = s.id AND p.state IS DISTINCT FROM s.state`,
    [ids],
  );
}

/** The picking a confirmed move joins: an open one of the same group and route, or a new one. */
async function assignPicking(rt: Runtime, move: MoveRow): Promise<{ id: number; name: string }> {
  const existing = await rt.query<{ id: number; name: string }>(
    `SELECT id, name FROM stock_picking
      WHERE group_id IS NOT DISTINCT FROM $1 AND location_id = $2 AND location_dest_id = $3
        AND picking_type_id = $4 AND printed IS NOT TRUE
        AND state IN ('draft', 'confirmed', 'waiting', 'partially_available', 'assigned')
      ORDER BY id LIMIT 1`,
    [move.group_id, move.location_id, move.location_dest_id, move.picking_type_id],
  );
  if (existing[0]) return existing[0];
  const [type] = await rt.query<{ sequence_id: number }>(
    'SELECT sequence_id FROM stock_picking_type WHERE id = $1',
    [move.picking_type_id],
  );
  const [group] = move.group_id
    ? await rt.query<{ sale_id: number | null; move_type: string }>(
        'SELECT sale_id, move_type FROM procurement_group WHERE id = $1',
        [move.group_id],
      )
    : [];
  const name = await nextById(rt, type!.sequence_id);
  const id = await rt.create('stock.picking', {
    name,
    origin: move.origin ?? false,
    partner_id: move.partner_id ?? false,
    picking_type_id: move.picking_type_id,
    location_id: move.location_id,
    location_dest_id: move.location_dest_id,
    group_id: move.group_id ?? false,
    sale_id: group?.sale_id ?? false,
    move_type: group?.move_type ?? 'direct',
    company_id: move.company_id,
    state: 'draft',
  });
  return { id, name };
}

/** _action_confirm: draft moves become confirmed, join a picking, and reserve at confirmation. */
export async function confirmMoves(rt: Runtime, moveIds: number[]): Promise<void> {
  const moves = (await loadMoves(rt, moveIds)).filter((m) => m.state === 'draft');
  if (moves.length === 0) return;
  const pickings: number[] = [];
  for (const move of moves) {
    let pickingId = move.picking_id;
    if (!pickingId && move.picking_type_id) {
      const picking = await assignPicking(rt, move);
      pickingId = picking.id;
      await rt.query('UPDATE stock_move SET picking_id = $2, reference = $3 WHERE id = $1', [
        move.id,
        picking.id,
        picking.name,
      ]);
    }
    if (pickingId) pickings.push(pickingId);
  }
  await rt.query(
    `UPDATE stock_move SET state = 'confirmed', write_date = ${NOW} WHERE id = ANY($1)`,
    [moves.map((m) => m.id)],
  );
  await recomputePickingStates(rt, pickings);
  const toAssign = moves.filter(
    (m) => m.bypass || (m.reservation_method ?? 'at_confirm') === 'at_confirm',
  );
  await assignMoves(
    rt,
    toAssign.map((m) => m.id),
  );
}

/** Records a reservation on the move's lines: a new line, or more on its line at that location. */
async function addMoveLine(
  rt: Runtime,
  move: MoveRow,
  locationId: number,
  quantity: number,
  state: string,
): Promise<void> {
  if (move.quantity > EPSILON) {
    const [existing] = await rt.query<{ id: number }>(
      `SELECT id FROM stock_move_line WHERE move_id = $1 AND location_id = $2 AND state NOT IN ('done', 'cancel') AND lot_id IS NULL AND package_id IS NULL LIMIT 1`,
      [move.id, locationId],
    );
    if (existing) {
      await rt.query(
        `UPDATE stock_move_line SET quantity = quantity + $2, quantity_product_uom = quantity_product_uom + $2, write_date = ${NOW} WHERE id = $1`,
        [existing.id, quantity],
      );
      return;
    }
  }
  await rt.query(
    `INSERT INTO stock_move_line (move_id, picking_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom, picked,
                                  location_id, location_dest_id, date, state, reference, create_uid, write_uid, create_date, write_date)
     SELECT m.id, m.picking_id, m.company_id, m.product_id, m.product_uom, $2, $2, m.picked,
            $3, m.location_dest_id, ${NOW}, $5, m.reference, $4, $4, ${NOW}, ${NOW}
       FROM stock_move m WHERE m.id = $1`,
    [move.id, quantity, locationId, rt.uid, state],
  );
}

function moveState(move: MoveRow, quantity: number): string {
  if (quantity >= move.product_uom_qty - EPSILON) return 'assigned';
  return quantity > EPSILON ? 'partially_available' : 'confirmed';
}

/** _action_assign: reserve what is available and record it on move lines. */
export async function assignMoves(rt: Runtime, moveIds: number[]): Promise<void> {
  const moves = (await loadMoves(rt, moveIds)).filter((m) =>
    ['confirmed', 'waiting', 'partially_available'].includes(m.state),
  );
  for (const move of moves) {
    const need = move.product_uom_qty - move.quantity;
    let reservations: Reservation[] = [];
    if (need > EPSILON) {
      reservations =
        move.bypass || !move.storable
          ? [{ locationId: move.location_id, quantity: need }]
          : await reserveQuantity(rt, move.product_id, move.location_id, need);
    }
    const quantity = reservations.reduce((sum, r) => sum + r.quantity, move.quantity);
    const state = moveState(move, quantity);
    for (const r of reservations) await addMoveLine(rt, move, r.locationId, r.quantity, state);
    if (quantity === move.quantity && state === move.state) continue;
    await rt.query(
      `UPDATE stock_move SET quantity = $2, state = $3, write_date = ${NOW} WHERE id = $1`,
      [move.id, quantity, state],
    );
    if (move.quantity > EPSILON)
      await rt.query(
        `UPDATE stock_move_line SET state = $2 WHERE move_id = $1 AND state IS DISTINCT FROM 'done'`,
        [move.id, state],
      );
  }
  await recomputePickingStates(
    rt,
    moves.map((m) => m.picking_id).filter((p): p is number => p !== null),
  );
}

/** _do_unreserve: releases the reservations of moves not yet done. */
export async function unreserveMoves(rt: Runtime, moveIds: number[]): Promise<void> {
  const moves = (await loadMoves(rt, moveIds)).filter((m) => !['done', 'cancel'].includes(m.state));
  for (const move of moves) {
    const lines = await rt.query<{ id: number; location_id: number; quantity: number }>(
      `SELECT id, location_id, quantity::float8 AS quantity FROM stock_move_line WHERE move_id = $1 AND state != 'done'`,
      [move.id],
    );
    if (move.storable && !move.bypass)
      for (const line of lines)
        await unreserveQuantity(rt, move.product_id, line.location_id, line.quantity);
    await rt.query('DELETE FROM stock_move_line WHERE id = ANY($1)', [lines.map((l) => l.id)]);
    await rt.query(
      `UPDATE stock_move SET quantity = 0, state = 'confirmed', write_date = ${NOW} WHERE id = $1`,
      [move.id],
    );
  }
  await recomputePickingStates(
    rt,
    moves.map((m) => m.picking_id).filter((p): p is number => p !== null),
  );
}

/**
 * _action_done for the moves of validated pickings: quants move along the move lines, the moves
 * and lines are done, and what was not done becomes a new move in a backorder or is cancelled.
 */
export async function doneMoves(
  rt: Runtime,
  moveIds: number[],
  remainder: 'backorder' | 'cancel',
): Promise<{ backorderMoves: number[] }> {
  const moves = (await loadMoves(rt, moveIds)).filter((m) => !['done', 'cancel'].includes(m.state));
  const backorderMoves: number[] = [];
  for (const move of moves) {
    const lines = await rt.query<{
      id: number;
      location_id: number;
      location_dest_id: number;
      quantity: number;
    }>(
      `SELECT id, location_id, location_dest_id, quantity::float8 AS quantity FROM stock_move_line WHERE move_id = $1 AND state != 'done' ORDER BY id`,
      [move.id],
    );
    let done = 0;
    for (const line of lines) {
      if (line.quantity <= EPSILON) continue;
      if (move.storable) {
        if (!move.bypass)
          await unreserveQuantity(rt, move.product_id, line.location_id, line.quantity);
        await updateAvailableQuantity(rt, move.product_id, line.location_id, -line.quantity);
        await updateAvailableQuantity(rt, move.product_id, line.location_dest_id, line.quantity);
      }
      done += line.quantity;
    }
    await rt.query(
      `DELETE FROM stock_move_line WHERE move_id = $1 AND state != 'done' AND quantity <= 0`,
      [move.id],
    );
    await rt.query(
      `UPDATE stock_move_line SET state = 'done', picked = true, date = ${NOW}, write_date = ${NOW} WHERE move_id = $1 AND state != 'done'`,
      [move.id],
    );
    const left = move.product_uom_qty - done;
    if (done <= EPSILON) {
      // Nothing was done on this move: it goes whole to the backorder, or is cancelled.
      if (remainder === 'cancel') {
        await rt.query(
          `UPDATE stock_move SET state = 'cancel', quantity = 0, write_date = ${NOW} WHERE id = $1`,
          [move.id],
        );
      } else {
        backorderMoves.push(move.id);
      }
      continue;
    }
    await rt.query(
      `UPDATE stock_move SET state = 'done', quantity = $2, product_uom_qty = $2, product_qty = $2, picked = true, date = ${NOW}, write_date = ${NOW} WHERE id = $1`,
      [move.id, done],
    );
    if (left > EPSILON) {
      const [copy] = await rt.query<{ id: number }>(
        `INSERT INTO stock_move (name, sequence, priority, date, company_id, product_id, product_qty, product_uom_qty, product_uom,
                                 location_id, location_dest_id, partner_id, picking_id, state, origin, procure_method, scrapped,
                                 group_id, picking_type_id, is_inventory, warehouse_id, reference, sale_line_id, quantity, picked,
                                 create_uid, write_uid, create_date, write_date)
         SELECT name, sequence, priority, ${NOW}, company_id, product_id, $2, $2, product_uom,
                location_id, location_dest_id, partner_id, picking_id, $3, origin, procure_method, scrapped,
                group_id, picking_type_id, is_inventory, warehouse_id, reference, sale_line_id, 0, false,
                $4, $4, ${NOW}, ${NOW}
           FROM stock_move WHERE id = $1 RETURNING id`,
        [move.id, left, remainder === 'cancel' ? 'cancel' : 'confirmed', rt.uid],
      );
      if (remainder === 'backorder') backorderMoves.push(copy!.id);
    }
  }
  return { backorderMoves };
}

/**
 * Sets a move's quantity as writing stock.move.quantity does in 17 (quantity_done in 16): more
 * reserves what is available and forces the rest; less releases from its last lines.
 */
export async function setMoveQuantity(
  rt: Runtime,
  moveId: number,
  quantity: number,
): Promise<void> {
  const [move] = await loadMoves(rt, [moveId]);
  if (!move || ['done', 'cancel'].includes(move.state)) return;
  let delta = quantity - move.quantity;
  if (delta > EPSILON) {
    const reservations =
      move.bypass || !move.storable
        ? [{ locationId: move.location_id, quantity: delta }]
        : await reserveQuantity(rt, move.product_id, move.location_id, delta);
    const reserved = reservations.reduce((sum, r) => sum + r.quantity, 0);
    if (delta - reserved > EPSILON) {
      if (move.storable && !move.bypass)
        await updateAvailableQuantity(rt, move.product_id, move.location_id, 0, delta - reserved);
      reservations.push({ locationId: move.location_id, quantity: delta - reserved });
    }
    const state = moveState(move, quantity);
    for (const r of reservations) {
      await addMoveLine(rt, move, r.locationId, r.quantity, state);
      move.quantity += r.quantity;
    }
  } else if (delta < -EPSILON) {
    const lines = await rt.query<{ id: number; location_id: number; quantity: number }>(
      `SELECT id, location_id, quantity::float8 AS quantity FROM stock_move_line WHERE move_id = $1 AND state != 'done' ORDER BY id DESC`,
      [moveId],
    );
    for (const line of lines) {
      if (delta >= -EPSILON) break;
      const take = Math.min(line.quantity, -delta);
      if (move.storable && !move.bypass)
        await unreserveQuantity(rt, move.product_id, line.location_id, take);
      await rt.query(
        'UPDATE stock_move_line SET quantity = quantity - $2, quantity_product_uom = quantity_product_uom - $2 WHERE id = $1',
        [line.id, take],
      );
      delta += take;
    }
    await rt.query(
      'DELETE FROM stock_move_line WHERE move_id = $1 AND state != $2 AND quantity <= 0',
      [moveId, 'done'],
    );
  }
  const state = moveState(move, quantity);
  await rt.query(
    `UPDATE stock_move SET quantity = $2, state = $3, write_date = ${NOW} WHERE id = $1`,
    [moveId, quantity, state],
  );
  await rt.query(
    `UPDATE stock_move_line SET state = $2 WHERE move_id = $1 AND state IS DISTINCT FROM 'done'`,
    [moveId, state],
  );
  if (move.picking_id) await recomputePickingStates(rt, [move.picking_id]);
}
