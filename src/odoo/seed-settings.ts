// The Inventory settings the scenarios need, switched as an administrator does in Settings;
// `seed --cleanup` switches off only what seed switched on (SEED_SETTINGS_PARAM).
import { BadInputError } from '../core/errors.js';
import type { OdooClient } from './client.js';
import { OdooAccessError, OdooUserError } from './faults.js';
import { SEED_SETTINGS_PARAM } from './seed-markers.js';

/** What seed did with Inventory's settings. */
export interface SettingsSummary {
  /** The warehouse's Internal Transfers operation type is active (stock-moves' internal transfers). */
  internalTransfers: boolean;
  /**
   * Storage Locations: `enabled` by this seed; `unchanged` (Internal Transfers was active, or the
   * setting was on already); `skipped` (it would be needed, but seed was told not to change
   * settings).
   */
  storageLocations: 'enabled' | 'unchanged' | 'skipped';
  /** A seed (this one or an earlier one) switched Storage Locations on: cleanup switches it off. */
  enabledBySeed: boolean;
}

/** What `seed --cleanup` did with the setting seed had switched on. */
export interface SettingsCleanup {
  /**
   * `disabled`: seed had switched Storage Locations on, cleanup switched it off; `already-off`:
   * seed had, but it is off now; `untouched`: seed never switched it on, it stays as it is;
   * `refused`: Odoo refused to switch it off (`detail` says why; the next cleanup tries again).
   */
  storageLocations: 'disabled' | 'already-off' | 'untouched' | 'refused';
  detail?: string;
}

// Storage Locations: a fresh Odoo keeps the Internal Transfers type archived until it is on.
const FIELD = 'group_stock_multi_locations';
const SETTINGS = 'res.config.settings';

type Row = Record<string, unknown>;

const needsAdmin = (error: OdooAccessError, doing: string) =>
  new BadInputError(`seed: Odoo refused to ${doing} (${error.message})`, {
    hint: 'Changing Inventory settings needs an administrator: run seed once as one, enable Inventory → Settings → Storage Locations yourself, or pass --no-settings (stock-moves then skips internal transfers).',
  });

/** Storage Locations as the settings screen shows it (res.config.settings.default_get). */
async function storageLocationsOn(client: OdooClient): Promise<boolean> {
  const values = await client.call<Row>(SETTINGS, 'default_get', [[FIELD]]);
  return values[FIELD] === true;
}

/** Saves the settings screen with Storage Locations switched on or off; the rest as it is. */
async function saveStorageLocations(client: OdooClient, on: boolean): Promise<void> {
  const id = await client.call<number>(SETTINGS, 'create', [{ [FIELD]: on }]);
  await client.call(SETTINGS, 'execute', [[id]]);
}

/** The first warehouse's Internal Transfers type and whether it is active. */
async function internalTransferType(client: OdooClient): Promise<boolean> {
  const [warehouse] = await client.call<Row[]>('stock.warehouse', 'search_read', [[]], {
    kwargs: { fields: ['int_type_id'], limit: 1, order: 'sequence, id' },
  });
  const type = warehouse?.int_type_id;
  if (!Array.isArray(type)) return false;
  const [row] = await client.call<Row[]>('stock.picking.type', 'read', [[type[0]], ['active']]);
  return row?.active === true;
}

/** The ids of seed's own parameter (none or one). */
function markerParam(client: OdooClient): Promise<number[]> {
  return client.call<number[]>('ir.config_parameter', 'search', [
    [['key', '=', SEED_SETTINGS_PARAM]],
  ]);
}

/** Whether a seed switched the setting on; a user who may not read system parameters cannot tell. */
async function enabledBySeed(client: OdooClient): Promise<boolean> {
  try {
    return (await markerParam(client)).length > 0;
  } catch (error) {
    if (error instanceof OdooAccessError) return false;
    throw error;
  }
}

/**
 * Makes the warehouse's Internal Transfers usable: when it is archived and Storage Locations is
 * off, switches the setting on (if `change`), remembering that seed did. Changes nothing when
 * Internal Transfers is active already.
 */
export async function ensureSettings(
  client: OdooClient,
  change: boolean,
): Promise<SettingsSummary> {
  const remembered = await enabledBySeed(client);
  if (await internalTransferType(client))
    return { internalTransfers: true, storageLocations: 'unchanged', enabledBySeed: remembered };
  if (!change)
    return { internalTransfers: false, storageLocations: 'skipped', enabledBySeed: remembered };
  try {
    if (await storageLocationsOn(client))
      return { internalTransfers: false, storageLocations: 'unchanged', enabledBySeed: remembered };
    // Remembered first: if seed stops between the two calls, cleanup finds the setting off and
    // only forgets it, whereas the other order could leave a switched-on setting nobody reverts.
    if (!remembered)
      await client.call('ir.config_parameter', 'create', [
        { key: SEED_SETTINGS_PARAM, value: 'group_stock_multi_locations enabled by seed' },
      ]);
    await saveStorageLocations(client, true);
  } catch (error) {
    if (error instanceof OdooAccessError)
      throw needsAdmin(error, 'switch on Storage Locations in Inventory settings');
    throw error;
  }
  return {
    internalTransfers: await internalTransferType(client),
    storageLocations: 'enabled',
    enabledBySeed: true,
  };
}

/** Switches Storage Locations off again if, and only if, seed switched it on. */
export async function revertSettings(client: OdooClient): Promise<SettingsCleanup> {
  let params: number[];
  let result: SettingsCleanup;
  try {
    params = await markerParam(client);
    if (params.length === 0) return { storageLocations: 'untouched' };
    if (await storageLocationsOn(client)) {
      await saveStorageLocations(client, false);
      result = { storageLocations: 'disabled' };
    } else result = { storageLocations: 'already-off' };
  } catch (error) {
    // e.g. "You can't deactivate the multi-location if you have more than once warehouse by company"
    if (error instanceof OdooUserError || error instanceof OdooAccessError)
      return { storageLocations: 'refused', detail: error.message };
    throw error;
  }
  await client.call('ir.config_parameter', 'unlink', [params]);
  return result;
}
