// Carrier burst: the carrier status storm. Scan events arrive in spikes, each writing a tracking
// reference on a delivery, reading its state back and looking the shipment up by its order.
import exec from 'k6/execution';
import { CallFailure } from './lib/call-failure.ts';
import type { Workload } from './lib/workload.ts';
import type { OdooClient, Row } from './k6/client.ts';
import { shipmentUpdateDelay } from './k6/metrics.ts';
import { optionsFor } from './k6/options.ts';
import { ofOrdersWithRef } from './k6/picking.ts';
import { clientFor, loadMarker, setupRun, type Session, type SetupData } from './k6/session.ts';
import { transaction } from './k6/transaction.ts';

export const options = optionsFor('carrier-burst');
/** This class's k6 scenario (executor, arrival profile, VUs), as peak-mix runs it too. */
export const carrierBurstScenario = options.scenarios?.['carrier-burst'];

export interface CarrierBurstData {
  /** Deliveries of the seeded orders (ready and delivered pools). */
  shipments: { id: number; origin: string }[];
}

export function prepareCarrierBurst(
  client: OdooClient,
  _s: Session,
  _w: Workload,
): CarrierBurstData {
  const outgoing = client.search('stock.picking.type', [['code', '=', 'outgoing']]);
  const shipments = client
    .searchRead<Row & { origin: string }>(
      'stock.picking',
      [ofOrdersWithRef('OC-SEED-%'), ['picking_type_id', 'in', outgoing]],
      ['origin'],
      { order: 'id' },
    )
    .map((p) => ({ id: p.id, origin: p.origin }));
  if (shipments.length === 0) {
    throw new Error('no deliveries of seeded orders (OC-SEED-*); run odoo-capacity seed first');
  }
  return { shipments };
}

export function setup(): SetupData {
  return setupRun('carrier-burst', { 'carrier-burst': prepareCarrierBurst });
}

export function carrierBurst(data: SetupData): void {
  const { shipments } = data.classes['carrier-burst'] as CarrierBurstData;
  const client = clientFor(data.session);
  const iteration = exec.scenario.iterationInTest;
  // Carriers send several events per shipment over its life: updates cycle through the pool.
  const shipment = shipments[iteration % shipments.length]!;
  const trackingRef = loadMarker(data.session, 'TRK', iteration);
  transaction('update shipment', () => {
    const start = Date.now();
    client.write('stock.picking', [shipment.id], { carrier_tracking_ref: trackingRef });
    client.read('stock.picking', [shipment.id], ['state', 'carrier_tracking_ref']);
    const found = client.searchRead<Row & { carrier_tracking_ref: string | false }>(
      'stock.picking',
      [['origin', '=', shipment.origin]],
      ['state', 'carrier_tracking_ref'],
    );
    // A later event for the same shipment may already have replaced this one's reference.
    if (!found.some((p) => p.id === shipment.id && p.carrier_tracking_ref)) {
      throw new CallFailure(
        'other',
        'stock.picking.search_read',
        `shipment ${shipment.origin}: update not visible`,
      );
    }
    shipmentUpdateDelay.add(Date.now() - start);
  });
}
