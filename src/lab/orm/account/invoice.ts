// Customer invoice bookkeeping (Odoo's account.move._sync_dynamic_lines, reduced): from the
// product lines, each tax line (round per line, as Odoo's default) and the receivable
// payment-term line are rebuilt, debit/credit/balance set, and the move's stored totals updated.
import { UserError } from '../../exceptions.js';
import type { ModelHooks, Runtime, Vals } from '../model.js';
import { todayUtc } from '../models/fields.js';
import { productInfo } from '../product-info.js';
import { computeNames, writeName } from './move-name.js';

const NOW = "(now() AT TIME ZONE 'UTC')";
export const RECEIVABLE_ACCOUNT = 1;
export const TAX_ACCOUNT = 3;
export const INCOME_ACCOUNT = 5;
const INVOICE_TYPES = ['out_invoice', 'out_refund', 'in_invoice', 'in_refund'];

/** Rebuilds the dynamic lines and totals of invoices (not of plain journal entries). */
export async function syncInvoices(rt: Runtime, moveIds: number[]): Promise<void> {
  const moves = await rt.query<{ id: number; move_type: string; state: string }>(
    'SELECT id, move_type, state FROM account_move WHERE id = ANY($1)',
    [moveIds],
  );
  for (const move of moves) {
    if (!INVOICE_TYPES.includes(move.move_type) || move.state !== 'draft') continue;
    // Income is a credit on customer invoices and a debit on refunds and bills.
    const sign = move.move_type === 'out_invoice' || move.move_type === 'in_refund' ? -1 : 1;
    await rt.query(
      `UPDATE account_move_line l
          SET price_subtotal = x.subtotal, price_total = x.subtotal + x.tax,
              balance = $2::numeric * x.subtotal, amount_currency = $2::numeric * x.subtotal,
              debit = GREATEST($2::numeric * x.subtotal, 0), credit = GREATEST(-$2::numeric * x.subtotal, 0)
         FROM (
           SELECT l2.id,
                  round((l2.quantity * l2.price_unit * (1 - COALESCE(l2.discount, 0) / 100))::numeric, 2) AS subtotal,
                  round((l2.quantity * l2.price_unit * (1 - COALESCE(l2.discount, 0) / 100)
                         * COALESCE((SELECT sum(t.amount) FROM account_move_line_account_tax_rel r JOIN account_tax t ON t.id = r.account_tax_id
                                      WHERE r.account_move_line_id = l2.id AND t.amount_type = 'percent'), 0) / 100)::numeric, 2) AS tax
             FROM account_move_line l2 WHERE l2.move_id = $1 AND l2.display_type = 'product'
         ) x
        WHERE l.id = x.id`,
      [move.id, sign],
    );
    await rt.query(
      "DELETE FROM account_move_line WHERE move_id = $1 AND display_type IN ('tax', 'payment_term')",
      [move.id],
    );
    const taxes = await rt.query<{ tax_id: number; name: string; amount: number; base: number }>(
      `SELECT t.id AS tax_id, t.name->>'en_US' AS name,
              sum(round((l.price_subtotal * t.amount / 100)::numeric, 2))::float8 AS amount,
              sum(l.price_subtotal)::float8 AS base
         FROM account_move_line l
         JOIN account_move_line_account_tax_rel r ON r.account_move_line_id = l.id
         JOIN account_tax t ON t.id = r.account_tax_id
        WHERE l.move_id = $1 AND l.display_type = 'product' AND t.amount_type = 'percent'
        GROUP BY t.id, t.name, t.sequence ORDER BY t.sequence, t.id`,
      [move.id],
    );
    for (const tax of taxes) {
      await insertLine(rt, move.id, {
        display_type: 'tax',
        name: tax.name,
        account_id: TAX_ACCOUNT,
        tax_line_id: tax.tax_id,
        tax_base_amount: tax.base,
        balance: sign * tax.amount,
        quantity: 1,
        price_unit: 0,
        sequence: 9999,
      });
    }
    const [total] = await rt.query<{ untaxed: number; tax: number }>(
      `SELECT COALESCE(sum(price_subtotal) FILTER (WHERE display_type = 'product'), 0)::float8 AS untaxed,
              COALESCE(sum($2::numeric * balance) FILTER (WHERE display_type = 'tax'), 0)::float8 AS tax
         FROM account_move_line WHERE move_id = $1`,
      [move.id, sign],
    );
    const amountTotal = Math.round((total!.untaxed + total!.tax) * 100) / 100;
    await insertLine(rt, move.id, {
      display_type: 'payment_term',
      name: false,
      account_id: RECEIVABLE_ACCOUNT,
      balance: -sign * amountTotal,
      quantity: 1,
      price_unit: 0,
      sequence: 10000,
    });
    const signed = move.move_type.endsWith('refund') ? -1 : 1;
    await rt.query(
      `UPDATE account_move SET amount_untaxed = $2, amount_tax = $3, amount_total = $4, amount_residual = $4,
              amount_untaxed_signed = $5::numeric * $2::numeric, amount_total_signed = $5::numeric * $4::numeric, write_date = ${NOW}
        WHERE id = $1`,
      [move.id, total!.untaxed, total!.tax, amountTotal, signed],
    );
  }
}

