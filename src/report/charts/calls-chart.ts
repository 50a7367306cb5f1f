// The slowest Odoo calls of one step: each call's p95 (one XML-RPC or JSON-2 request, not the
// whole business transaction), from the step's per-call histograms, slowest on top, coloured by class.
import { TRANSACTION_CLASSES, type TransactionClass } from '../../core/classes.js';
import { frameForBars, horizontalBars } from './horizontal-bars.js';
import { chartId, colour, emptyChart, DEFAULT_FRAME } from './svg.js';

export interface CallsChartData {
  step: string;
  /** Slowest first, as the step's table lists them. */
  rows: { class: TransactionClass; call: string; p95: number; p99: number }[];
}

export function callsChart(data: CallsChartData): string {
  const id = chartId('chart-calls', data.step);
  const title = `Slowest calls at step ${data.step}`;
  if (data.rows.length === 0)
    return emptyChart(DEFAULT_FRAME, { id, title }, 'No per-call statistics for this step.');
  const label = (r: CallsChartData['rows'][number]) => `${r.call} (${r.class})`;
  const bars = data.rows.map((r) => ({
    label: label(r),
    value: r.p95,
    colour: colour(TRANSACTION_CLASSES.indexOf(r.class)),
    caption: `${r.p95} ms (p99 ${r.p99})`,
  }));
  return horizontalBars(
    {
      id,
      title,
      desc: data.rows.map((r) => `${label(r)}: p95 ${r.p95} ms, p99 ${r.p99} ms`).join('; '),
      axisLabel: 'request latency p95 (ms)',
      bars,
    },
    // "sale.order._create_invoices (month-end-billing)" and the like: a wider label column.
    frameForBars(bars, 800, 400),
  );
}
