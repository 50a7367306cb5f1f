// Throughput against concurrency, with the fitted USL curve and its knee (N*, F3): the chart
// that shows where adding load stops adding throughput.
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

export interface ThroughputChartData {
  /** The transaction class, for the title. */
  class: string;
  /** Measured steps: in-flight concurrency N and throughput X (tx/s); invalid steps are hollow. */
  measured: { n: number; x: number; valid: boolean }[];
  /** The USL curve X(N) from the plan; empty when the plan has no fit for this class. */
  curve: { n: number; x: number }[];
  /** N* and X(N*) when the fit has a knee; extrapolated when N* is beyond every measured N. */
  knee?: { n: number; x: number; extrapolated?: boolean };
}

/** A small circle as a path (two arcs). */
export function dotPath(cx: number, cy: number, r: number): string {
  return `M${n(cx - r)},${n(cy)}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
}

export function throughputChart(data: ThroughputChartData, frame: Frame = DEFAULT_FRAME): string {
  const id = chartId('chart-throughput', data.class);
  const title = `Throughput against concurrency: ${data.class}`;
  if (data.measured.length === 0 && data.curve.length === 0)
    return emptyChart(frame, { id, title }, 'No measured steps for this class.');
  const { x0, x1, y0, y1 } = plotArea(frame);
  const all = [...data.measured, ...data.curve, ...(data.knee ? [data.knee] : [])];
  const xScale = scaleLinear()
    .domain([0, Math.max(...all.map((p) => p.n), 1)])
    .nice()
    .range([x0, x1]);
  const yScale = scaleLinear()
    .domain([0, Math.max(...all.map((p) => p.x), 1)])
    .nice()
    .range([y0, y1]);
  const toPath = line<{ n: number; x: number }>()
    .x((p) => xScale(p.n))
    .y((p) => yScale(p.x))
    .digits(2);
  const body = [xAxisLinear(xScale, frame, 'in-flight concurrency N (Little’s law)')];
  body.push(yAxisLinear(yScale, frame, 'throughput (tx/s)'));
  const measuredColour = colour(0);
  const curveColour = colour(1);
  if (data.curve.length > 0) {
    body.push(
      path(toPath(data.curve) ?? '', {
        class: 'series usl',
        fill: 'none',
        stroke: curveColour,
        'stroke-width': 2,
      }),
    );
  } else {
    // Without a fit, connect the measured points so the shape still reads.
    body.push(
      path(toPath([...data.measured].sort((a, b) => a.n - b.n)) ?? '', {
        class: 'series measured-line',
        fill: 'none',
        stroke: measuredColour,
        'stroke-width': 1.5,
      }),
    );
  }
  for (const p of data.measured) {
    body.push(
      path(dotPath(xScale(p.n), yScale(p.x), 4), {
        class: p.valid ? 'point valid' : 'point invalid',
        fill: p.valid ? measuredColour : '#fff',
        stroke: measuredColour,
        'stroke-width': 1.5,
      }),
    );
  }
  if (data.knee) {
    const kx = xScale(data.knee.n);
    body.push(
      dashedLine(`M${n(kx)},${n(y0)}V${n(y1)}`, 'knee', '#444', '4 3'),
      text(
        kx + 4,
        y0 - 6,
        `knee N* = ${data.knee.n}${data.knee.extrapolated ? ' (extrapolated)' : ''}`,
        {
          fill: '#444',
        },
      ),
    );
  }
  body.push(
    legend(frame, [
      { label: 'measured step', colour: measuredColour },
      ...(data.curve.length > 0 ? [{ label: 'USL fit', colour: curveColour }] : []),
      ...(data.knee ? [{ label: 'knee (N*)', colour: '#444', dash: '4 3' }] : []),
    ]),
  );
  const points = data.measured.map((p) => `N ${p.n}: ${p.x} tx/s`).join('; ');
  const knee = data.knee
    ? ` The USL knee is at N* = ${data.knee.n} (${data.knee.x} tx/s)${data.knee.extrapolated ? ', beyond the measured range' : ''}.`
    : '';
  const fit = data.curve.length > 0 ? ' The line is the fitted USL curve.' : ' No USL fit.';
  return svgDocument(frame, { id, title, desc: `Measured: ${points}.${fit}${knee}` }, body);
}
