// ir.sequence as Odoo implements it: 'standard' sequences draw from a PostgreSQL sequence named
// ir_sequence_%03d (nextval: no row lock, gaps on rollback); 'no_gap' ones lock their ir_sequence
// row with FOR UPDATE NOWAIT, so a concurrent caller gets 55P03 and the server retries.
import type pg from 'pg';
import { UserError } from '../exceptions.js';
import type { Runtime } from './model.js';

interface SequenceRow {
  id: number;
  implementation: 'standard' | 'no_gap';
  prefix: string | null;
  suffix: string | null;
  padding: number;
  number_increment: number;
}

export function pgSequenceName(id: number): string {
  return `ir_sequence_${String(id).padStart(3, '0')}`;
}

/** Odoo's _interpolate: %(year)s, %(y)s, %(month)s, %(day)s… from the current UTC date. */
function interpolate(text: string | null, now: Date): string {
  if (!text) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  const values: Record<string, string> = {
    year: String(now.getUTCFullYear()),
    y: String(now.getUTCFullYear()).slice(2),
    month: pad(now.getUTCMonth() + 1),
    day: pad(now.getUTCDate()),
    h24: pad(now.getUTCHours()),
    min: pad(now.getUTCMinutes()),
    sec: pad(now.getUTCSeconds()),
  };
  return text.replace(/%\((\w+)\)s/g, (whole, key: string) => values[key] ?? whole);
}

async function nextFor(rt: Runtime, row: SequenceRow): Promise<string> {
  let number: number;
  if (row.implementation === 'standard') {
    const rows = await rt.query<{ n: string }>(`SELECT nextval('${pgSequenceName(row.id)}') AS n`);
    number = Number(rows[0]!.n);
  } else {
    const rows = await rt.query<{ n: number }>(
      'SELECT number_next AS n FROM ir_sequence WHERE id = $1 FOR UPDATE NOWAIT',
      [row.id],
    );
    number = rows[0]!.n;
    await rt.query(
      'UPDATE ir_sequence SET number_next = number_next + number_increment WHERE id = $1',
      [row.id],
    );
  }
  const now = new Date();
  return `${interpolate(row.prefix, now)}${String(number).padStart(row.padding, '0')}${interpolate(row.suffix, now)}`;
}

const SELECT_SEQUENCE =
  'SELECT id, implementation, prefix, suffix, padding, number_increment FROM ir_sequence';

/** next_by_code: the first active sequence with that code (Odoo also filters by company). */
export async function nextByCode(rt: Runtime, code: string): Promise<string | false> {
  const rows = await rt.query<SequenceRow>(
    `${SELECT_SEQUENCE} WHERE code = $1 AND active IS TRUE ORDER BY company_id NULLS LAST, id LIMIT 1`,
    [code],
  );
  return rows[0] ? nextFor(rt, rows[0]) : false;
}

export async function nextById(rt: Runtime, id: number): Promise<string> {
  const rows = await rt.query<SequenceRow>(`${SELECT_SEQUENCE} WHERE id = $1`, [id]);
  if (!rows[0]) throw new UserError(`The sequence ${id} does not exist.`);
  return nextFor(rt, rows[0]);
}

export interface NewSequence {
  name: string;
  code?: string;
  prefix: string;
  padding: number;
  implementation?: 'standard' | 'no_gap';
}

/** Creates an ir_sequence row and, for 'standard', its PostgreSQL sequence. */
export async function createSequence(client: pg.ClientBase, seq: NewSequence): Promise<number> {
  const implementation = seq.implementation ?? 'standard';
  const rows = await client.query<{ id: number }>(
    `INSERT INTO ir_sequence (name, code, implementation, prefix, padding, number_next, number_increment, active, use_date_range, company_id, create_uid, write_uid, create_date, write_date)
     VALUES ($1, $2, $3, $4, $5, 1, 1, true, false, 1, 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC') RETURNING id`,
    [seq.name, seq.code ?? null, implementation, seq.prefix, seq.padding],
  );
  const id = rows.rows[0]!.id;
  if (implementation === 'standard')
    await client.query(`CREATE SEQUENCE ${pgSequenceName(id)} INCREMENT BY 1 START WITH 1`);
  return id;
}
