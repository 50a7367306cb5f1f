// Odoo's tables as `workload derive` reads them (only those columns, with Odoo's indexes), for the
// scale bench and the embedded-PostgreSQL tests. Not Odoo: a database shaped like it.
import pg from 'pg';
export const ODOO_DERIVE_SCHEMA = `
  CREATE TABLE ir_module_module (id serial PRIMARY KEY, name varchar NOT NULL, state varchar, latest_version varchar);
  CREATE TABLE sale_order (id serial PRIMARY KEY, state varchar, date_order timestamp NOT NULL);
  CREATE INDEX sale_order_date_order_id_idx ON sale_order (date_order DESC, id DESC);
  CREATE TABLE sale_order_line (id serial PRIMARY KEY, order_id int NOT NULL, product_id int,
    product_uom_qty numeric, display_type varchar, is_downpayment boolean);
  CREATE INDEX sale_order_line__order_id_index ON sale_order_line (order_id);
  CREATE TABLE stock_picking_type (id serial PRIMARY KEY, code varchar NOT NULL);
  CREATE TABLE stock_picking (id serial PRIMARY KEY, state varchar, date_done timestamp,
    picking_type_id int NOT NULL, carrier_tracking_ref varchar, write_date timestamp);
  CREATE TABLE stock_move (id serial PRIMARY KEY, picking_id int, product_id int NOT NULL,
    product_uom_qty numeric, state varchar, is_inventory boolean, date timestamp NOT NULL);
  CREATE INDEX stock_move__picking_id_index ON stock_move (picking_id);
  CREATE TABLE account_move (id serial PRIMARY KEY, move_type varchar NOT NULL, state varchar NOT NULL,
    create_date timestamp, create_uid int);
  CREATE TABLE account_move_line (id serial PRIMARY KEY, move_id int NOT NULL);
  CREATE INDEX account_move_line__move_id_index ON account_move_line (move_id);
  CREATE TABLE sale_order_line_invoice_rel (order_line_id int NOT NULL, invoice_line_id int NOT NULL,
    PRIMARY KEY (order_line_id, invoice_line_id));
  CREATE INDEX ON sale_order_line_invoice_rel (invoice_line_id);`;

/**
 * A new database `name` beside `adminUrl`'s, holding the tables; a client connected to it (the
 * caller ends it) and its URL.
 */
export async function createOdooShapedDatabase(
  adminUrl: string,
  name: string,
): Promise<{ url: string; db: pg.Client }> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  await db.query(ODOO_DERIVE_SCHEMA);
  return { url: url.toString(), db };
}
