// Labelled horizontal bars on a linear scale, the shape shared by the DB-time and headroom
// charts; an optional reference line marks a limit (100 % of capacity).
import { scaleBand, scaleLinear } from 'd3-scale';
import {
  barPath,
  dashedLine,
  n,
  path,
  plotArea,
  svgDocument,
  text,
  xAxisLinear,
  yAxisBand,
  type Frame,
} from './svg.js';

export interface Bar {
  label: string;
  value: number;
  colour: string;
  /** Text at the end of the bar, e.g. "1234 ms (41 %)". */
  caption: string;
}

export interface HorizontalBarsSpec {
  id: string;
  title: string;
  desc: string;
  axisLabel: string;
  bars: Bar[];
  reference?: { value: number; label: string };
}

/** Room for the longest category label on the left, up to maxLeft. */
export function frameForBars(bars: { label: string }[], width = 640, maxLeft = 260): Frame {
  const longest = Math.max(...bars.map((b) => b.label.length), 4);
  return {
    width,
    height: 60 + bars.length * 30,
    margin: { top: 24, right: 96, bottom: 40, left: Math.min(maxLeft, 16 + longest * 6.4) },
  };
}

export function horizontalBars(spec: HorizontalBarsSpec, frame = frameForBars(spec.bars)) {
  const { x0, x1, y0, y1 } = plotArea(frame);
  const max = Math.max(...spec.bars.map((b) => b.value), spec.reference?.value ?? 0, 1e-9);
  const xScale = scaleLinear().domain([0, max]).nice().range([x0, x1]);
  const yScale = scaleBand<string>()
    .domain(spec.bars.map((b) => b.label))
    .range([y1, y0])
    .padding(0.25);
  const body = [xAxisLinear(xScale, frame, spec.axisLabel), yAxisBand(yScale, frame)];
  for (const bar of spec.bars) {
    const y = yScale(bar.label) ?? 0;
    const width = Math.max(xScale(bar.value) - x0, 0.5);
    body.push(
      path(barPath(x0, y, width, yScale.bandwidth()), { class: 'bar', fill: bar.colour }),
      text(x0 + width + 4, y + yScale.bandwidth() / 2 + 4, bar.caption),
    );
  }
  if (spec.reference) {
    const x = xScale(spec.reference.value);
    body.push(
      dashedLine(`M${n(x)},${n(y0)}V${n(y1)}`, 'reference', '#B00020', '6 4'),
      text(x, y1 - 6, spec.reference.label, { 'text-anchor': 'middle', fill: '#B00020' }),
    );
  }
  return svgDocument(frame, { id: spec.id, title: spec.title, desc: spec.desc }, body);
}
