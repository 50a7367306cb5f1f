// Renders a report document with reports/templates/: self-contained HTML with inline SVG charts,
// Markdown for wikis, and JSON (the plan plus the tables).
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { packageRoot } from '../core/package-root.js';
import { callsChart } from './charts/calls-chart.js';
import { dbTimeChart } from './charts/db-time-chart.js';
import { headroomChart } from './charts/headroom-chart.js';
import { latencyChart } from './charts/latency-chart.js';
import { packingChart } from './charts/packing-chart.js';
import { throughputChart } from './charts/throughput-chart.js';
import type { ReportDocument } from './report-model.js';
import type { Cell } from './table.js';

export const REPORT_FORMATS = ['html', 'md', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const DEFAULT_TEMPLATES_DIR = join(packageRoot, 'reports', 'templates');

function cellText(value: Cell | undefined): string {
  if (value === null || value === undefined || value === '') return '–';
  return String(value);
}

/** Markdown table cells: pipes and line breaks would end the cell; angle brackets become HTML. */
function markdownCell(value: Cell | undefined): string {
  return markdownText(cellText(value)).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Markdown prose: raw HTML in plan text (tenant names, reasons) must stay text on a wiki. */
function markdownText(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

async function loadTemplates(dir: string) {
  const hb = Handlebars.create();
  hb.registerHelper('cell', (row: Record<string, Cell>, key: string) => cellText(row[key]));
  hb.registerHelper('mdCell', (row: Record<string, Cell>, key: string) => markdownCell(row[key]));
  hb.registerHelper('mdLabel', (label: string) => markdownCell(label));
  hb.registerHelper('md', (text: unknown) => markdownText(text));
  // (array a b) → [a, b]: handlebars passes its options object last.
  hb.registerHelper('array', (...args: unknown[]) => args.slice(0, -1));
  const partialsDir = join(dir, 'partials');
  for (const file of (await readdir(partialsDir)).filter((f) => f.endsWith('.hbs')).sort())
    hb.registerPartial(basename(file, '.hbs'), await readFile(join(partialsDir, file), 'utf8'));
  const compile = async (name: string, options: CompileOptions) =>
    hb.compile(await readFile(join(dir, name), 'utf8'), { strict: true, ...options });
  return {
    html: await compile('report.html.hbs', {}),
    md: await compile('report.md.hbs', { noEscape: true }),
  };
}

type CompileOptions = Parameters<typeof Handlebars.compile>[1];

/** The HTML view: the document plus each chart rendered to an SVG string. */
function htmlView(doc: ReportDocument) {
  const chartFor = <T extends { class: string }>(list: T[], cls: string) =>
    list.find((c) => c.class === cls);
  return {
    ...doc,
    classes: doc.classes.map((section) => {
      const throughput = chartFor(doc.charts.throughput, section.class);
      const latency = chartFor(doc.charts.latency, section.class);
      return {
        ...section,
        throughputSvg: throughput ? throughputChart(throughput) : '',
        latencySvg: latency ? latencyChart(latency) : '',
      };
    }),
    calls: doc.calls.map((section) => {
      const chart = doc.charts.calls.find((c) => c.step === section.step);
      return { ...section, svg: chart ? callsChart(chart) : '' };
    }),
    recommendations: doc.recommendations.map((rec) => {
      const packing = doc.charts.packing.find((p) => `node-pool-${p.pool}` === rec.id);
      return { ...rec, packingSvg: packing ? packingChart(packing) : '' };
    }),
    mixThroughputSvgs: doc.charts.mixThroughput.map((c) => throughputChart(c)),
    dbTimeSvg: dbTimeChart(doc.charts.dbTime),
    headroomSvg: headroomChart(doc.charts.headroom),
  };
}

export interface RenderedReport {
  format: ReportFormat;
  fileName: string;
  content: string;
}

export async function renderReport(
  doc: ReportDocument,
  formats: readonly ReportFormat[],
  templatesDir = DEFAULT_TEMPLATES_DIR,
): Promise<RenderedReport[]> {
  const templates =
    formats.includes('html') || formats.includes('md')
      ? await loadTemplates(templatesDir)
      : undefined;
  return formats.map((format) => {
    switch (format) {
      case 'html':
        return { format, fileName: 'report.html', content: templates!.html(htmlView(doc)) };
      case 'md':
        return { format, fileName: 'report.md', content: templates!.md(doc) };
      case 'json':
        return { format, fileName: 'report.json', content: JSON.stringify(doc, null, 2) + '\n' };
    }
  });
}
