// `report`: a planned run (and optionally an earlier run or plan) → the sizing report as HTML,
// Markdown and JSON; with --fail-not-ready, exit 1 when the peak is not covered.
import type { Command } from 'commander';
import { ExitCode } from '../../core/errors.js';
import { printJson, printLines, type GlobalOptions } from '../output.js';
import { writeReport, type ReportInput, type ReportResult } from '../steps/report.js';

interface ReportOptions extends ReportInput, GlobalOptions {
  failNotReady?: boolean;
}

function renderReportResult(result: ReportResult): string[] {
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
      const result = await writeReport(options);
      if (options.json) printJson(result);
      else printLines(renderReportResult(result));
      if (options.failNotReady && !result.ready) process.exitCode = ExitCode.failed;
    });
}
