// The shipped Grafana dashboard (deploy/grafana/odoo-capacity.json), read as Grafana reads it:
// its template variables and every panel's PromQL query, with the variables substituted.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const DASHBOARD_FILE = join(
  import.meta.dirname,
  '..',
  '..',
  'deploy',
  'grafana',
  'odoo-capacity.json',
);

interface Target {
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
export interface Panel {
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
export interface Dashboard {
  uid: string;
  title: string;
  templating: { list: { name: string; type: string; query: unknown }[] };
  panels: Panel[];
}

export async function readDashboard(): Promise<Dashboard> {
  return JSON.parse(await readFile(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

/** Every panel that queries (rows' nested panels included), with its title. */
export function queryPanels(dashboard: Dashboard): Panel[] {
  const flat = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  return flat.filter((p) => (p.targets ?? []).length > 0);
}

/** Each query's PromQL with $name / ${name} replaced by values (Grafana's own variables too). */
export function expandedQueries(
  dashboard: Dashboard,
  values: Record<string, string>,
): { panel: string; expr: string }[] {
  return queryPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({
      panel: panel.title,
      expr: (t.expr ?? '').replace(
        /\$\{?(\w+)\}?/g,
        (whole, name: string) => values[name] ?? whole,
      ),
    })),
  );
}
