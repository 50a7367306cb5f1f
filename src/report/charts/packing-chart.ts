// Node-pool packing: each node's requested CPU and memory as a share of its allocatable (F25),
// with N+k spare nodes as empty rows, so the binding resource shows at a glance.
import { scaleBand, scaleLinear } from 'd3-scale';
import {
  barPath,
  chartId,
  colour,
  emptyChart,
  escapeXml,
  legend,
  n,
  path,
  plotArea,
  svgDocument,
  text,
  xAxisLinear,
  yAxisBand,
  DEFAULT_FRAME,
  type Frame,
} from './svg.js';

export interface PackingChartData {
  pool: string;
  nodeType: string;
  allocatable: { cpu: number; memoryMiB: number };
  /** Nodes the load needs, with the pods placed on each and what they request. */
  nodes: { pods: string[]; cpu: number; memoryMiB: number }[];
  /** Nodes added for N+k and zones: they carry no pods in the plan. */
  spareNodes: number;
}

const RESOURCES = [
  { key: 'cpu', label: 'CPU', colour: colour(0) },
  { key: 'memoryMiB', label: 'memory', colour: colour(2) },
] as const;

export function packingChart(data: PackingChartData): string {
  const id = chartId('chart-packing', data.pool);
  const title = `Node-pool packing: ${data.pool} (${data.nodeType})`;
  if (data.nodes.length === 0)
    return emptyChart(DEFAULT_FRAME, { id, title }, 'The plan places no pods in this pool.');
  const labels = [
    ...data.nodes.map((_, i) => `node ${i + 1}`),
    ...Array.from({ length: data.spareNodes }, (_, i) => `spare ${i + 1}`),
  ];
  const frame: Frame = {
    width: 640,
    height: 80 + labels.length * 34,
    margin: { top: 30, right: 70, bottom: 40, left: 70 },
  };
  const { x0, x1, y0, y1 } = plotArea(frame);
  const xScale = scaleLinear().domain([0, 100]).range([x0, x1]);
  const yScale = scaleBand<string>().domain(labels).range([y1, y0]).padding(0.2);
  const half = yScale.bandwidth() / 2;
  const body = [
    xAxisLinear(xScale, frame, '% of the node’s allocatable'),
    yAxisBand(yScale, frame),
  ];
  labels.forEach((label, i) => {
    const node = data.nodes[i];
    const y = yScale(label) ?? 0;
    RESOURCES.forEach((resource, r) => {
      const top = y + r * half;
      body.push(
        path(barPath(x0, top, x1 - x0, half - 1), {
          class: 'allocatable',
          fill: '#f2f2f2',
          stroke: '#ccc',
        }),
      );
      if (!node) return;
      const share = (node[resource.key] / data.allocatable[resource.key]) * 100;
      const width = xScale(Math.min(share, 100)) - x0;
      // A <title> inside the bar: hovering names the pods on the node.
      body.push(
        `<path d="${barPath(x0, top, Math.max(width, 0.5), half - 1)}" class="bar ${resource.key}" fill="${resource.colour}"><title>${escapeXml(`${label}: ${node.pods.join(', ')}`)}</title></path>`,
        text(x1 + 4, top + half - 3, `${Math.round(share)} %`),
      );
    });
    if (!node) body.push(text(x0 + 6, y + half + 4, 'spare (N+k)', { fill: '#666' }));
  });
  body.push(
    legend(
      frame,
      RESOURCES.map((r) => ({ label: r.label, colour: r.colour })),
    ),
  );
  const desc = data.nodes
    .map(
      (nd, i) =>
        `node ${i + 1}: ${nd.pods.length} pods (${nd.pods.join(', ')}), ${n(nd.cpu)} of ${n(data.allocatable.cpu)} CPU, ${Math.round(nd.memoryMiB)} of ${Math.round(data.allocatable.memoryMiB)} MiB`,
    )
    .join('; ');
  const spare = data.spareNodes > 0 ? `; ${data.spareNodes} spare node(s) for N+k` : '';
  return svgDocument(frame, { id, title, desc: `${desc}${spare}` }, body);
}
