// Order wave: the e-commerce peak. Sale orders of one to twenty lines drawn by popularity, then
// confirmed, so best-sellers contend on the same quant rows as in a real wave.
import exec from 'k6/execution';
import { ZipfSampler, sampleCount } from './lib/sampling.ts';
import type { OrderWaveClass, Workload } from './lib/workload.ts';
import type { OdooClient } from './k6/client.ts';
import { orderConfirmLatency } from './k6/metrics.ts';
import { optionsFor } from './k6/options.ts';
import { clientFor, loadMarker, setupRun, type SetupData } from './k6/session.ts';
import { transaction } from './k6/transaction.ts';

export const options = optionsFor('order-wave');
/** This class's k6 scenario (executor, rate, VUs), as peak-mix runs it too. */
export const orderWaveScenario = options.scenarios?.['order-wave'];

export interface OrderWaveData {
  /** Seeded products by popularity rank: OC-P-0001 first. */
  products: number[];
  customers: number[];
  payload: OrderWaveClass['payload'];
}

export function prepareOrderWave(
  client: OdooClient,
  _s: unknown,
  workload: Workload,
): OrderWaveData {
  const products = client.search('product.product', [['default_code', '=like', 'OC-P-%']], {
    order: 'default_code',
  });
  const customers = client.search('res.partner', [['ref', '=like', 'OC-C-%']], { order: 'id' });
  if (products.length === 0 || customers.length === 0) {
    throw new Error(
      `found ${products.length} seeded products (OC-P-*) and ${customers.length} customers (OC-C-*); run odoo-capacity seed first`,
    );
  }
  return { products, customers, payload: workload.classes['order-wave'].payload };
}

export function setup(): SetupData {
  return setupRun('order-wave', { 'order-wave': prepareOrderWave });
}

let popularity: ZipfSampler | undefined;

export function orderWave(data: SetupData): void {
  const wave = data.classes['order-wave'] as OrderWaveData;
  const client = clientFor(data.session);
  popularity ??= new ZipfSampler(wave.products.length, wave.payload.productSkew.zipfS);
  const lineCount = sampleCount(wave.payload.linesPerOrder, Math.random);
  const order = {
    partner_id: wave.customers[Math.floor(Math.random() * wave.customers.length)],
    client_order_ref: loadMarker(data.session, 'SO', exec.scenario.iterationInTest),
    order_line: popularity.distinct(lineCount, Math.random).map((rank) => [
      0,
      0,
      {
        product_id: wave.products[rank],
        product_uom_qty: sampleCount(wave.payload.quantityPerLine, Math.random),
      },
    ]),
  };
  transaction('confirm order', () => {
    const orderId = client.create('sale.order', order);
    const start = Date.now();
    client.call('sale.order', 'action_confirm', [[orderId]]);
    orderConfirmLatency.add(Date.now() - start);
  });
}
