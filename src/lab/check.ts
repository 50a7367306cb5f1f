// The lab's data invariants, checked after any load (`odoo-capacity lab check`, GET /lab/check):
// one REPEATABLE READ snapshot, one violation per broken record.
import type pg from 'pg';

export type InvariantName =
  | 'confirmed-order-has-delivery'
  | 'quantities-conserved'
  | 'no-negative-quant'
  | 'reservations-match-move-lines'
  | 'invoice-numbers-gap-free'
  | 'nothing-posted-twice';

export interface Violation {
  db: string;
  invariant: InvariantName;
  /** The record at fault, as model,id or a readable key. */
  record: string;
  detail: string;
}

interface Check {
  invariant: InvariantName;
  sql: string;
}

const EPS = '0.0001';

// Quants are summed per product and location first: SKIP LOCKED updates split a quant into rows
// that Odoo merges later, and only their sum is meaningful.
const CHECKS: readonly Check[] = [
  {
    invariant: 'confirmed-order-has-delivery',
    sql: `SELECT 'sale.order,' || o.id AS record,
                 'confirmed order ' || o.name || ': line ' || l.id || ' (' || COALESCE(pp.default_code, 'product ' || pp.id) || ', qty ' || l.product_uom_qty || ') has no stock move' AS detail
            FROM sale_order o
            JOIN sale_order_line l ON l.order_id = o.id
            JOIN product_product pp ON pp.id = l.product_id
            JOIN product_template pt ON pt.id = pp.product_tmpl_id
           WHERE o.state IN ('sale', 'done') AND l.display_type IS NULL AND pt.type IN ('consu', 'product')
             AND l.product_uom_qty > 0
             AND NOT EXISTS (SELECT 1 FROM stock_move m WHERE m.sale_line_id = l.id)
          UNION ALL
          SELECT 'stock.move,' || m.id,
                 'move ' || m.id || ' of order line ' || m.sale_line_id || ' is in no picking (state ' || m.state || ')'
            FROM stock_move m
           WHERE m.sale_line_id IS NOT NULL AND m.picking_id IS NULL AND m.state != 'cancel'
          UNION ALL
          SELECT 'sale.order,' || o.id,
                 'confirmed order ' || o.name || ' has goods to deliver but no picking'
            FROM sale_order o
           WHERE o.state IN ('sale', 'done')
             AND EXISTS (SELECT 1 FROM sale_order_line l JOIN stock_move m ON m.sale_line_id = l.id WHERE l.order_id = o.id AND m.state != 'cancel')
             AND NOT EXISTS (SELECT 1 FROM stock_picking p WHERE p.sale_id = o.id)`,
  },
  {
    invariant: 'quantities-conserved',
    sql: `WITH flows AS (
            SELECT ml.product_id, ml.location_dest_id AS location_id, ml.quantity_product_uom AS qty
              FROM stock_move_line ml JOIN stock_move m ON m.id = ml.move_id
             WHERE ml.state = 'done' AND m.state = 'done'
            UNION ALL
            SELECT ml.product_id, ml.location_id, -ml.quantity_product_uom
              FROM stock_move_line ml JOIN stock_move m ON m.id = ml.move_id
             WHERE ml.state = 'done' AND m.state = 'done'
          ), expected AS (
            SELECT product_id, location_id, sum(qty) AS qty FROM flows GROUP BY product_id, location_id
          ), actual AS (
            SELECT product_id, location_id, sum(quantity) AS qty FROM stock_quant GROUP BY product_id, location_id
          )
          SELECT 'product.product,' || COALESCE(e.product_id, a.product_id) AS record,
                 COALESCE(pp.default_code, 'product ' || pp.id) || ' at ' || l.complete_name || ': quants hold '
                   || round(COALESCE(a.qty, 0)::numeric, 4) || ' but done moves bring ' || round(COALESCE(e.qty, 0)::numeric, 4) AS detail
            FROM expected e FULL OUTER JOIN actual a ON a.product_id = e.product_id AND a.location_id = e.location_id
            JOIN product_product pp ON pp.id = COALESCE(e.product_id, a.product_id)
            JOIN product_template pt ON pt.id = pp.product_tmpl_id
            JOIN stock_location l ON l.id = COALESCE(e.location_id, a.location_id)
           WHERE pt.is_storable AND abs(COALESCE(e.qty, 0) - COALESCE(a.qty, 0)) > ${EPS}`,
  },
  {
    invariant: 'no-negative-quant',
    sql: `SELECT 'product.product,' || q.product_id AS record,
                 COALESCE(pp.default_code, 'product ' || pp.id) || ' at ' || l.complete_name || ': on hand '
                   || round(sum(q.quantity)::numeric, 4) || ', reserved ' || round(sum(q.reserved_quantity)::numeric, 4) AS detail
            FROM stock_quant q
            JOIN stock_location l ON l.id = q.location_id
            JOIN product_product pp ON pp.id = q.product_id
           WHERE l.usage = 'internal'
           GROUP BY q.product_id, pp.id, pp.default_code, l.complete_name, q.location_id
          HAVING sum(q.quantity) < -${EPS} OR min(q.reserved_quantity) < -${EPS}
              OR sum(q.reserved_quantity) > sum(q.quantity) + ${EPS}`,
  },
  {
    invariant: 'reservations-match-move-lines',
    sql: `WITH reserved AS (
            SELECT q.product_id, q.location_id, sum(q.reserved_quantity) AS qty
              FROM stock_quant q JOIN stock_location l ON l.id = q.location_id
             WHERE l.usage = 'internal' GROUP BY q.product_id, q.location_id
          ), lines AS (
            SELECT ml.product_id, ml.location_id, sum(ml.quantity_product_uom) AS qty
              FROM stock_move_line ml
              JOIN stock_move m ON m.id = ml.move_id
              JOIN stock_location l ON l.id = ml.location_id
              JOIN product_product pp ON pp.id = ml.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE ml.state NOT IN ('done', 'cancel') AND m.state NOT IN ('done', 'cancel')
               AND l.usage = 'internal' AND pt.is_storable
             GROUP BY ml.product_id, ml.location_id
          )
          SELECT 'product.product,' || COALESCE(r.product_id, s.product_id) AS record,
                 'quants reserve ' || round(COALESCE(r.qty, 0)::numeric, 4) || ' at location '
                   || COALESCE(r.location_id, s.location_id) || ' but open move lines hold ' || round(COALESCE(s.qty, 0)::numeric, 4) AS detail
            FROM reserved r FULL OUTER JOIN lines s ON s.product_id = r.product_id AND s.location_id = r.location_id
           WHERE abs(COALESCE(r.qty, 0) - COALESCE(s.qty, 0)) > ${EPS}`,
  },
  {
    invariant: 'invoice-numbers-gap-free',
    // Numbers held by posted moves and by drafts numbered at creation (16/17 number the first
    // draft of a period, which holds its number until it is posted or renamed); two drafts of
    // concurrent transactions may hold the same one, but never two posted moves.
    sql: `WITH numbered AS (
            SELECT m.journal_id, m.sequence_prefix, m.sequence_number, m.name
              FROM account_move m
             WHERE m.state != 'cancel' AND m.name IS NOT NULL AND m.name != '/' AND m.sequence_prefix IS NOT NULL
          ), per_prefix AS (
            SELECT n.journal_id, n.sequence_prefix, count(*) AS moves, count(DISTINCT n.sequence_number) AS numbers,
                   min(n.sequence_number) AS first, max(n.sequence_number) AS last
              FROM numbered n GROUP BY n.journal_id, n.sequence_prefix
          )
          SELECT 'account.journal,' || p.journal_id AS record,
                 j.code || ' ' || p.sequence_prefix || '*: ' || p.moves || ' numbered moves, ' || p.numbers
                   || ' distinct numbers from ' || p.first || ' to ' || p.last AS detail
            FROM per_prefix p JOIN account_journal j ON j.id = p.journal_id
           WHERE p.first != 1 OR p.last != p.numbers
          UNION ALL
          SELECT 'account.move,' || min(m.id), 'name ' || m.name || ' is used by ' || count(*) || ' posted moves of journal ' || m.journal_id
            FROM account_move m WHERE m.state = 'posted'
           GROUP BY m.name, m.journal_id HAVING count(*) > 1`,
  },
  {
    invariant: 'nothing-posted-twice',
    sql: `SELECT 'account.move,' || m.id AS record,
                 'posted entry ' || COALESCE(m.name, '/') || ' is ' || (CASE WHEN m.name IS NULL OR m.name = '/' THEN 'not numbered' ELSE 'unbalanced by ' || round(sum(l.balance)::numeric, 2) END) AS detail
            FROM account_move m LEFT JOIN account_move_line l ON l.move_id = m.id
           WHERE m.state = 'posted'
           GROUP BY m.id, m.name
          HAVING m.name IS NULL OR m.name = '/' OR abs(COALESCE(sum(l.balance), 0)) > 0.005
          UNION ALL
          SELECT 'sale.order.line,' || sol.id,
                 'order line ' || sol.id || ' is invoiced ' || round(sum(aml.quantity)::numeric, 4) || ' in posted invoices but '
                   || (CASE WHEN pt.invoice_policy = 'delivery' THEN 'delivered ' || sol.qty_delivered ELSE 'ordered ' || sol.product_uom_qty END)
            FROM sale_order_line sol
            JOIN product_product pp ON pp.id = sol.product_id
            JOIN product_template pt ON pt.id = pp.product_tmpl_id
            JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
            JOIN account_move_line aml ON aml.id = rel.invoice_line_id
            JOIN account_move am ON am.id = aml.move_id
           WHERE am.state = 'posted' AND am.move_type = 'out_invoice'
           GROUP BY sol.id, pt.invoice_policy, sol.qty_delivered, sol.product_uom_qty
          HAVING sum(aml.quantity) > (CASE WHEN pt.invoice_policy = 'delivery' THEN sol.qty_delivered ELSE sol.product_uom_qty END) + ${EPS}
          UNION ALL
          SELECT 'stock.move,' || m.id,
                 'done move ' || m.id || ' of ' || m.quantity || ' has ' || round(COALESCE(sum(ml.quantity_product_uom), 0)::numeric, 4) || ' done on its lines'
            FROM stock_move m LEFT JOIN stock_move_line ml ON ml.move_id = m.id AND ml.state = 'done'
           WHERE m.state = 'done'
           GROUP BY m.id, m.quantity
          HAVING abs(COALESCE(sum(ml.quantity_product_uom), 0) - m.quantity) > ${EPS}`,
  },
];

/**
 * Checks one lab database and lists every violation (empty when all invariants hold). Runs its
 * own read-only REPEATABLE READ transaction, so call it on a connection outside a transaction.
 */
export async function checkDatabase(client: pg.ClientBase, db: string): Promise<Violation[]> {
  const violations: Violation[] = [];
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    for (const check of CHECKS) {
      const { rows } = await client.query<{ record: string; detail: string }>(check.sql);
      for (const row of rows)
        violations.push({ db, invariant: check.invariant, record: row.record, detail: row.detail });
    }
  } finally {
    await client.query('COMMIT');
  }
  return violations;
}
