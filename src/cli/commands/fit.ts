// `fit`: fits the USL to a user's own measurements (CSV with `concurrency` and `throughput`
// columns, or a JSON array of such objects) and prints the coefficients as a table or JSON.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { BadInputError } from '../../core/errors.js';
import type { UslFitSummary } from '../../core/plan-types.js';
import type { UslMeasurement } from '../../planner/usl-fit.js';
import { printJson, printLines, type GlobalOptions } from '../output.js';

interface FitOptions extends GlobalOptions {
  model: string;
}

// Measurements a fit can take: past these, squares and products in the fit overflow or vanish
// (a throughput of 1e308 gave R² NaN). Real concurrency and throughput are far inside them.
const MIN_VALUE = 1e-6;
const MAX_VALUE = 1e9;

function number(value: unknown, where: string, column: string): number {
  const n = typeof value === 'number' ? value : Number(String(value ?? '').trim());
  if (String(value ?? '').trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new BadInputError(
      `${where}: ${column}: expected a number > 0, got "${String(value ?? '').slice(0, 40)}"`,
    );
  if (n < MIN_VALUE || n > MAX_VALUE)
    throw new BadInputError(`${where}: ${column}: ${n} is out of range (expected 1e-6 to 1e9)`);
  return n;
}

/** CSV with a header naming `concurrency` and `throughput` (any order, other columns ignored). */
function parseUslCsv(text: string, file: string): UslMeasurement[] {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (headerIndex < 0)
    throw new BadInputError(`${file}: empty; expected a header "concurrency,throughput"`);
  const header = lines[headerIndex]!.split(',').map((h) => h.trim().toLowerCase());
  const nCol = header.indexOf('concurrency');
  const xCol = header.indexOf('throughput');
  if (nCol < 0 || xCol < 0)
    throw new BadInputError(
      `${file}:${headerIndex + 1}: header must name the columns concurrency and throughput; got "${lines[headerIndex]!.trim()}"`,
      { hint: 'First line: concurrency,throughput — then one measurement per line.' },
    );
  const points: UslMeasurement[] = [];
  lines.forEach((line, i) => {
    if (i <= headerIndex || line.trim() === '' || line.trim().startsWith('#')) return;
    const cells = line.split(',');
    const where = `${file}:${i + 1}`;
    points.push({
      n: number(cells[nCol], where, 'concurrency'),
      x: number(cells[xCol], where, 'throughput'),
    });
  });
  return points;
}

/** JSON: an array of {concurrency, throughput}. */
function parseUslJson(text: string, file: string): UslMeasurement[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(data))
    throw new BadInputError(`${file}: expected an array of {"concurrency": n, "throughput": x}`);
  return data.map((row, i) => {
    const r = (row ?? {}) as Record<string, unknown>;
    return {
      n: number(r.concurrency, `${file}[${i}]`, 'concurrency'),
      x: number(r.throughput, `${file}[${i}]`, 'throughput'),
    };
  });
}

const sig = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : '—');

function renderFit(fit: UslFitSummary, file: string): string[] {
  const row = (name: string, k: 'sigma' | 'kappa' | 'lambda') =>
    `  ${name.padEnd(16)} ${sig(fit.coefficients[k]).padStart(12)} ${sig(fit.standardErrors[k]).padStart(12)}   [${sig(fit.interval95[k][0])}, ${sig(fit.interval95[k][1])}]`;
  return [
    `USL fit of ${file} (${fit.points.length} points)`,
    `  ${'coefficient'.padEnd(16)} ${'value'.padStart(12)} ${'std. error'.padStart(12)}   95 % interval`,
    row('σ contention', 'sigma'),
    row('κ coherency', 'kappa'),
    row('λ X(1)', 'lambda'),
    `  R² ${fit.r2.toFixed(4)}, leave-one-out error ${fit.looMape === null ? '—' : `${(fit.looMape * 100).toFixed(1)} %`}`,
    fit.nStar === null
      ? `  no peak: κ = 0 (${fit.constraint}); X approaches ${fit.xMax === null ? 'no limit' : sig(fit.xMax)}`
      : `  peak: N* = ${fit.nStar}, X_max = ${sig(fit.xMax!)} (${fit.constraint}-constrained)`,
    ...fit.warnings.map((w) => `  warning: ${w}`),
  ];
}

export function registerFit(program: Command): void {
  program
    .command('fit')
    .description(
      'fit the Universal Scalability Law to your own (concurrency, throughput) measurements',
    )
    .argument('<file>', 'CSV with a header naming concurrency and throughput, or a JSON array')
    .requiredOption('--model <model>', 'the model to fit: usl')
    .option('--json', 'print the fit as one JSON document on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ odoo-capacity fit --model usl measurements.csv
  $ odoo-capacity fit --model usl measurements.json --json

measurements.csv:
  concurrency,throughput
  1,65
  18,996
  ...

Needs at least 4 points at 3 or more concurrency levels (6 or more recommended).
Exit: 0 fitted, 2 bad input (the message names the file and line).`,
    )
    .action(async (file: string, options: FitOptions) => {
      if (options.model !== 'usl')
        throw new BadInputError(`--model ${options.model}: unknown model; expected usl`);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new BadInputError(
          `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
      const points = file.toLowerCase().endsWith('.json')
        ? parseUslJson(text, file)
        : parseUslCsv(text, file);
      const { fitUsl } = await import('../../planner/usl-fit.js');
      const fit = fitUsl(points, {
        id: 'usl:input',
        scope: 'mix',
        concurrencySource: 'input',
        source: file,
      });
      const finite = [
        fit.r2,
        fit.coefficients.sigma,
        fit.coefficients.kappa,
        fit.coefficients.lambda,
      ];
      if (!finite.every(Number.isFinite))
        throw new BadInputError(
          `${file}: the USL cannot be fitted to these points (R² ${fit.r2}, λ ${fit.coefficients.lambda})`,
          {
            hint: 'Check the units: concurrency in concurrent users or VUs, throughput per second.',
          },
        );
      if (options.json) printJson(fit);
      else printLines(renderFit(fit, file));
    });
}
