// Peak mix: the pre-peak capacity question — can the platform take the order wave, the
// warehouse floor, the carrier status storm and the month-end invoicing run at the same time?
// The four classes run at once as separate k6 scenarios, each with its own executor and rate;
// OC_RATE sets their total, split as the workload's rates are.
import { carrierBurst, prepareCarrierBurst } from './carrier-burst.ts';
import { monthEndBilling, prepareMonthEndBilling } from './month-end-billing.ts';
import { orderWave, prepareOrderWave } from './order-wave.ts';
import { prepareStockMoves, stockMoves } from './stock-moves.ts';
import { optionsFor } from './k6/options.ts';
import { setupRun, type SetupData } from './k6/session.ts';

export const options = optionsFor('peak-mix');

export function setup(): SetupData {
  return setupRun('peak-mix', {
    'order-wave': prepareOrderWave,
    'stock-moves': prepareStockMoves,
    'carrier-burst': prepareCarrierBurst,
    'month-end-billing': prepareMonthEndBilling,
  });
}

export { orderWave, stockMoves, carrierBurst, monthEndBilling };
