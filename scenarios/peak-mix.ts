// Peak mix: can the platform take all four classes at once? Each runs as its own k6 scenario;
// OC_RATE sets their total, split as the workload's rates are.
import { carrierBurst as carrierBurstRun, prepareCarrierBurst } from './carrier-burst.ts';
import {
  monthEndBilling as monthEndBillingRun,
  prepareMonthEndBilling,
} from './month-end-billing.ts';
import { orderWave as orderWaveRun, prepareOrderWave } from './order-wave.ts';
import { prepareStockMoves, stockMoves as stockMovesRun } from './stock-moves.ts';
import { optionsFor } from './k6/options.ts';
import { setupRun, unlessSkipped, type SetupData } from './k6/session.ts';

export const options = optionsFor('peak-mix');

export function setup(): SetupData {
  return setupRun('peak-mix', {
    'order-wave': prepareOrderWave,
    'stock-moves': prepareStockMoves,
    'carrier-burst': prepareCarrierBurst,
    'month-end-billing': prepareMonthEndBilling,
  });
}

// A class whose seeded data is missing was skipped in setup (with one warning): its iterations
// do nothing, and the other classes run.
export const orderWave = unlessSkipped('order-wave', orderWaveRun);
export const stockMoves = unlessSkipped('stock-moves', stockMovesRun);
export const carrierBurst = unlessSkipped('carrier-burst', carrierBurstRun);
export const monthEndBilling = unlessSkipped('month-end-billing', monthEndBillingRun);
