// account.move.action_post and the gap-free numbering of posted entries per journal and period,
// the month-end bottleneck, with each series' mechanism (odoo-contract.md §5, sequence.mixin):
// - 16: _get_last_sequence(lock=True) runs UPDATE account_move SET write_date = write_date on the
//   journal's last numbered move: concurrent posters queue on that row lock, and under REPEATABLE
//   READ the waiter fails with 40001 once the holder commits (the server retries the call);
// - 17 and 18: no lock; the candidate name is written inside a savepoint and bumped on a unique
//   violation of account_move_unique_name, so concurrent posters wait on the index entry of the
//   first one and then take the next number, without being aborted.
import type { DatabaseError } from 'pg';
import { UserError } from '../../exceptions.js';
import { ensureExist } from '../generic.js';
import type { MethodDef } from '../model.js';
import type { Runtime } from '../runtime.js';
import { todayUtc } from '../models/fields.js';
import { recomputeLineQuantities } from '../sale/status.js';

const NOW = "(now() AT TIME ZONE 'UTC')";
const UNIQUE_VIOLATION = '23505';
const EXCLUSION_VIOLATION = '23P01';

interface MoveRow {
  id: number;
  name: string;
  state: string;
  move_type: string;
  journal_id: number;
  journal_code: string;
  journal_type: string;
  date: string;
  invoice_date: string | null;
  partner_id: number | null;
  lines: number;
}

/** Odoo's sequence formats: yearly "INV/2026/00001" for sale/bank/cash, monthly otherwise. */
function sequenceParts(move: MoveRow): { prefix: string; padding: number } {
  const [year, month] = move.date.split('-');
  const refund = move.move_type.endsWith('refund') ? 'R' : '';
  if (['sale', 'bank', 'cash'].includes(move.journal_type))
    return { prefix: `${refund}${move.journal_code}/${year}/`, padding: 5 };
  return { prefix: `${refund}${move.journal_code}/${year}/${month}/`, padding: 4 };
}

/** _get_last_sequence: the highest number of the journal's current prefix, locked in 16. */
async function lastSequence(rt: Runtime, move: MoveRow, prefix: string): Promise<number> {
  const where = `WHERE journal_id = $1 AND name != '/' AND id != $2 AND sequence_prefix = $3`;
  const select = `SELECT {field} FROM account_move ${where} ORDER BY sequence_number DESC LIMIT 1`;
  const params = [move.journal_id, move.id, prefix];
  let rows: { name: string }[];
  if (rt.serie === '16.0') {
    rows = await rt.query<{ name: string }>(
      `UPDATE account_move SET write_date = write_date WHERE id = (${select.replace('{field}', 'id')}) RETURNING name`,
      params,
    );
  } else {
    rows = await rt.query<{ name: string }>(select.replace('{field}', 'name'), params);
  }
  const last = rows[0]?.name;
  return last ? Number(last.slice(prefix.length)) || 0 : 0;
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as DatabaseError).code;
  return code === UNIQUE_VIOLATION || code === EXCLUSION_VIOLATION;
}

async function writeName(
  rt: Runtime,
  move: MoveRow,
  prefix: string,
  number: number,
  padding: number,
) {
  await rt.query(
    `UPDATE account_move SET name = $2, sequence_prefix = $3, sequence_number = $4, write_date = ${NOW} WHERE id = $1`,
    [move.id, `${prefix}${String(number).padStart(padding, '0')}`, prefix, number],
  );
}

/** _set_next_sequence: the next free number of the journal, per the series' mechanism. */
async function setNextSequence(rt: Runtime, move: MoveRow): Promise<void> {
  const { prefix, padding } = sequenceParts(move);
  let number = (await lastSequence(rt, move, prefix)) + 1;
  if (rt.serie === '16.0') {
    await writeName(rt, move, prefix, number, padding);
    return;
  }
  for (;;) {
    await rt.query('SAVEPOINT lab_sequence');
    try {
      await writeName(rt, move, prefix, number, padding);
      await rt.query('RELEASE SAVEPOINT lab_sequence');
      return;
    } catch (error) {
      await rt.query('ROLLBACK TO SAVEPOINT lab_sequence');
      if (!isUniqueViolation(error)) throw error;
      number += 1;
    }
  }
}

async function loadMoves(rt: Runtime, ids: number[]): Promise<MoveRow[]> {
  await ensureExist(rt, 'account.move', ids);
  return rt.query<MoveRow>(
    `SELECT m.id, m.name, m.state, m.move_type, m.journal_id, j.code AS journal_code, j.type AS journal_type,
            to_char(m.date, 'YYYY-MM-DD') AS date, to_char(m.invoice_date, 'YYYY-MM-DD') AS invoice_date, m.partner_id,
            (SELECT count(*)::int FROM account_move_line l WHERE l.move_id = m.id AND l.display_type NOT IN ('line_section', 'line_note')) AS lines
       FROM account_move m JOIN account_journal j ON j.id = m.journal_id
      WHERE m.id = ANY($1) ORDER BY m.id`,
    [ids],
  );
}

/** _post: checks, invoice date, state, number, lines' parent state. */
export async function postMoves(rt: Runtime, ids: number[]): Promise<void> {
  const moves = await loadMoves(rt, ids);
  for (const move of moves) {
    if (move.state === 'posted')
      throw new UserError(`The entry ${move.name} (id ${move.id}) is already posted.`);
    if (move.lines === 0) throw new UserError('You need to add a line before posting.');
    if (move.move_type.startsWith('out_') && !move.partner_id)
      throw new UserError(
        "The field 'Customer' is required, please complete it to validate the Customer Invoice.",
      );
  }
  for (const move of moves) {
    if (move.move_type !== 'entry' && !move.invoice_date) {
      const today = todayUtc();
      await rt.query(
        'UPDATE account_move SET invoice_date = $2, date = $2, invoice_date_due = COALESCE(invoice_date_due, $2) WHERE id = $1',
        [move.id, today],
      );
      move.invoice_date = today;
      move.date = today;
    }
    await rt.query(
      `UPDATE account_move SET state = 'posted', posted_before = true, payment_state = 'not_paid', write_date = ${NOW}, write_uid = $2 WHERE id = $1`,
      [move.id, rt.uid],
    );
    if (move.name === '/' || !move.name) await setNextSequence(rt, move);
    await rt.query(
      `UPDATE account_move_line l SET parent_state = 'posted', move_name = m.name, date = m.date,
              date_maturity = COALESCE(l.date_maturity, m.invoice_date_due, m.date)
         FROM account_move m WHERE m.id = l.move_id AND m.id = $1`,
      [move.id],
    );
  }
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
  button_draft: records(async (rt, ids) => {
    const moves = await loadMoves(rt, ids);
    if (moves.some((m) => m.state === 'draft'))
      throw new UserError('Only posted/cancelled journal entries can be reset to draft.');
    await setMoveState(rt, ids, 'draft');
    return false;
  }),
  button_cancel: records(async (rt, ids) => {
    const moves = await loadMoves(rt, ids);
    if (moves.some((m) => m.state !== 'draft'))
      throw new UserError('Only draft journal entries can be cancelled.');
    await setMoveState(rt, ids, 'cancel');
    return false;
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
