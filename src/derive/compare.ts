// Two derived workloads side by side (last quarter's derive.json beside this quarter's): per
// class the busy-hour rate and growth, and the shapes derive measured, each with its change.
import { TRANSACTION_CLASSES } from '../core/classes.js';
import { BadInputError } from '../core/errors.js';
import type { DerivedEvidence } from './read.js';

export interface ComparedValue {
  what: string;
  before: number | undefined;
  after: number | undefined;
  /** after ÷ before − 1, when both are there and before is not 0. */
  change: number | undefined;
}

export interface DerivedComparison {
  before: { window: string; odooVersion?: string };
  after: { window: string; odooVersion?: string };
  rows: ComparedValue[];
}

const windowOf = (e: DerivedEvidence) =>
  `${e.window.start} to ${e.window.end} (${e.window.days} days)`;

export function compareDerived(before: DerivedEvidence, after: DerivedEvidence): DerivedComparison {
  const rows: ComparedValue[] = [];
  const row = (what: string, pick: (e: DerivedEvidence) => number | undefined) => {
    const b = pick(before);
    const a = pick(after);
    rows.push({
      what,
      before: b,
      after: a,
      change: a !== undefined && b !== undefined && b !== 0 ? a / b - 1 : undefined,
    });
  };
  for (const c of TRANSACTION_CLASSES) {
    row(`${c} busy-hour rate (tx/s)`, (e) => e.classes[c]?.arrivals?.busyHour.ratePerSecond);
    row(`${c} growth (%/month)`, (e) => e.classes[c]?.growth?.percentPerMonth);
  }
  row('order-wave lines per order (mean)', (e) => e.orderWave?.linesPerOrder?.mean);
  row('order-wave quantity per line (mean)', (e) => e.orderWave?.quantityPerLine?.mean);
  row('order-wave product skew (Zipf s)', (e) => e.orderWave?.productSkew?.s);
  const share =
    (k: keyof NonNullable<DerivedEvidence['stockMoves']>['mix']) => (e: DerivedEvidence) => {
      const mix = e.stockMoves?.mix;
      const total = mix ? Object.values(mix).reduce((s, n) => s + n, 0) : 0;
      return mix && total > 0 ? mix[k] / total : undefined;
    };
  row('stock-moves deliveries share', share('deliveries'));
  row('stock-moves receipts share', share('receipts'));
  row('stock-moves internal transfers share', share('internalTransfers'));
  row('stock-moves adjustments share', share('inventoryAdjustments'));
  row('stock-moves lines per transfer (mean)', (e) => e.stockMoves?.linesPerTransfer?.mean);
  row('carrier-burst peak rate (tx/s)', (e) => e.carrierBurst?.shape?.peakRate);
  row('carrier-burst spike (s)', (e) => e.carrierBurst?.shape?.spikeSeconds);
  row('carrier-burst period (s)', (e) => e.carrierBurst?.shape?.periodSeconds);
  row('month-end-billing orders per batch (mean)', (e) => e.billing?.ordersPerBatch?.mean);
  row('month-end-billing posting rate (invoices/s)', (e) => e.billing?.postingRate);
  return {
    before: { window: windowOf(before), odooVersion: before.odooVersion },
    after: { window: windowOf(after), odooVersion: after.odooVersion },
    rows,
  };
}

const fmt = (v: number | undefined) =>
  v === undefined ? '—' : Number(v.toPrecision(3)).toString();
const pct = (v: number | undefined) =>
  v === undefined ? '—' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(0)} %`;

/** A Markdown table: what, before, after, change. */
export function renderDerivedComparison(c: DerivedComparison): string[] {
  return [
    `Derived workload: ${c.before.window} → ${c.after.window}`,
    '',
    '| measured | before | after | change |',
    '| --- | ---: | ---: | ---: |',
    ...c.rows
      .filter((r) => r.before !== undefined || r.after !== undefined)
      .map((r) => `| ${r.what} | ${fmt(r.before)} | ${fmt(r.after)} | ${pct(r.change)} |`),
  ];
}

/** derive.json, checked enough to compare: one line naming the file when it is not one. */
export function parseEvidence(text: string, file: string): DerivedEvidence {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const e = data as Partial<DerivedEvidence> | null;
  if (
    !e ||
    typeof e !== 'object' ||
    e.schemaVersion !== 1 ||
    typeof e.window?.start !== 'string' ||
    typeof e.classes !== 'object' ||
    e.classes === null
  )
    throw new BadInputError(
      `${file}: not a derive.json (schemaVersion 1 with window and classes expected)`,
      { hint: 'Give the derive.json that odoo-capacity workload derive wrote.' },
    );
  return e as DerivedEvidence;
}
