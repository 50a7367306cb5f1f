// Validating a picking as a warehouse operator does on each Odoo series (docs/odoo-api.md,
// "Differences between series"), answering a backorder wizard as its default button does.
import { CallFailure } from '../lib/call-failure.ts';
import type { OdooFeatures } from '../lib/odoo-version.ts';
import type { OdooClient, Row } from './client.ts';

interface WizardAction {
  type: string;
  res_model?: string;
  context?: Record<string, unknown>;
}

/**
 * The domain leaf that finds the pickings of the orders whose client_order_ref matches `like`
 * (`=like`). By the picking's sale_id, never its origin: 16, 17 and 19 write the order's name
 * as origin, 18 writes "S00042 - <client_order_ref>" when the order has one.
 */
export function ofOrdersWithRef(like: string): [string, string, string] {
  return ['sale_id.client_order_ref', '=like', like];
}

function isWizard(value: unknown): value is WizardAction {
  return value !== null && typeof value === 'object' && 'res_model' in value;
}

/** Validates the picking and checks it is done; a failure names the picking. */
export function validatePicking(
  client: OdooClient,
  features: OdooFeatures,
  pickingId: number,
): void {
  try {
    validate(client, features, pickingId);
  } catch (error) {
    if (!(error instanceof CallFailure)) throw error;
    throw new CallFailure(error.tag, `picking ${pickingId}`, error.message, error.faultCode);
  }
}

function validate(client: OdooClient, features: OdooFeatures, pickingId: number): void {
  // 16: "Set quantities" — quantity_done := reserved. It returns None: committed, then fault 1.
  if (features.setQuantitiesBeforeValidate) {
    client.call('stock.picking', 'action_set_quantities_to_reservation', [[pickingId]]);
  }
  let result = client.call('stock.picking', 'button_validate', [[pickingId]]);
  if (isWizard(result) && result.res_model === 'stock.backorder.confirmation') {
    result = client.call('stock.picking', 'button_validate', [[pickingId]], {
      context: { ...result.context, skip_backorder: true },
    });
  }
  if (isWizard(result)) {
    throw new CallFailure(
      'other',
      'stock.picking.button_validate',
      `returned the ${result.res_model} wizard`,
    );
  }
  const [picking] = client.read<Row & { state: string }>('stock.picking', [pickingId], ['state']);
  if (picking?.state !== 'done') {
    throw new CallFailure(
      'other',
      'stock.picking.button_validate',
      `picking ${pickingId} is ${picking?.state ?? 'gone'} after validation`,
    );
  }
}
