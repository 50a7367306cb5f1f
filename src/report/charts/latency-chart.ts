// Latency percentiles (p50, p95, p99 of the business transaction) against offered load, with
// the p95 SLO: where the tail leaves the SLO is the usable capacity.
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import {
  DEFAULT_FRAME,
  chartId,
  dashedLine,
  colour,
  emptyChart,
  legend,
  n,
  path,
  plotArea,
  svgDocument,
  text,
  xAxisLinear,
  yAxisLinear,
  type Frame,
} from './svg.js';
import { dotPath } from './throughput-chart.js';

export interface LatencyPoint {
  load: number;
  p50: number;
  p95: number;
  p99: number;
  valid: boolean;
}

export interface LatencyChartData {
  class: string;
  /** What the load axis counts, e.g. "arrival rate (tx/s)" or "virtual users". */
  loadLabel: string;
  points: LatencyPoint[];
  sloP95Ms?: number;
}

const SERIES = [
  { key: 'p50', label: 'p50', colour: colour(2) },
  { key: 'p95', label: 'p95', colour: colour(0) },
  { key: 'p99', label: 'p99', colour: colour(1) },
] as const;

export function latencyChart(data: LatencyChartData, frame: Frame = DEFAULT_FRAME): string {
  const id = chartId('chart-latency', data.class);
  const title = `Latency percentiles against load: ${data.class}`;
  if (data.points.length === 0)
    return emptyChart(frame, { id, title }, 'No measured steps for this class.');
  const points = [...data.points].sort((a, b) => a.load - b.load);
  const { x0, x1, y0, y1 } = plotArea(frame);
  const xScale = scaleLinear()
    .domain([0, Math.max(...points.map((p) => p.load), 1)])
    .nice()
    .range([x0, x1]);
  const yMax = Math.max(...points.map((p) => p.p99), data.sloP95Ms ?? 0, 1);
  const yScale = scaleLinear().domain([0, yMax]).nice().range([y0, y1]);
  const body = [
    xAxisLinear(xScale, frame, data.loadLabel),
    yAxisLinear(yScale, frame, 'transaction latency (ms)'),
  ];
  for (const series of SERIES) {
    const toPath = line<LatencyPoint>()
      .x((p) => xScale(p.load))
      .y((p) => yScale(p[series.key]))
      .digits(2);
    body.push(
      path(toPath(points) ?? '', {
        class: `series ${series.key}`,
        fill: 'none',
        stroke: series.colour,
        'stroke-width': 2,
      }),
    );
    for (const p of points)
      body.push(
        path(dotPath(xScale(p.load), yScale(p[series.key]), 3), {
          class: p.valid ? 'point valid' : 'point invalid',
          fill: p.valid ? series.colour : '#fff',
          stroke: series.colour,
        }),
      );
  }
  const items: { label: string; colour: string; dash?: string }[] = SERIES.map((s) => ({
    label: s.label,
    colour: s.colour,
  }));
  if (data.sloP95Ms !== undefined) {
    const y = yScale(data.sloP95Ms);
    body.push(
      dashedLine(`M${n(x0)},${n(y)}H${n(x1)}`, 'slo', '#B00020', '6 4'),
      text(x0 + 4, y - 4, `p95 SLO ${data.sloP95Ms} ms`, { fill: '#B00020' }),
    );
    items.push({ label: 'p95 SLO', colour: '#B00020', dash: '6 4' });
  }
  body.push(legend(frame, items));
  const desc = points
    .map((p) => `load ${p.load}: p50 ${p.p50} ms, p95 ${p.p95} ms, p99 ${p.p99} ms`)
    .join('; ');
  const slo = data.sloP95Ms === undefined ? '' : ` The p95 SLO is ${data.sloP95Ms} ms.`;
  return svgDocument(frame, { id, title, desc: `${desc}.${slo}` }, body);
}
