// `report`: a planned run (and optionally an earlier run or plan) → the quarterly sizing report
// as self-contained HTML, Markdown and JSON. Exit 0 when written; 2 for a missing or invalid run,
// plan or flag; with --fail-not-ready, 1 when the plan says the peak is not covered.
import type { Command } from 'commander';
import { BadInputError, ExitCode } from '../../core/errors.js';
import { printJson, printLines, type GlobalOptions } from '../output.js';

interface ReportOptions extends GlobalOptions {
  run: string;
  compare?: string;
  format: string;
  out?: string;
  runsDir: string;
  failNotReady?: boolean;
}

export interface ReportResult {
  run: string;
  ready: boolean;
  headline: string;
  comparedWith?: string;
  files: { format: string; path: string }[];
}

async function parseFormats(value: string) {
  const { REPORT_FORMATS } = await import('../../report/render.js');
  const formats = [...new Set(value.split(',').map((f) => f.trim().toLowerCase()))].filter(Boolean);
  const unknown = formats.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (formats.length === 0 || unknown.length > 0)
    throw new BadInputError(
      `--format ${value}: ${unknown.length > 0 ? `unknown format ${unknown.join(', ')}` : 'no format'} (expected a comma-separated list of ${REPORT_FORMATS.join(', ')})`,
    );
  return formats as (typeof REPORT_FORMATS)[number][];
}

export async function runReport(options: ReportOptions): Promise<ReportResult> {
  const { join } = await import('node:path');
  const { writeFileAtomic } = await import('../../core/atomic-write.js');
  const { readBaseline, readPlannedRun, resolveRunDir } = await import('../../report/read-run.js');
  const { buildReport } = await import('../../report/report-model.js');
  const { renderReport } = await import('../../report/render.js');

  const formats = await parseFormats(options.format);
  const dir = await resolveRunDir(options.run, options.runsDir);
  const run = await readPlannedRun(dir);
  const baseline = options.compare
    ? await readBaseline(options.compare, options.runsDir)
    : undefined;
  const doc = buildReport(run, baseline);
  // Render everything before writing anything, so a failure leaves no partial report behind.
  const { addDerivedComparison } = await import('../../derive/report-hook.js');
  const rendered = await addDerivedComparison(
    await renderReport(doc, formats),
    dir,
    options.compare,
    options.runsDir,
  );
  const out = options.out ?? join(dir, 'report');
  const files: ReportResult['files'] = [];
  for (const file of rendered) {
    const path = join(out, file.fileName);
    // Reports are built from the run and the plan, which hold no secret: written as rendered.
    await writeFileAtomic(path, file.content);
    files.push({ format: file.format, path });
  }
  return {
    run: dir,
    ready: doc.summary.ready,
    headline: doc.summary.headline,
    ...(doc.comparison ? { comparedWith: doc.comparison.against.runId } : {}),
    files,
  };
}

export function renderReportResult(result: ReportResult): string[] {
  return [
    // The headline names what it judges: today's platform, not the recommendation.
    result.headline,
    ...(result.comparedWith ? [`compared with run ${result.comparedWith}`] : []),
    ...result.files.map((f) => `wrote ${f.path}`),
  ];
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'render the sizing report of a planned run: HTML with charts, Markdown for wikis, JSON',
    )
    .requiredOption('--run <dir|id>', 'the run directory (runs/<id>), or its id under --runs-dir')
    .option('--compare <dir|id|plan.json>', 'an earlier run or plan: adds "what changed"')
    .option('--format <list>', 'comma-separated: html, md, json', 'html,md,json')
    .option(
      '--out <dir>',
      'where to write report.html, report.md, report.json (default <run>/report)',
    )
    .option('--runs-dir <dir>', 'where run ids are looked up', 'runs')
    .option('--fail-not-ready', 'exit 1 when the plan says the forecast peak is not covered')
    .option('--json', 'print what was written as one JSON document on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ odoo-capacity plan --run runs/2025-q3 && odoo-capacity report --run runs/2025-q3 --out out/
  $ odoo-capacity report --run runs/2025-q3 --compare runs/2025-q2 --format html,md,json --out out/
  $ odoo-capacity report --run 2025-q3 --compare runs/2025-q2/plan.json --format md --out wiki/

The run needs plan.json (odoo-capacity plan --run <dir> writes it).
Exit: 0 written, 1 not ready (only with --fail-not-ready), 2 missing or invalid run, plan or flag.`,
    )
    .action(async (options: ReportOptions) => {
      const result = await runReport(options);
      if (options.json) printJson(result);
      else printLines(renderReportResult(result));
      if (options.failNotReady && !result.ready) process.exitCode = ExitCode.failed;
    });
}
