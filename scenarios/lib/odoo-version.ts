// What changes between the Odoo series the scenarios run against, decided once from
// common.version's server_serie (odoo-contract.md §5 and §6).

export interface OdooVersion {
  server_serie?: string;
  server_version?: string;
  server_version_info?: (number | string)[];
  lab?: unknown;
}

export interface OdooFeatures {
  major: number;
  /** The field a done quantity is written to on stock.move: 16 `quantity_done`, 17+ `quantity`. */
  moveDoneField: 'quantity_done' | 'quantity';
  /**
   * 16 validates only what has a done quantity (else the immediate-transfer wizard): the client
   * writes done quantities first. 17+ sets quantities to the demand when nothing is picked.
   */
  writeDoneQuantitiesBeforeValidate: boolean;
  /** 17+ marks moves `picked`. */
  hasPicked: boolean;
  /** How a product is made storable: 16/17 `detailed_type='product'`, 18+ `is_storable`. */
  storable: { field: 'detailed_type'; value: 'product' } | { field: 'is_storable'; value: true };
  /** Odoo 19 deprecates XML-RPC in favour of JSON-2. */
  prefersJson2: boolean;
}

/** The major version from server_serie ("17.0", "saas~17.4", "18.0+e") or server_version_info. */
export function majorVersion(version: OdooVersion): number {
  const serie = version.server_serie ?? version.server_version ?? '';
  const match = /(\d+)\.\d+/.exec(serie);
  if (match) return Number(match[1]);
  const first = version.server_version_info?.[0];
  if (typeof first === 'number') return first;
  throw new Error(
    `common.version: cannot tell the Odoo series from server_serie "${serie}"; the scenarios support 16, 17 and 18`,
  );
}

export function featuresOf(version: OdooVersion): OdooFeatures {
  const major = majorVersion(version);
  if (major < 16) {
    throw new Error(
      `common.version: Odoo ${major} is not supported; the scenarios need 16 or later`,
    );
  }
  return {
    major,
    moveDoneField: major === 16 ? 'quantity_done' : 'quantity',
    writeDoneQuantitiesBeforeValidate: major === 16,
    hasPicked: major >= 17,
    storable:
      major >= 18
        ? { field: 'is_storable', value: true }
        : { field: 'detailed_type', value: 'product' },
    prefersJson2: major >= 19,
  };
}
