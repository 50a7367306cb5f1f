// What `plan --format` writes: the files a user applies, built from plan.json alone, each value
// with a comment tracing it to the plan's evidence. Pure: the CLI writes the files.
import type { PlanJson } from '../../core/plan-types.js';
import { pgbouncerDatabases, pgbouncerSettings, postgresqlSettings } from './database-conf.js';
import { kubernetesManifests } from './kubernetes.js';
import { odooSettings } from './odoo-conf.js';
import { header, renderSettings, type Setting } from './settings.js';

export const APPLY_FORMATS = ['odoo-conf', 'k8s', 'pgbouncer', 'postgresql'] as const;
export type ApplyFormat = (typeof APPLY_FORMATS)[number];

export interface ApplyFile {
  format: ApplyFormat;
  /** File name inside the output directory. */
  name: string;
  text: string;
}

export interface ApplyFiles {
  files: ApplyFile[];
  /** One line per measurement the plan lacks, naming the settings left unset and their files. */
  warnings: string[];
}

/** `odoo-conf,k8s` or `all` → formats, in a fixed order; null names the unknown one. */
export function parseFormats(value: string): { formats: ApplyFormat[] } | { unknown: string } {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.includes('all')) return { formats: [...APPLY_FORMATS] };
  const unknown = names.find((n) => !(APPLY_FORMATS as readonly string[]).includes(n));
  if (unknown !== undefined || names.length === 0) return { unknown: unknown ?? value };
  return { formats: APPLY_FORMATS.filter((f) => names.includes(f)) };
}

export function buildApplyFiles(
  plan: PlanJson,
  planFile: string,
  formats: readonly ApplyFormat[],
): ApplyFiles {
  const files: ApplyFile[] = [];
  const unset: { file: string; setting: Setting }[] = [];
  const settingsFile = (
    format: ApplyFormat,
    name: string,
    what: string,
    mark: ';' | '#',
    settings: Setting[],
    section: string[] = [],
  ) => {
    for (const s of settings) if (s.value === null) unset.push({ file: name, setting: s });
    files.push({
      format,
      name,
      text: [...header(plan, planFile, what, mark), ...section, ...renderSettings(settings, mark)]
        .join('\n')
        .trimEnd()
        .concat('\n'),
    });
  };
  if (formats.includes('odoo-conf'))
    for (const pool of plan.workers)
      settingsFile(
        'odoo-conf',
        `odoo-${pool.pool}.conf`,
        `odoo.conf options for the ${pool.pool} pool's pods: merge into the [options] section of their odoo.conf.`,
        ';',
        odooSettings(plan, pool),
        ['[options]', ''],
      );
  if (formats.includes('k8s'))
    files.push({
      format: 'k8s',
      name: 'kubernetes.yaml',
      text: kubernetesManifests(plan, planFile),
    });
  if (formats.includes('pgbouncer'))
    settingsFile(
      'pgbouncer',
      'pgbouncer.ini',
      'PgBouncer settings: merge into pgbouncer.ini (listen address, auth and DB_HOST are yours).',
      ';',
      pgbouncerSettings(plan),
      [...pgbouncerDatabases(plan), '[pgbouncer]', ''],
    );
  if (formats.includes('postgresql'))
    settingsFile(
      'postgresql',
      'postgresql.conf',
      'PostgreSQL settings for the recommended database: append to postgresql.conf (or a conf.d file).',
      '#',
      postgresqlSettings(plan),
    );
  return { files, warnings: warningLines(unset) };
}

/** One line per missing measurement, however many settings and files it leaves unset. */
function warningLines(unset: readonly { file: string; setting: Setting }[]): string[] {
  const byCause = new Map<string, { names: Set<string>; files: Set<string> }>();
  for (const { file, setting } of unset) {
    const cause = setting.missing ?? 'not measured';
    const entry = byCause.get(cause) ?? { names: new Set(), files: new Set() };
    entry.names.add(setting.name);
    entry.files.add(file);
    byCause.set(cause, entry);
  }
  return [...byCause].map(
    ([cause, e]) => `${[...e.names].join(', ')} not set in ${[...e.files].join(', ')}: ${cause}`,
  );
}
