// Node-pool packing: for each node of the recommended pool, the pods placed on it, stacked as a
// share of the node's allocatable CPU and memory (F25), so spare room and the binding resource
// are visible at a glance.
import { scaleBand, scaleLinear } from 'd3-scale';
import {
  barPath,
  chartId,
  colour,
  emptyChart,
  legend,
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
  allocatable: { cpu: number; memoryMiB: number };
  nodes: { node: string; pods: { name: string; cpu: number; memoryMiB: number }[] }[];
}

/** Pods of one workload share a colour: "odoo-web-2" and "odoo-web-3" are both "odoo-web". */
export function podKind(name: string): string {
  return name.replace(/[-_]?\d+$/, '');
}

export function packingChart(data: PackingChartData): string {
  const id = chartId('chart-packing', data.pool);
  const title = `Node-pool packing: ${data.pool}`;
  if (data.nodes.length === 0)
    return emptyChart(DEFAULT_FRAME, { id, title }, 'The plan places no pods in this pool.');
  const rows = data.nodes.flatMap((node) => [
    { key: `${node.node} CPU`, node, resource: 'cpu' as const },
    { key: `${node.node} memory`, node, resource: 'memoryMiB' as const },
  ]);
  const longest = Math.max(...rows.map((r) => r.key.length));
  const frame: Frame = {
    width: 640,
    height: 70 + rows.length * 24,
    margin: { top: 30, right: 60, bottom: 40, left: Math.min(260, 16 + longest * 6.4) },
  };
  const { x0, x1, y0, y1 } = plotArea(frame);
  const xScale = scaleLinear().domain([0, 100]).range([x0, x1]);
  const yScale = scaleBand<string>()
    .domain(rows.map((r) => r.key))
    .range([y1, y0])
    .padding(0.2);
  const kinds = [...new Set(data.nodes.flatMap((nd) => nd.pods.map((p) => podKind(p.name))))];
  const body = [xAxisLinear(xScale, frame, '% of node allocatable'), yAxisBand(yScale, frame)];
  for (const row of rows) {
    const capacity = data.allocatable[row.resource];
    let used = 0;
    const y = yScale(row.key) ?? 0;
    body.push(
      path(barPath(x0, y, x1 - x0, yScale.bandwidth()), {
        class: 'allocatable',
        fill: '#f2f2f2',
        stroke: '#ccc',
      }),
    );
    for (const pod of row.node.pods) {
      const share = (pod[row.resource] / capacity) * 100;
      const start = xScale(Math.min(used, 100));
      const end = xScale(Math.min(used + share, 100));
      body.push(
        path(barPath(start, y, Math.max(end - start, 0.5), yScale.bandwidth()), {
          class: 'pod',
          fill: colour(kinds.indexOf(podKind(pod.name))),
          stroke: '#fff',
        }),
      );
      used += share;
    }
    body.push(text(x1 + 4, y + yScale.bandwidth() / 2 + 4, `${Math.round(used)} %`));
  }
  body.push(
    legend(
      frame,
      kinds.map((k, i) => ({ label: k, colour: colour(i) })),
    ),
  );
  const desc = data.nodes
    .map((nd) => {
      const cpu = nd.pods.reduce((s, p) => s + p.cpu, 0);
      const mem = nd.pods.reduce((s, p) => s + p.memoryMiB, 0);
      return `${nd.node}: ${nd.pods.length} pods, ${Math.round(cpu * 100) / 100} of ${data.allocatable.cpu} CPU, ${Math.round(mem)} of ${data.allocatable.memoryMiB} MiB`;
    })
    .join('; ');
  return svgDocument(frame, { id, title, desc }, body);
}
