// `plan`: runs + models → runs/<id>/plan.json (USL fit, workers, node pools, HPA, database);
// exits 1 when the forecast peak cannot meet the SLOs with the node catalog given.
import { join } from 'node:path';
import type { Command } from 'commander';
import { BadInputError, ExitCode } from '../../core/errors.js';
import { log } from '../../core/logger.js';
import type { PlanJson } from '../../core/plan-types.js';
import { APPLY_FORMATS, parseFormats, type ApplyFormat } from '../../planner/apply/apply-files.js';
import { collect, numberFlag, parseDegradations } from '../flags.js';
import { printJson, printLines, type GlobalOptions } from '../output.js';
import { writeRunPlan, type PlanInput } from '../steps/plan.js';

export interface PlanOptions extends GlobalOptions {
  run: string[];
  models: string;
  asOf?: string;
  workingSetMib?: string;
  neighbourDegradation?: string[];
  format?: string;
  out?: string;
}

/** The plan's input from the flags, checked. */
function planInput(options: PlanOptions): PlanInput {
  if (options.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.asOf))
    throw new BadInputError(`--as-of ${options.asOf}: expected YYYY-MM-DD`);
  return {
    runs: options.run,
    models: options.models,
    asOf: options.asOf,
    workingSetMiBPerWorker:
      options.workingSetMib === undefined
        ? undefined
        : numberFlag('--working-set-mib', options.workingSetMib, {
            above: 0,
            what: 'MiB per worker',
          }),
    degradation: parseDegradations(options.neighbourDegradation),
  };
}

const num = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : '∞');

function renderPlan(plan: PlanJson, file: string): string[] {
  const lines = [
    `plan for ${plan.runs.map((r) => r.id).join(', ')} → ${file}`,
    `forecast peak: ${plan.forecast.peak.name} ${plan.forecast.peak.date}, ${num(plan.forecast.peak.total)} transactions/s`,
  ];
  for (const f of plan.fits)
    lines.push(
      `  ${f.id.padEnd(24)} σ=${f.coefficients.sigma.toPrecision(3)} κ=${f.coefficients.kappa.toPrecision(3)} λ=${num(f.coefficients.lambda)} R²=${num(f.r2, 3)} N*=${f.nStar ?? '—'}`,
    );
  for (const w of plan.workers) {
    const p95 = w.predictions
      .map(
        (p) =>
          `${p.class} p95 ${Number.isFinite(p.p95Ms) ? `${Math.round(p.p95Ms)} ms` : 'unbounded'}${p.sloP95Ms ? ` / SLO ${p.sloP95Ms}` : ''}`,
      )
      .join(', ');
    lines.push(
      `workers ${w.pool.padEnd(11)} ${w.workers} (${w.pods} pod × ${w.workersPerPod}), utilisation ${num(w.utilisation)}, ${p95} [${w.confidence.grade}]`,
    );
  }
  lines.push(
    `baseline (Odoo rule of thumb): ${plan.baseline.workers} workers for ${num(plan.baseline.concurrentUsers, 1)} concurrent users, ${Math.round(plan.baseline.ramMiB)} MiB`,
  );
  for (const n of plan.nodePools)
    lines.push(
      `nodes ${n.pool.padEnd(13)} ${n.nodes} × ${n.nodeType} (${n.nodesForLoad} for load), ${num(n.monthlyCost)} ${n.currency}/month`,
    );
  if (plan.autoscaling)
    lines.push(
      `HPA web: ${plan.autoscaling.minReplicas}–${plan.autoscaling.maxReplicas} replicas, ${num(plan.autoscaling.targetConcurrencyPerPod, 1)} in-flight requests per pod`,
    );
  const db = plan.database;
  lines.push(
    `database: ${db.vcpu.vcpu} vCPU (${num(db.vcpu.busyCoresAtPeak)} busy at peak), ${db.memory.ramGiB} GiB RAM${db.instance ? ` → ${db.instance.name}` : ''}, PgBouncer pool ${db.connections.pooler.defaultPoolSize}, WAL ${num(db.io.walMBps)} MB/s, +${num(db.storage.growthGiBPerMonth)} GiB/month${db.readReplica.recommended ? ', read replica' : ''}`,
  );
  lines.push(
    plan.runway.runsOutOn
      ? `today's capacity runs out on ${plan.runway.runsOutOn} (${plan.runway.limitedBy})`
      : `today's capacity lasts the ${plan.forecast.horizonMonths}-month horizon`,
  );
  for (const t of plan.tenants ?? []) lines.push(`tenant ${t.tenant}: ${t.decision}`);
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  lines.push(
    plan.feasibility.feasible
      ? 'feasible: the forecast peak meets the SLOs with the node catalog'
      : `NOT feasible: ${plan.feasibility.reasons.join('; ')}`,
  );
  return lines;
}

