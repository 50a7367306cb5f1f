// The SVG building blocks every chart shares (escaping, accessible frame, axes, legends, bars);
// charts are strings built in Node without a DOM.
import type { ScaleBand, ScaleLinear } from 'd3-scale';

/** Canvas geometry shared by the charts: outer size and the plot margins. */
export interface Frame {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export const DEFAULT_FRAME: Frame = {
  width: 640,
  height: 320,
  margin: { top: 28, right: 24, bottom: 48, left: 64 },
};

export function plotArea(frame: Frame): { x0: number; x1: number; y0: number; y1: number } {
  const { width, height, margin } = frame;
  return { x0: margin.left, x1: width - margin.right, y0: height - margin.bottom, y1: margin.top };
}

/** Okabe–Ito: a palette that colour-blind readers can tell apart. */
export const PALETTE = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#F0E442',
  '#000000',
] as const;

export function colour(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for SVG/HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** Fixed decimals so the same data always gives the same bytes. */
export function n(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** An element id that is valid XML and unique enough within one report. */
export function chartId(...parts: string[]): string {
  return parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The outer <svg>: role="img" with a <title> and <desc> referenced by aria-labelledby, so screen
 * readers announce the chart and its summary; the report also carries the data as tables.
 */
export function svgDocument(
  frame: Frame,
  meta: { id: string; title: string; desc: string },
  body: string[],
): string {
  const titleId = `${meta.id}-title`;
  const descId = `${meta.id}-desc`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${escapeXml(meta.id)}" viewBox="0 0 ${frame.width} ${frame.height}" width="${frame.width}" height="${frame.height}" role="img" aria-labelledby="${escapeXml(titleId)} ${escapeXml(descId)}" font-family="system-ui, sans-serif" font-size="11">`,
    `<title id="${escapeXml(titleId)}">${escapeXml(meta.title)}</title>`,
    `<desc id="${escapeXml(descId)}">${escapeXml(meta.desc)}</desc>`,
    ...body,
    '</svg>',
  ].join('\n');
}

export function text(
  x: number,
  y: number,
  content: string,
  attrs: Record<string, string | number> = {},
): string {
  const extra = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  return `<text x="${n(x)}" y="${n(y)}"${extra}>${escapeXml(content)}</text>`;
}

/** A rectangle as a path, so every mark of every chart is a <path> with drawn geometry. */
export function barPath(x: number, y: number, width: number, height: number): string {
  return `M${n(x)},${n(y)}h${n(width)}v${n(height)}h${n(-width)}Z`;
}

export function path(d: string, attrs: Record<string, string | number>): string {
  const extra = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  return `<path d="${escapeXml(d)}"${extra}/>`;
}

/** A dashed marker line (a limit, an SLO, the knee) as a path with a class for tests and CSS. */
export function dashedLine(d: string, cls: string, stroke: string, dash: string): string {
  return path(d, { class: cls, stroke, 'stroke-dasharray': dash, fill: 'none' });
}

function gridLine(x1: number, y1: number, x2: number, y2: number): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="#e3e3e3"/>`;
}

/** Bottom axis of a linear scale: ticks, grid lines and a label. */
export function xAxisLinear(scale: ScaleLinear<number, number>, frame: Frame, label: string) {
  const { x0, x1, y0, y1 } = plotArea(frame);
  const format = scale.tickFormat(6);
  const parts = [`<g class="axis x">`, path(`M${n(x0)},${n(y0)}H${n(x1)}`, { stroke: '#555' })];
  for (const tick of scale.ticks(6)) {
    const x = scale(tick);
    parts.push(gridLine(x, y0, x, y1));
    parts.push(text(x, y0 + 16, format(tick), { 'text-anchor': 'middle' }));
  }
  parts.push(text((x0 + x1) / 2, frame.height - 8, label, { 'text-anchor': 'middle' }), '</g>');
  return parts.join('\n');
}

/** Left axis of a linear scale: ticks, grid lines and a rotated label. */
export function yAxisLinear(scale: ScaleLinear<number, number>, frame: Frame, label: string) {
  const { x0, x1, y0, y1 } = plotArea(frame);
  const format = scale.tickFormat(5);
  const parts = [`<g class="axis y">`, path(`M${n(x0)},${n(y0)}V${n(y1)}`, { stroke: '#555' })];
  for (const tick of scale.ticks(5)) {
    const y = scale(tick);
    parts.push(gridLine(x0, y, x1, y));
    parts.push(text(x0 - 6, y + 4, format(tick), { 'text-anchor': 'end' }));
  }
  const cy = (y0 + y1) / 2;
  parts.push(
    text(14, cy, label, { 'text-anchor': 'middle', transform: `rotate(-90 14 ${n(cy)})` }),
    '</g>',
  );
  return parts.join('\n');
}

/** Left axis of a band scale: one category label per band. */
export function yAxisBand(scale: ScaleBand<string>, frame: Frame): string {
  const { x0, y0, y1 } = plotArea(frame);
  const parts = [`<g class="axis y">`, path(`M${n(x0)},${n(y0)}V${n(y1)}`, { stroke: '#555' })];
  for (const band of scale.domain()) {
    const y = (scale(band) ?? 0) + scale.bandwidth() / 2;
    parts.push(text(x0 - 6, y + 4, band, { 'text-anchor': 'end' }));
  }
  parts.push('</g>');
  return parts.join('\n');
}

/** A one-row legend above the plot. */
export function legend(frame: Frame, items: { label: string; colour: string; dash?: string }[]) {
  const parts = ['<g class="legend">'];
  let x = frame.margin.left;
  for (const item of items) {
    const attrs: Record<string, string | number> = {
      stroke: item.colour,
      'stroke-width': 2.5,
      fill: 'none',
    };
    if (item.dash) attrs['stroke-dasharray'] = item.dash;
    parts.push(path(`M${n(x)},12H${n(x + 18)}`, attrs));
    parts.push(text(x + 22, 16, item.label));
    x += 30 + item.label.length * 6.2;
  }
  parts.push('</g>');
  return parts.join('\n');
}

/** A chart with nothing to draw still says so visibly, with an (empty) path for the frame. */
export function emptyChart(frame: Frame, meta: { id: string; title: string }, why: string) {
  const { x0, x1, y0, y1 } = plotArea(frame);
  return svgDocument(frame, { ...meta, desc: why }, [
    path(barPath(x0, y1, x1 - x0, y0 - y1), { fill: '#fafafa', stroke: '#ccc' }),
    text((x0 + x1) / 2, (y0 + y1) / 2, why, { 'text-anchor': 'middle', fill: '#666' }),
  ]);
}
