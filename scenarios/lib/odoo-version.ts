// What changes between the Odoo series the scenarios run against, decided once from
// common.version's server_serie (docs/odoo-api.md, "Differences between series").

export interface OdooVersion {
  server_serie?: string;
  server_version?: string;
  server_version_info?: (number | string)[];
  lab?: unknown;
}

export interface OdooFeatures {
  major: number;
  /**
   * 16 validates only what has a done quantity (`quantity_done`), else it answers the
   * immediate-transfer wizard: the client first sets the done quantities to the reservation
   * (the "Set quantities" button). 17 and 18 replaced `quantity_done` by `quantity` and `picked`,
   * and button_validate sets the quantities to the demand itself when nothing is picked.
   */
  setQuantitiesBeforeValidate: boolean;
  /**
   * 16 to 18 require a stock.move's `name` (its description); 19 dropped the field (the
   * description is computed, `description_picking`) and refuses a move created with it.
   */
  moveName: boolean;
}

/** The major version from server_serie ("17.0", "saas~17.4", "18.0+e") or server_version_info. */
export function majorVersion(version: OdooVersion): number {
  const serie = version.server_serie ?? version.server_version ?? '';
  const match = /(\d+)\.\d+/.exec(serie);
  if (match) return Number(match[1]);
  const first = version.server_version_info?.[0];
  if (typeof first === 'number') return first;
  throw new Error(
    `common.version: cannot tell the Odoo series from server_serie "${serie}"; the scenarios support 16 to 19`,
  );
}

export function featuresOf(version: OdooVersion): OdooFeatures {
  const major = majorVersion(version);
  if (major < 16) {
    throw new Error(
      `common.version: Odoo ${major} is not supported; the scenarios need 16 or later`,
    );
  }
  return { major, setQuantitiesBeforeValidate: major === 16, moveName: major < 19 };
}