/** --format and --out go together; the formats, or null when neither is given. */
function applyOptions(options: PlanOptions): { formats: ApplyFormat[]; out: string } | null {
  if (options.format === undefined && options.out === undefined) return null;
  if (options.format === undefined)
    throw new BadInputError('--out needs --format odoo-conf|k8s|pgbouncer|postgresql|all');
  if (options.out === undefined)
    throw new BadInputError(`--format ${options.format} needs --out <dir> to write the files into`);
  const parsed = parseFormats(options.format);
  if ('unknown' in parsed)
    throw new BadInputError(
      `--format ${parsed.unknown}: expected ${APPLY_FORMATS.join(', ')} or all (comma-separated)`,
    );
  return { formats: parsed.formats, out: options.out };
}

/** The files that apply the plan, written atomically into `out`; their paths and warnings. */
async function writeApplyFiles(
  plan: PlanJson,
  planFile: string,
  apply: { formats: ApplyFormat[]; out: string },
): Promise<{ files: { format: ApplyFormat; path: string }[]; warnings: string[] }> {
  const { buildApplyFiles } = await import('../../planner/apply/apply-files.js');
  const { writeFileAtomic } = await import('../../core/atomic-write.js');
  const built = buildApplyFiles(plan, planFile, apply.formats);
  const files = [];
  for (const f of built.files) {
    const path = join(apply.out, f.name);
    await writeFileAtomic(path, f.text);
    files.push({ format: f.format, path });
  }
  return { files, warnings: built.warnings };
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description(
      'fit models to a run and size workers, node pools and the database for the forecast peak',
    )
    .requiredOption(
      '--run <dir>',
      'run directory (repeat for several runs; plan.json goes to the first)',
      collect,
    )
    .option('--models <dir>', 'models directory', 'models')
    .option(
      '--as-of <date>',
      'the date "today" means (YYYY-MM-DD); default forecast.yaml asOf, else today',
    )
    .option(
      '--working-set-mib <n>',
      'measured working set per Odoo worker, MiB (else Odoo’s rule of thumb)',
    )
    .option(
      '--neighbour-degradation <db=fraction>',
      'noisy-neighbour result per tenant database, e.g. lab=0.3 (repeatable)',
      collect,
    )
    .option(
      '--format <formats>',
      `also write the files that apply the plan: ${APPLY_FORMATS.join(', ')} or all (comma-separated)`,
    )
    .option('--out <dir>', 'directory for the --format files')
    .option('--json', 'print plan.json on stdout (with --format: the written files’ paths)')
    .addHelpText(
      'after',
      `
Examples:
  $ odoo-capacity plan --run runs/2026-03-01T10-00-00-order-wave
  $ odoo-capacity plan --run runs/order-wave --run runs/stock-moves --models models --json
  $ odoo-capacity plan --run runs/x --as-of 2026-03-01 --working-set-mib 420
  $ odoo-capacity plan --run runs/x --working-set-mib 420 --format all --out deploy/

Reads models/environment.yaml, forecast.yaml, nodes.yaml, and slo.yaml, tenants.yaml and
tenancy.yaml when present. Writes <first run>/plan.json; with --format, also odoo-<pool>.conf,
kubernetes.yaml, pgbouncer.ini and postgresql.conf into --out, every value commented with the
plan field and formula it comes from (docs/capacity-model.md, "Applying a plan").
Exit: 0 feasible, 1 the forecast peak cannot meet the SLOs with the node catalog, 2 bad input,
including a run still in progress or interrupted (run.json says running, its runner is gone:
continue it with \`odoo-capacity run --resume <id>\` first).`,
    )
    .action(async (options: PlanOptions) => {
      const apply = applyOptions(options);
      const { plan, file } = await writeRunPlan(planInput(options));
      if (apply) {
        const written = await writeApplyFiles(plan, file, apply);
        for (const w of written.warnings) log.warn(w);
        if (options.json) printJson({ plan: file, ...written });
        else
          printLines([...renderPlan(plan, file), ...written.files.map((f) => `wrote ${f.path}`)]);
      } else if (options.json) printJson(plan);
      else printLines(renderPlan(plan, file));
      process.exitCode = plan.feasibility.feasible ? ExitCode.ok : ExitCode.failed;
    });
}
