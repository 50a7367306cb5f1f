// Headroom to the forecast peak: each resource's forecast peak demand as a share of its capacity
// at the target utilisation. Past the 100 % line the resource will not carry the peak.
import { horizontalBars } from './horizontal-bars.js';
import { chartId, emptyChart, DEFAULT_FRAME } from './svg.js';

export interface HeadroomChartData {
  items: { resource: string; utilisationPct: number }[];
}

/** Red past capacity, amber within 20 % of it, green otherwise. */
export function headroomColour(utilisationPct: number): string {
  if (utilisationPct > 100) return '#B00020';
  if (utilisationPct > 80) return '#E69F00';
  return '#009E73';
}

export function headroomChart(data: HeadroomChartData): string {
  const id = chartId('chart-headroom');
  const title = 'Headroom to the forecast peak';
  if (data.items.length === 0)
    return emptyChart(DEFAULT_FRAME, { id, title }, 'The plan has no headroom figures.');
  return horizontalBars({
    id,
    title,
    desc: data.items
      .map((i) => `${i.resource}: the forecast peak needs ${i.utilisationPct} % of capacity`)
      .join('; '),
    axisLabel: 'forecast peak demand, % of capacity at target utilisation',
    bars: data.items.map((i) => ({
      label: i.resource,
      value: i.utilisationPct,
      colour: headroomColour(i.utilisationPct),
      caption: `${i.utilisationPct} %`,
    })),
    reference: { value: 100, label: 'capacity' },
  });
}
