// res.config.settings (Odoo's base, with the stock and portal fields the lab implements): the
// transient record behind Settings. Its methods live in ../stock/settings.ts.
import type { ModelDef } from '../model.js';
import { IMPLIED_GROUPS_SQL, settingsHooks, settingsMethods } from '../stock/settings.js';
import { f } from './fields.js';

export const resConfigSettings: ModelDef = {
  name: 'res.config.settings',
  table: 'res_config_settings',
  description: 'Config Settings',
  transient: true,
  fields: {
    group_stock_multi_locations: f.bool('Storage Locations'),
    portal_allow_api_keys: f.bool('Customer API Keys'),
    auth_totp_enforce: f.bool('Enforce two-factor authentication', { series: ['19.0'] }),
  },
  sql: [IMPLIED_GROUPS_SQL],
  methods: settingsMethods,
  hooks: settingsHooks,
};

export const SETTINGS_MODELS: readonly ModelDef[] = [resConfigSettings];
