// Inventory's settings, as res.config.settings applies them (odoo/addons/base/models/res_config.py
// and stock/models/res_config_settings.py): a group_* field is on when Internal User
// (base.group_user) implies its group; a new settings record starts from the current values, and
// execute() applies the record (set_values). Switching Storage Locations
// (group_stock_multi_locations) on activates the warehouses' Internal Transfers operation type;
// switching it off archives it again, as Odoo 17 does. res.groups itself is not modelled: the lab
// keeps only Odoo's relation table of implied groups.
import { ensureExist } from '../generic.js';
import type { MethodDef, ModelHooks, Runtime, Vals } from '../model.js';
import { ApplicationError } from '../../exceptions.js';
import { pyRepr, valueError } from '../python.js';

/** Odoo 17's ids of base.group_user and stock.group_stock_multi_locations in a fresh database. */
export const GROUP_USER = 1;
export const GROUP_STOCK_MULTI_LOCATIONS = 35;

/** DDL of the implied-groups relation (res_groups_implied_rel, gid implies hid). */
export const IMPLIED_GROUPS_SQL =
  'CREATE TABLE IF NOT EXISTS res_groups_implied_rel (gid int4 NOT NULL, hid int4 NOT NULL, PRIMARY KEY (gid, hid))';

const MODEL = 'res.config.settings';
/** The group_* fields the lab implements, and the group each implies on Internal User. */
const GROUP_FIELDS: Readonly<Record<string, number>> = {
  group_stock_multi_locations: GROUP_STOCK_MULTI_LOCATIONS,
};
/** portal's setting, stored as a system parameter; get_values() adds it to every default_get. */
const PORTAL_API_KEYS = { field: 'portal_allow_api_keys', param: 'portal.allow_api_keys' };
/**
 * 19.0's auth_totp_mail (auto-installed) adds its setting to every default_get too, read from its
 * parameter; the lab reads it and never sets it (no two-factor authentication here).
 */
const TOTP_ENFORCE = { field: 'auth_totp_enforce', param: 'auth_totp.policy' };

async function groupOn(rt: Runtime, group: number): Promise<boolean> {
  const rows = await rt.query('SELECT 1 FROM res_groups_implied_rel WHERE gid = $1 AND hid = $2', [
    GROUP_USER,
    group,
  ]);
  return rows.length > 0;
}

async function paramSet(rt: Runtime, param: string): Promise<boolean> {
  const rows = await rt.query<{ value: string }>(
    'SELECT value FROM ir_config_parameter WHERE key = $1',
    [param],
  );
  return Boolean(rows[0]?.value);
}

const portalApiKeys = (rt: Runtime) => paramSet(rt, PORTAL_API_KEYS.param);

/** What get_values() adds to every default_get and a new record starts from, per series. */
async function addedValues(rt: Runtime): Promise<Vals> {
  const values: Vals = { [PORTAL_API_KEYS.field]: await portalApiKeys(rt) };
  if (rt.field(MODEL, TOTP_ENFORCE.field))
    values[TOTP_ENFORCE.field] = await paramSet(rt, TOTP_ENFORCE.param);
  return values;
}

/** res.config.settings.default_get: the current value of each group field asked, plus get_values(). */
async function defaultGet(rt: Runtime, fieldsList: unknown): Promise<Vals> {
  if (!Array.isArray(fieldsList)) throw valueError(`Invalid fields ${pyRepr(fieldsList)}`);
  if (fieldsList.length === 0) return {};
  const result: Vals = {};
  for (const name of fieldsList) {
    if (typeof name !== 'string' || !rt.field(MODEL, name))
      throw new ApplicationError('KeyError', pyRepr(name));
    const group = GROUP_FIELDS[name];
    if (group !== undefined) result[name] = await groupOn(rt, group);
  }
  return { ...result, ...(await addedValues(rt)) };
}

/** A new settings record takes the current value of every setting it is not given. */
async function prepareCreate(rt: Runtime, vals: Vals): Promise<Vals> {
  const result = { ...vals };
  for (const [name, group] of Object.entries(GROUP_FIELDS))
    if (!(name in result)) result[name] = await groupOn(rt, group);
  return { ...(await addedValues(rt)), ...result };
}

/** Python's repr of a recordset's ids: (), (3,), (3, 4). */
function idsRepr(ids: number[]): string {
  return ids.length === 1 ? `(${ids[0]},)` : `(${ids.join(', ')})`;
}

/** Internal Transfers of the warehouses, activated or archived (stock's set_values). */
async function setInternalTypes(rt: Runtime, active: boolean): Promise<void> {
  const warehouses = active
    ? 'SELECT int_type_id FROM stock_warehouse WHERE active'
    : "SELECT int_type_id FROM stock_warehouse WHERE reception_steps = 'one_step' AND delivery_steps = 'ship_only'";
  await rt.query(
    `UPDATE stock_picking_type SET active = $1, write_uid = $2, write_date = (now() AT TIME ZONE 'UTC')
      WHERE id IN (${warehouses}) AND active IS DISTINCT FROM $1`,
    [active, rt.uid],
  );
}

/** set_values(): each changed group is implied or no longer implied, then stock's own effects. */
async function setValues(rt: Runtime, id: number): Promise<void> {
  const [row] = await rt.query<Record<string, boolean | null>>(
    'SELECT * FROM res_config_settings WHERE id = $1',
    [id],
  );
  for (const [name, group] of Object.entries(GROUP_FIELDS)) {
    const wanted = Boolean(row![name]);
    const before = await groupOn(rt, group);
    if (wanted === before) continue;
    if (wanted)
      await rt.query('INSERT INTO res_groups_implied_rel (gid, hid) VALUES ($1, $2)', [
        GROUP_USER,
        group,
      ]);
    else
      await rt.query('DELETE FROM res_groups_implied_rel WHERE gid = $1 AND hid = $2', [
        GROUP_USER,
        group,
      ]);
    if (group === GROUP_STOCK_MULTI_LOCATIONS) await setInternalTypes(rt, wanted);
  }
  const portal = Boolean(row![PORTAL_API_KEYS.field]);
  if (portal !== (await portalApiKeys(rt))) {
    // ir.config_parameter.set_param: False deletes the parameter.
    if (portal)
      await rt.query(
        `INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date)
         VALUES ($1, 'True', $2, $2, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')`,
        [PORTAL_API_KEYS.param, rt.uid],
      );
    else await rt.query('DELETE FROM ir_config_parameter WHERE key = $1', [PORTAL_API_KEYS.param]);
  }
}

export const settingsHooks: ModelHooks = { prepareCreate };

export const settingsMethods: Record<string, MethodDef> = {
  default_get: {
    api: 'model',
    params: ['fields'],
    required: 1,
    run: (rt, _ids, { fields }) => defaultGet(rt, fields),
  },
  execute: {
    api: 'records',
    params: [],
    async run(rt, ids) {
      if (ids.length !== 1) throw valueError(`Expected singleton: ${MODEL}${idsRepr(ids)}`);
      await ensureExist(rt, MODEL, ids);
      await setValues(rt, ids[0]!);
      // res.config's next() finds no pending wizard: the web client is told to reload.
      return { type: 'ir.actions.client', tag: 'reload' };
    },
  },
};
