// account.move.action_post (_post): checks, the invoice date, the state, and the number of each
// move (move-name.ts), as Odoo 17 does it and as 16.0 does since its auto-installed
// account_sequence module backported it (docs/odoo-api.md, "Posting collisions"; sequence.mixin):
// - a '/' move takes the period's next number, written in a savepoint and bumped on a unique
//   violation of account_move_unique_name, so concurrent posters wait on the first one's index
//   entry, then move past it, without an error;
// - a draft that already has a name keeps it. In 16 and 17 the first draft of a period is named
//   at its creation, so two invoicing transactions starting a period at once can leave two drafts
//   with the same name. Posting the second of them violates account_move_unique_name outside any
//   savepoint: the IntegrityError becomes fault 2 "The operation cannot be completed: Another
//   entry with the same name already exists.", the whole call rolls back, and every retry fails
//   alike until the draft's name is set back to '/'. 18 names no drafts: no collision.
import { since } from '../../contract.js';
import { UserError } from '../../exceptions.js';
import { ensureExist } from '../generic.js';
import type { MethodDef, Runtime } from '../model.js';
import { todayUtc } from '../models/fields.js';
import { recomputeLineQuantities } from '../sale/status.js';
import { computeNames, namingRows } from './move-name.js';

const NOW = "(now() AT TIME ZONE 'UTC')";

interface MoveRow {
  id: number;
  name: string | null;
  state: string;
  move_type: string;
  invoice_date: string | null;
  date: string;
  partner_id: number | null;
  lines: number;
}

async function loadMoves(rt: Runtime, ids: number[]): Promise<MoveRow[]> {
  await ensureExist(rt, 'account.move', ids);
  return rt.query<MoveRow>(
    `SELECT m.id, m.name, m.state, m.move_type, to_char(m.invoice_date, 'YYYY-MM-DD') AS invoice_date,
            to_char(m.date, 'YYYY-MM-DD') AS date, m.partner_id,
            (SELECT count(*)::int FROM account_move_line l WHERE l.move_id = m.id AND l.display_type NOT IN ('line_section', 'line_note')) AS lines
       FROM account_move m WHERE m.id = ANY($1) ORDER BY m.id`,
    [ids],
  );
}

/** _post's checks, with each series' wording. */
function checkPostable(rt: Runtime, moves: MoveRow[]): void {
  for (const move of moves) {
    if (move.move_type.startsWith('out_') && !move.partner_id)
      throw new UserError(
        "The field 'Customer' is required, please complete it to validate the Customer Invoice.",
      );
  }
  // 18 gathers every entry's reason in a set and raises them at once, one per line (in the set's
  // order, which varies); 16 and 17 stop at the first.
  const reasons = new Set<string>();
  for (const move of moves) {
    if (rt.serie === '16.0' ? move.state === 'posted' : move.state !== 'draft')
      reasons.add(
        rt.serie === '16.0'
          ? `The entry ${move.name} (id ${move.id}) is already posted.`
          : `The entry ${move.name ?? 'False'} (id ${move.id}) must be in draft.`,
      );
    if (move.lines === 0) reasons.add('You need to add a line before posting.');
    if (reasons.size > 0 && !since(rt.serie, 18)) break;
  }
  if (reasons.size > 0) throw new UserError([...reasons].join('\n'));
}

/** _post: checks, invoice date, state and number, lines' parent state. */
export async function postMoves(rt: Runtime, ids: number[]): Promise<void> {
  const moves = await loadMoves(rt, ids);
  checkPostable(rt, moves);
  // Invoices without a date take today's; a draft's name follows its new date (_compute_name).
  const redated: number[] = [];
  for (const move of moves) {
    if (move.move_type === 'entry' || move.invoice_date) continue;
    const today = todayUtc();
    await rt.query(
      'UPDATE account_move SET invoice_date = $2, date = $2, invoice_date_due = COALESCE(invoice_date_due, $2) WHERE id = $1',
      [move.id, today],
    );
    if (move.date !== today) redated.push(move.id);
  }
  await computeNames(rt, redated);
  // write({'state': 'posted'}): each move is flushed, then numbered if it has no name, in
  // _compute_name's order. A named draft whose name is already posted in its journal violates
  // account_move_unique_name here, outside any savepoint: the call fails and rolls back.
  for (const move of await namingRows(rt, ids)) {
    await rt.query(
      `UPDATE account_move SET state = 'posted', posted_before = true, payment_state = 'not_paid', write_date = ${NOW}, write_uid = $2 WHERE id = $1`,
      [move.id, rt.uid],
    );
    await computeNames(rt, [move.id]);
  }
  await rt.query(
    `UPDATE account_move_line l SET parent_state = 'posted', date = m.date,
            date_maturity = COALESCE(l.date_maturity, m.invoice_date_due, m.date)
       FROM account_move m WHERE m.id = l.move_id AND m.id = ANY($1)`,
    [ids],
  );
}

/** Orders invoiced by these moves get their invoiced quantities and status again. */
async function refreshInvoicedOrders(rt: Runtime, moveIds: number[]): Promise<void> {
  const rows = await rt.query<{ order_id: number }>(
    `SELECT DISTINCT l.order_id FROM account_move_line aml
       JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
       JOIN sale_order_line l ON l.id = rel.order_line_id
      WHERE aml.move_id = ANY($1)`,
    [moveIds],
  );
  await recomputeLineQuantities(
    rt,
    rows.map((r) => r.order_id),
  );
}

/** Resets or cancels moves; the orders they invoice count their invoiced quantities again. */
async function setMoveState(rt: Runtime, ids: number[], state: 'draft' | 'cancel'): Promise<void> {
  await rt.query(`UPDATE account_move SET state = $2, write_date = ${NOW} WHERE id = ANY($1)`, [
    ids,
    state,
  ]);
  await rt.query('UPDATE account_move_line SET parent_state = $2 WHERE move_id = ANY($1)', [
    ids,
    state,
  ]);
  await refreshInvoicedOrders(rt, ids);
}

const records = (run: MethodDef['run']): MethodDef => ({ api: 'records', params: [], run });

export const accountMoveMethods: Record<string, MethodDef> = {
  // Odoo returns False explicitly so the call marshals over RPC.
  action_post: records(async (rt, ids) => {
    await postMoves(rt, ids);
    return false;
  }),
  // Both return None in Odoo: committed, then fault 1 over XML-RPC.
  button_draft: records(async (rt, ids) => {
    const moves = await loadMoves(rt, ids);
    // 16 resets whatever it is given; 17 and later refuse drafts.
    if (rt.serie !== '16.0' && moves.some((m) => m.state === 'draft'))
      throw new UserError('Only posted/cancelled journal entries can be reset to draft.');
    await setMoveState(rt, ids, 'draft');
    return undefined;
  }),
  button_cancel: records(async (rt, ids) => {
    const moves = await loadMoves(rt, ids);
    // 16 cancels whatever it is given; 17 and later reset posted entries to draft first (the
    // shortcut for e-invoices) and refuse anything else that is not a draft.
    if (rt.serie !== '16.0') {
      const posted = moves.filter((m) => m.state === 'posted').map((m) => m.id);
      if (posted.length > 0) await setMoveState(rt, posted, 'draft');
      if (moves.some((m) => m.state !== 'draft' && m.state !== 'posted'))
        throw new UserError('Only draft journal entries can be cancelled.');
    }
    await setMoveState(rt, ids, 'cancel');
    return undefined;
  }),
  _post: {
    api: 'records',
    params: ['soft'],
    async run(rt, ids) {
      await postMoves(rt, ids);
      return false;
    },
  },
};
