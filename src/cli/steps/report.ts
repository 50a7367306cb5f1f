// Writing the sizing report of a planned run, shared by `report` and `demo`: read the run and its
// plan, build the report, render every format, then write them atomically.
import { BadInputError } from '../../core/errors.js';

export interface ReportInput {
  /** The run directory, or its id under runsDir. */
  run: string;
  /** An earlier run or plan: adds "what changed". */
  compare?: string;
  /** Comma-separated formats: html, md, json. */
  format: string;
  /** Where the files go (default <run>/report). */
  out?: string;
  runsDir: string;
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

export async function writeReport(options: ReportInput): Promise<ReportResult> {
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
