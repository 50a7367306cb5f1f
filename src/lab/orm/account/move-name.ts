// The numbers of journal entries, as Odoo's sequence.mixin and account.move._compute_name give
// them: gap-free per journal and period (yearly INV/2026/00001 for sale, bank and cash journals,
// monthly MISC/2026/12/0001 otherwise), the next number read from the highest one of the period.
//
// When a move is created or its date, journal or state changes, _compute_name runs:
// - 16 and 17 number a draft when its journal has no named move in its period yet, so the first
//   draft of a period carries a real number from its creation; later drafts get '/'. Two
//   transactions creating a period's first drafts at once each see no named move (REPEATABLE
//   READ), so both name a draft e.g. INV/2026/00001: drafts are outside the unique index
//   (account_move_unique_name covers posted moves only), so nothing stops them;
// - posting keeps a draft's name and numbers the '/' ones (posting.ts);
// - 18 numbers a move only when it leaves draft (drafts keep no name at all).
// A name that no longer matches its date (the date moved to another period) is cleared while the
// move was never posted, unless the move is the period's first.
import { since } from '../../contract.js';
import type { Runtime } from '../model.js';

const NOW = "(now() AT TIME ZONE 'UTC')";
const UNIQUE_VIOLATION = '23505';
const EXCLUSION_VIOLATION = '23P01';

export interface NamingRow {
  id: number;
  name: string | null;
  state: string;
  move_type: string;
  journal_id: number;
  journal_code: string;
  journal_type: string;
  date: string | null;
  ref: string | null;
  posted_before: boolean;
}

/** Odoo's _sequence_monthly_regex and _sequence_yearly_regex (year ranges are not modelled). */
const MONTHLY =
  /^(?<prefix1>.*?)(?<year>((?<=\D)|(?<=^))((19|20|21)\d{2}|(\d{2}(?=\D))))(?<prefix2>\D*?)(?<month>(0[1-9]|1[0-2]))(?<prefix3>\D+?)(?<seq>\d*)(?<suffix>\D*?)$/;
const YEARLY =
  /^(?<prefix1>.*?)(?<year>((?<=\D)|(?<=^))((19|20|21)?\d{2}))(?<prefix2>\D+?)(?<seq>\d*)(?<suffix>\D*?)$/;

/** _compute_split_sequence: the prefix up to the trailing number, and that number. */
export function splitSequence(name: string | null): { prefix: string; number: number } {
  const match = /^(.*?)(\d{0,9})(\D*?)$/.exec(name ?? '');
  return { prefix: match?.[1] ?? '', number: Number(match?.[2] || 0) };
}

/** _get_starting_sequence's prefix and padding for the move's journal, type and period. */
export function sequenceParts(move: NamingRow): { prefix: string; padding: number } {
  const [year, month] = (move.date ?? '').split('-');
  const refund = move.move_type.endsWith('refund') ? 'R' : '';
  if (['sale', 'bank', 'cash'].includes(move.journal_type))
    return { prefix: `${refund}${move.journal_code}/${year}/`, padding: 5 };
  return { prefix: `${refund}${move.journal_code}/${year}/${month}/`, padding: 4 };
}

/** _sequence_matches_date: a yearly name carries the date's year, a monthly one its month too. */
export function sequenceMatchesDate(name: string | null, date: string | null): boolean {
  if (!name || !date) return true;
  const [year, month] = date.split('-').map(Number) as [number, number];
  const monthly = MONTHLY.exec(name)?.groups;
  const groups = monthly ?? YEARLY.exec(name)?.groups;
  if (!groups) return true;
  const digits = groups.year!;
  if (Number(digits) !== year % 10 ** digits.length) return false;
  return !monthly || Number(monthly.month) === month;
}

/**
 * _get_last_sequence: the highest name of the journal in the move's period (drafts included),
 * other than the move's own.
 */
export async function lastSequence(rt: Runtime, move: NamingRow): Promise<string | undefined> {
  const rows = await rt.query<{ name: string }>(
    `SELECT name FROM account_move
      WHERE journal_id = $1 AND name != '/' AND id != $2 AND sequence_prefix = $3
      ORDER BY sequence_number DESC LIMIT 1`,
    [move.journal_id, move.id, sequenceParts(move).prefix],
  );
  return rows[0]?.name;
}

