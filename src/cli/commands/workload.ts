// `workload derive`: the workload and forecast baseline of a tenant from its own Odoo database,
// read-only over PostgreSQL (never through Odoo's API), aggregated in SQL (src/derive).
import { join } from 'node:path';
import type { Command } from 'commander';
import { BadInputError } from '../../core/errors.js';
import { log } from '../../core/logger.js';
import { resolvePgUrl, type TargetFlags } from '../../core/target.js';
import { numberFlag } from '../flags.js';
import { printJson, printLines, type GlobalOptions } from '../output.js';

interface DeriveFlags extends GlobalOptions, Pick<TargetFlags, 'pgUrl'> {
  out: string;
  models?: string;
  workload?: string;
  forecast?: string;
  name: string;
  days: string;
  until?: string;
  timezone: string;
  growthMonths: string;
  peakFactor: string;
  spikeFactor: string;
}

export interface DeriveSummary {
  out: { workload: string; forecast: string; evidence: string };
  window: { start: string; end: string; days: number; timezone: string };
  odooVersion: string | undefined;
  read: { table: string; columns: string[] }[];
  rates: Record<string, number>;
  notes: string[];
  seconds: number;
}

async function action(flags: DeriveFlags): Promise<void> {
  const t0 = performance.now();
  const pgUrl = resolvePgUrl(flags);
  if (!pgUrl)
    throw new BadInputError('no database: set PGURL to the Odoo database (a read-only role)', {
      hint: 'e.g. PGURL=postgres://reader@replica:5432/tenant_acme with PGPASSWORD; the role needs pg_read_all_data.',
    });
  const [{ deriveEvidence }, { deriveWorkload, deriveForecast, busyRates }, wl, fc, yaml, io] =
    await Promise.all([
      import('../../derive/read.js'),
      import('../../derive/models.js'),
      import('../../core/models/workload.js'),
      import('../../core/models/forecast.js'),
      import('yaml'),
      import('../../core/atomic-write.js'),
    ]);
  // The models folder here, else the toolkit's own (derive may run far from a checkout).
  const { existsSync } = await import('node:fs');
  const { packageRoot } = await import('../../core/package-root.js');
  const models = flags.models ?? (existsSync('models') ? 'models' : join(packageRoot, 'models'));
  const baseWorkloadFile = flags.workload ?? join(models, 'workload', 'default.yaml');
  const baseForecastFile = flags.forecast ?? join(models, 'forecast.yaml');
  const [baseWorkload, baseForecast] = await Promise.all([
    wl.loadWorkload(baseWorkloadFile),
    fc.loadForecast(baseForecastFile),
  ]);
  const { READS } = await import('../../derive/queries.js');
  log.info('workload derive reads, in one read-only transaction (aggregates only):');
  for (const r of READS) log.info(`  ${r.table}(${r.columns.join(', ')}): ${r.why}`);
  const evidence = await deriveEvidence({
    pgUrl,
    days: numberFlag('--days', flags.days),
    until: flags.until,
    timezone: flags.timezone,
    growthMonths: numberFlag('--growth-months', flags.growthMonths),
    peakFactor: numberFlag('--peak-factor', flags.peakFactor),
    spikeFactor: numberFlag('--spike-factor', flags.spikeFactor),
    progress: (line) => log.info(line),
  });
  const { workload, notes } = deriveWorkload(evidence, baseWorkload, flags.name);
  const forecast = deriveForecast(evidence, baseForecast);
  if (evidence.missing.length > 0) notes.push(`columns not found: ${evidence.missing.join(', ')}`);

  const out = {
    workload: join(flags.out, 'workload.yaml'),
    forecast: join(flags.out, 'forecast.yaml'),
    evidence: join(flags.out, 'derive.json'),
  };
  const header = (what: string) =>
    `# ${what}, derived by odoo-capacity workload derive from an Odoo ${evidence.odooVersion ?? ''} database:\n` +
    `# ${evidence.window.days} days from ${evidence.window.start} to ${evidence.window.end} (exclusive), ${evidence.window.timezone}.\n` +
    `# The measurements, fits and methods behind each number are in derive.json beside this file.\n`;
  await io.writeFileAtomic(out.workload, header('Workload') + yaml.stringify(workload));
  const fits = Object.entries(evidence.classes).flatMap(([c, ev]) =>
    ev.growth
      ? [
          `#   ${c}: ${ev.growth.percentPerMonth.toFixed(2)} %/month over ${ev.growth.months} months` +
            (ev.growth.interval95
              ? `, 95 % interval ${ev.growth.interval95[0].toFixed(2)} to ${ev.growth.interval95[1].toFixed(2)}`
              : ''),
        ]
      : [],
  );
  const growthNote =
    fits.length > 0
      ? `# Growth fits (least squares of ln monthly count):\n${fits.join('\n')}\n`
      : '';
  await io.writeFileAtomic(
    out.forecast,
    header('Forecast baseline') + growthNote + yaml.stringify(forecast),
  );
  await io.writeJsonAtomic(out.evidence, evidence);

  const rates = busyRates(evidence);
  const summary: DeriveSummary = {
    out,
    window: {
      start: evidence.window.start,
      end: evidence.window.end,
      days: evidence.window.days,
      timezone: evidence.window.timezone,
    },
    odooVersion: evidence.odooVersion,
    read: evidence.read.map((r) => ({ table: r.table, columns: r.columns })),
    rates,
    notes,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
  if (flags.json) printJson(summary);
  else {
    const lines = [
      `derived from Odoo ${evidence.odooVersion ?? '(version unknown)'}, ${summary.window.start} to ${summary.window.end} (${summary.window.days} days, ${summary.window.timezone}) in ${summary.seconds} s`,
    ];
    for (const [c, r] of Object.entries(rates)) {
      const g = evidence.classes[c as keyof typeof evidence.classes].growth;
      lines.push(
        `  ${c.padEnd(18)} busy hour ${r.toPrecision(3)} tx/s${g ? `, growth ${g.percentPerMonth.toFixed(1)} %/month${g.interval95 ? ` [${g.interval95[0].toFixed(1)}, ${g.interval95[1].toFixed(1)}]` : ''}` : ''}`,
      );
    }
    for (const n of notes) lines.push(`note: ${n}`);
    lines.push(`wrote ${out.workload}, ${out.forecast}, ${out.evidence}`);
    printLines(lines);
  }
}

async function compareAction(before: string, after: string, flags: GlobalOptions): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const { compareDerived, parseEvidence, renderDerivedComparison } =
    await import('../../derive/compare.js');
  const read = async (file: string) => {
    try {
      return parseEvidence(await readFile(file, 'utf8'), file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code) throw new BadInputError(`${file}: cannot read (${code})`);
      throw error;
    }
  };
  const comparison = compareDerived(await read(before), await read(after));
  if (flags.json) printJson(comparison);
  else process.stdout.write(renderDerivedComparison(comparison).join('\n') + '\n');
}