async function insertLine(rt: Runtime, moveId: number, vals: Vals): Promise<void> {
  const balance = vals.balance as number;
  await rt.query(
    `INSERT INTO account_move_line (move_id, move_name, date, parent_state, journal_id, company_id, currency_id, partner_id,
                                    display_type, name, account_id, tax_line_id, tax_base_amount, quantity, price_unit, discount,
                                    balance, amount_currency, debit, credit, amount_residual, price_subtotal, price_total, sequence,
                                    date_maturity, reconciled, create_uid, write_uid, create_date, write_date)
     SELECT m.id, m.name, m.date, m.state, m.journal_id, m.company_id, m.currency_id, m.commercial_partner_id,
            $2, $3, $4, $5, $6, $7, $8, 0,
            $9::numeric, $9::numeric, GREATEST($9::numeric, 0), GREATEST(-$9::numeric, 0), $9::numeric, 0, 0, $10,
            COALESCE(m.invoice_date_due, m.date), false, $11, $11, ${NOW}, ${NOW}
       FROM account_move m WHERE m.id = $1`,
    [
      moveId,
      vals.display_type,
      vals.name || null,
      vals.account_id,
      vals.tax_line_id ?? null,
      vals.tax_base_amount ?? 0,
      vals.quantity,
      vals.price_unit,
      balance,
      vals.sequence,
      rt.uid,
    ],
  );
}

async function journalFor(rt: Runtime, moveType: unknown): Promise<number | undefined> {
  const type =
    typeof moveType === 'string' && moveType.startsWith('out_')
      ? 'sale'
      : typeof moveType === 'string' && moveType.startsWith('in_')
        ? 'purchase'
        : 'general';
  const [journal] = await rt.query<{ id: number }>(
    'SELECT id FROM account_journal WHERE type = $1 AND active ORDER BY sequence, id LIMIT 1',
    [type],
  );
  return journal?.id;
}

export const accountMoveHooks: ModelHooks = {
  async prepareCreate(rt, vals) {
    const result = { ...vals };
    result.journal_id ??= await journalFor(rt, vals.move_type);
    result.date ??= vals.invoice_date || todayUtc();
    if (typeof vals.partner_id === 'number') {
      const [partner] = await rt.query<{ commercial_partner_id: number | null }>(
        'SELECT commercial_partner_id FROM res_partner WHERE id = $1',
        [vals.partner_id],
      );
      result.commercial_partner_id = partner?.commercial_partner_id ?? vals.partner_id;
    }
    return result;
  },
  // _compute_name on the moves created without a name, after their lines exist.
  async afterCreate(rt, ids, valsList) {
    await computeNames(
      rt,
      ids.filter((_, i) => valsList[i]?.name === undefined),
    );
    await syncInvoices(rt, ids);
  },
  async beforeUnlink(rt, ids) {
    const posted = await rt.query<{ id: number }>(
      "SELECT id FROM account_move WHERE id = ANY($1) AND (state = 'posted' OR posted_before)",
      [ids],
    );
    if (posted.length > 0)
      throw new UserError('You cannot delete an entry which has been posted once.');
  },
  async afterWrite(rt, ids, vals) {
    // An invoice's accounting date is its invoice date (_compute_date).
    if (vals.invoice_date)
      await rt.query(
        "UPDATE account_move SET date = invoice_date WHERE id = ANY($1) AND move_type != 'entry'",
        [ids],
      );
    if ('name' in vals) {
      for (const id of ids) await writeName(rt, id, (vals.name as string) || null);
    } else if (['date', 'invoice_date', 'journal_id', 'move_type'].some((f) => f in vals)) {
      await computeNames(rt, ids);
    }
    if ('partner_id' in vals)
      await rt.query(
        'UPDATE account_move m SET commercial_partner_id = COALESCE(p.commercial_partner_id, p.id) FROM res_partner p WHERE p.id = m.partner_id AND m.id = ANY($1)',
        [ids],
      );
    if (['invoice_line_ids', 'line_ids', 'partner_id'].some((f) => f in vals))
      await syncInvoices(rt, ids);
  },
};

/** An invoice line's defaults from its move and product, as Odoo's computed line fields. */
export const accountMoveLineHooks: ModelHooks = {
  async prepareCreate(rt, vals) {
    const result = { ...vals };
    if (typeof vals.move_id === 'number') {
      const [move] = await rt.query<{
        name: string;
        date: string;
        state: string;
        journal_id: number;
        company_id: number;
        commercial_partner_id: number | null;
      }>(
        `SELECT name, to_char(date, 'YYYY-MM-DD') AS date, state, journal_id, company_id, commercial_partner_id FROM account_move WHERE id = $1`,
        [vals.move_id],
      );
      if (move) {
        result.move_name = move.name;
        result.date = move.date;
        result.parent_state = move.state;
        result.journal_id = move.journal_id;
        result.company_id = move.company_id;
        result.partner_id ??= move.commercial_partner_id ?? false;
      }
    }
    if ((result.display_type ?? 'product') === 'product') {
      result.account_id ??= INCOME_ACCOUNT;
      const complete = ['name', 'product_uom_id', 'price_unit', 'tax_ids'].every((k) => k in vals);
      if (typeof vals.product_id === 'number' && !complete) {
        const product = await productInfo(rt, vals.product_id);
        if (product) {
          result.name ??= product.display;
          result.product_uom_id ??= product.uom_id;
          if (!('price_unit' in vals)) result.price_unit = product.list_price;
          if (!('tax_ids' in vals)) result.tax_ids = [[6, 0, product.taxes]];
        }
      }
    }
    return result;
  },
};
