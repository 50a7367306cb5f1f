// Quant updates with Odoo's locking behaviour, where order waves and deliveries contend:
// - on-hand changes (_update_available_quantity, all series): pick one matching quant with
//   SELECT … FOR NO KEY UPDATE SKIP LOCKED; when every one is locked, insert a new quant row
//   instead of waiting (Odoo's _merge_quants folds them later; checkDatabase sums per group).
// - reservations, 16.0: reserved_quantity += x with a plain UPDATE and no explicit lock, so two
//   transactions reserving one quant collide: the second waits, then gets 40001 under
//   REPEATABLE READ and the server retries the whole call (docs/odoo-api.md).
// - reservations, 17.0 and 18: stock.move.line's create calls _update_reserved_quantity, which
//   is _update_available_quantity(reserved_quantity=x): the SKIP LOCKED path above, one quant at
//   a time in the order the move lines are made. A quant another call holds is skipped (a new
//   quant carries the reservation); one that a call committed after this call's snapshot raises
//   40001 under REPEATABLE READ even with SKIP LOCKED, and the whole call is retried: what caps
//   order waves on the Zipf head's quants.
import type { Runtime } from '../model.js';

export interface QuantRow {
  id: number;
  location_id: number;
  quantity: number;
  reserved_quantity: number;
}

/** Quants of a product at a location (and its children unless strict), in FIFO removal order. */
export async function gatherQuants(
  rt: Runtime,
  productId: number,
  locationId: number,
  strict: boolean,
): Promise<QuantRow[]> {
  const where = strict
    ? 'q.location_id = $2'
    : `q.location_id IN (SELECT c.id FROM stock_location c, stock_location p
                          WHERE p.id = $2 AND c.parent_path LIKE p.parent_path || '%')`;
  return rt.query<QuantRow>(
    `SELECT q.id, q.location_id, q.quantity::float8 AS quantity, q.reserved_quantity::float8 AS reserved_quantity
       FROM stock_quant q
      WHERE q.product_id = $1 AND ${where} AND q.lot_id IS NULL AND q.package_id IS NULL AND q.owner_id IS NULL
      ORDER BY q.in_date, q.id`,
    [productId, locationId],
  );
}

const TOUCH = `write_date = (now() AT TIME ZONE 'UTC'), write_uid = $3`;

/**
 * Odoo's _update_available_quantity: adds `quantity` on hand (and `reserved` when given) at one
 * location, on the first matching quant it can lock without waiting, else on a new quant.
 */
export async function updateAvailableQuantity(
  rt: Runtime,
  productId: number,
  locationId: number,
  quantity: number,
  reserved = 0,
): Promise<void> {
  const quants = await gatherQuants(rt, productId, locationId, true);
  let quantId: number | undefined;
  if (quants.length > 0) {
    const locked = await rt.query<{ id: number }>(
      'SELECT id FROM stock_quant WHERE id = ANY($1) ORDER BY lot_id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED',
      [quants.map((q) => q.id)],
    );
    quantId = locked[0]?.id;
  }
  if (quantId !== undefined) {
    await rt.query(
      `UPDATE stock_quant SET quantity = quantity + $2, reserved_quantity = GREATEST(0, reserved_quantity + $4), in_date = LEAST(in_date, (now() AT TIME ZONE 'UTC')), ${TOUCH} WHERE id = $1`,
      [quantId, quantity, rt.uid, reserved],
    );
    return;
  }
  await rt.query(
    `INSERT INTO stock_quant (product_id, location_id, company_id, quantity, reserved_quantity, in_date, inventory_quantity_set, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, 1, $4, $5, (now() AT TIME ZONE 'UTC'), false, $3, $3, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'))`,
    [productId, locationId, rt.uid, quantity, reserved],
  );
}

export interface Reservation {
  locationId: number;
  quantity: number;
}

/**
 * Reserves up to `need` units of a product under `locationId` and returns where. Availability is
 * the net of the gathered quants (on hand minus reserved), so split quants never over-reserve.
 */
export async function reserveQuantity(
  rt: Runtime,
  productId: number,
  locationId: number,
  need: number,
): Promise<Reservation[]> {
  const quants = await gatherQuants(rt, productId, locationId, false);
  const available = quants.reduce((sum, q) => sum + q.quantity - q.reserved_quantity, 0);
  let remaining = Math.min(need, Math.max(0, available));
  const taken: Reservation[] = [];
  for (const quant of quants) {
    if (remaining <= 1e-9) break;
    const free = quant.quantity - quant.reserved_quantity;
    if (free <= 1e-9) continue;
    const take = Math.min(free, remaining);
    if (rt.serie !== '16.0') {
      await updateAvailableQuantity(rt, productId, quant.location_id, 0, take);
    } else {
      await rt.query(
        `UPDATE stock_quant SET reserved_quantity = reserved_quantity + $2, ${TOUCH} WHERE id = $1`,
        [quant.id, take, rt.uid],
      );
    }
    const same = taken.find((t) => t.locationId === quant.location_id);
    if (same) same.quantity += take;
    else taken.push({ locationId: quant.location_id, quantity: take });
    remaining -= take;
  }
  return taken;
}

/** Releases a reservation at one location (16.0: plain UPDATE; later: the SKIP LOCKED path). */
export async function unreserveQuantity(
  rt: Runtime,
  productId: number,
  locationId: number,
  quantity: number,
): Promise<void> {
  if (rt.serie !== '16.0') {
    await updateAvailableQuantity(rt, productId, locationId, 0, -quantity);
    return;
  }
  const quants = await gatherQuants(rt, productId, locationId, true);
  let remaining = quantity;
  for (const quant of [...quants].reverse()) {
    if (remaining <= 1e-9) break;
    if (quant.reserved_quantity <= 1e-9) continue;
    const release = Math.min(quant.reserved_quantity, remaining);
    await rt.query(
      `UPDATE stock_quant SET reserved_quantity = reserved_quantity - $2, ${TOUCH} WHERE id = $1`,
      [quant.id, release, rt.uid],
    );
    remaining -= release;
  }
}