export function registerWorkload(program: Command): void {
  const workload = program
    .command('workload')
    .description("workload models from a tenant's own history");
  workload
    .command('derive')
    .description(
      'derive a workload and a forecast baseline from an Odoo database, read-only over PostgreSQL',
    )
    .option(
      '--pg-url <url>',
      'the Odoo database, without a password (default: $PGURL; password: PGPASSWORD or ~/.pgpass)',
    )
    .option(
      '--out <dir>',
      'where workload.yaml, forecast.yaml and derive.json go',
      'models/derived',
    )
    .option(
      '--models <dir>',
      "models folder the base workload and forecast come from (default: ./models, else the toolkit's)",
    )
    .option(
      '--workload <file>',
      'base workload: executors, VUs, retries (default: <models>/workload/default.yaml)',
    )
    .option(
      '--forecast <file>',
      'base forecast: horizon, headroom, pools (default: <models>/forecast.yaml)',
    )
    .option('--name <name>', "the derived workload's name", 'derived')
    .option('--days <n>', 'window length, whole days', '90')
    .option('--until <date>', 'last day of the window, YYYY-MM-DD (default: yesterday)')
    .option('--timezone <tz>', 'time zone of hours and days, IANA name', 'UTC')
    .option('--growth-months <n>', 'whole months fitted for growth (0: none)', '12')
    .option('--peak-factor <x>', 'a peak day carries this × the median day', '1.5')
    .option('--spike-factor <x>', 'a carrier spike second carries this × the busy-hour rate', '3')
    .option('--json', 'print a summary as one JSON document on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ PGURL=postgres://reader@replica:5432/tenant_acme PGPASSWORD=... odoo-capacity workload derive
  $ odoo-capacity workload derive --days 60 --timezone Europe/Brussels --out models/acme --json
  $ odoo-capacity run --workload models/derived/workload.yaml --class peak-mix --rates 2,4,8

Reads sale_order, sale_order_line, stock_picking, stock_picking_type, stock_move, account_move,
account_move_line, sale_order_line_invoice_rel and ir_module_module (the version) in one READ
ONLY transaction; only counts, histograms and sums leave the database. The role needs
pg_read_all_data (or use a replica). Methods: docs/workload-derive.md.
Exit: 0 written, 2 bad input, 3 PostgreSQL unreachable.`,
    )
    .action(action);
  workload
    .command('compare')
    .description("two derived workloads side by side: last quarter's derive.json beside this one's")
    .argument('<before>', 'the earlier derive.json')
    .argument('<after>', 'the later derive.json')
    .option('--json', 'print the comparison as one JSON document')
    .addHelpText(
      'after',
      `
Example:
  $ odoo-capacity workload compare models/acme-2025q3/derive.json models/acme-2025q4/derive.json

Prints a Markdown table (busy-hour rates, growth, lines, skew, mix, bursts, billing) with changes.
Exit: 0 printed, 2 a file missing or not a derive.json.`,
    )
    .action(compareAction);
}