/** Sets a move's name with its sequence_prefix and sequence_number (Odoo's split), and its lines'. */
export async function writeName(rt: Runtime, id: number, name: string | null): Promise<void> {
  const { prefix, number } = splitSequence(name);
  await rt.query(
    `UPDATE account_move SET name = $2, sequence_prefix = $3, sequence_number = $4, write_date = ${NOW} WHERE id = $1`,
    [id, name, prefix, number],
  );
  await rt.query('UPDATE account_move_line SET move_name = $2 WHERE move_id = $1', [id, name]);
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === UNIQUE_VIOLATION || code === EXCLUSION_VIOLATION;
}

/**
 * _set_next_sequence: the period's highest number plus one, written in a savepoint and bumped on
 * a unique violation, so a concurrent poster waits on the first one's index entry, then moves
 * past it. (The original 16.0 locked the row of the highest number instead, and its waiters got
 * 40001; 16.0's auto-installed account_sequence module replaced that with this, and a database
 * made by a late 16.0, as the lab's, has it. 18's _locked_increment is emulated as this.)
 */
export async function setNextSequence(rt: Runtime, move: NamingRow): Promise<void> {
  const { prefix, padding } = sequenceParts(move);
  const last = await lastSequence(rt, move);
  let number = last ? splitSequence(last).number + 1 : 1;
  const candidate = () => `${prefix}${String(number).padStart(padding, '0')}`;
  for (;;) {
    await rt.query('SAVEPOINT lab_sequence');
    try {
      await writeName(rt, move.id, candidate());
      await rt.query('RELEASE SAVEPOINT lab_sequence');
      move.name = candidate();
      return;
    } catch (error) {
      await rt.query('ROLLBACK TO SAVEPOINT lab_sequence');
      if (!isUniqueViolation(error)) throw error;
      number += 1;
    }
  }
}

/** The moves as _compute_name walks them: by date, reference, then id. */
export async function namingRows(rt: Runtime, ids: number[]): Promise<NamingRow[]> {
  const rows = await rt.query<NamingRow>(
    `SELECT m.id, m.name, m.state, m.move_type, m.journal_id, j.code AS journal_code, j.type AS journal_type,
            to_char(m.date, 'YYYY-MM-DD') AS date, m.ref, COALESCE(m.posted_before, false) AS posted_before
       FROM account_move m JOIN account_journal j ON j.id = m.journal_id
      WHERE m.id = ANY($1)`,
    [ids],
  );
  const key = (r: NamingRow) => [r.date ?? '', r.ref ?? ''] as const;
  return rows.sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    if (ka[0] !== kb[0]) return ka[0] < kb[0] ? -1 : 1;
    if (ka[1] !== kb[1]) return ka[1] < kb[1] ? -1 : 1;
    return a.id - b.id;
  });
}

/** _compute_name of 16 and 17 for one move: its name given, cleared, kept or numbered. */
async function computeName16(rt: Runtime, move: NamingRow): Promise<void> {
  const hasName = !!move.name && move.name !== '/';
  if (hasName || move.state !== 'posted') {
    if (!move.posted_before && !sequenceMatchesDate(move.name, move.date)) {
      if (await lastSequence(rt, move)) {
        await writeName(rt, move.id, '/');
        move.name = '/';
        return;
      }
    } else if ((hasName && move.posted_before) || (!hasName && (await lastSequence(rt, move)))) {
      if (!move.name) await writeName(rt, move.id, '/');
      return;
    }
  }
  if (move.date && (!hasName || !sequenceMatchesDate(move.name, move.date)))
    await setNextSequence(rt, move);
  else if (!move.name) await writeName(rt, move.id, '/');
}

/** 18's _compute_name: a number only when the move leaves draft; drafts keep no name. */
async function computeName18(rt: Runtime, move: NamingRow): Promise<void> {
  const hasName = !!move.name && move.name !== '/';
  if (!move.posted_before && !sequenceMatchesDate(move.name, move.date)) {
    await writeName(rt, move.id, null);
    move.name = null;
    return;
  }
  if (move.date && !hasName && move.state !== 'draft') await setNextSequence(rt, move);
}

/** account.move._compute_name over these moves, in Odoo's order; cancelled moves are left alone. */
export async function computeNames(rt: Runtime, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const compute = since(rt.serie, 18) ? computeName18 : computeName16;
  for (const move of await namingRows(rt, ids))
    if (move.state !== 'cancel') await compute(rt, move);
}
