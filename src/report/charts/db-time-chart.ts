// Database time by statement class (verb and table, e.g. "UPDATE stock_quant"): where
// PostgreSQL spends its time under the ladder, from pg_stat_statements deltas.
import { horizontalBars } from './horizontal-bars.js';
import { chartId, colour, emptyChart, DEFAULT_FRAME } from './svg.js';

export interface DbTimeChartData {
  /** Largest first; the caller folds the tail into an "other" row. */
  rows: { statementClass: string; totalMs: number; sharePct: number }[];
}

export function dbTimeChart(data: DbTimeChartData): string {
  const id = chartId('chart-db-time');
  const title = 'Database time by statement class';
  if (data.rows.length === 0)
    return emptyChart(
      DEFAULT_FRAME,
      { id, title },
      'No statement statistics (pg_stat_statements was not available).',
    );
  return horizontalBars({
    id,
    title,
    desc: data.rows.map((r) => `${r.statementClass}: ${r.totalMs} ms (${r.sharePct} %)`).join('; '),
    axisLabel: 'total execution time over the valid steps (ms)',
    bars: data.rows.map((r) => ({
      label: r.statementClass,
      value: r.totalMs,
      colour: colour(0),
      caption: `${r.totalMs} ms (${r.sharePct} %)`,
    })),
  });
}
