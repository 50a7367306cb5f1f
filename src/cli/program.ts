// createProgram(): the commander tree, with no side effects, so tests parse in-process.
// One command per file in commands/; heavy modules load lazily inside the actions.
import { Command } from 'commander';
import { packageJson } from '../core/package-root.js';
import { registerDemo } from './commands/demo.js';
import { registerDoctor } from './commands/doctor.js';
import { registerFit } from './commands/fit.js';
import { registerInit } from './commands/init.js';
import { registerK8s } from './commands/k8s.js';
import { registerPlan } from './commands/plan.js';
import { registerTenant } from './commands/tenant.js';
import { registerLab } from './commands/lab.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerSeed } from './commands/seed.js';
import { registerWorkload } from './commands/workload.js';

export function createProgram(): Command {
  // exitOverride first: subcommands copy it when they are created, so that their usage errors
  // reach the entry point as CommanderErrors (exit 2) instead of exiting the process with 1.
  const program = new Command('odoo-capacity')
    .exitOverride()
    .description(
      'Load testing and capacity planning for Odoo in logistics: replay order waves, stock moves,\ncarrier bursts and month-end billing, then size workers, node pools and the database.',
    )
    .version(packageJson().version, '-V, --version')
    .option('--debug', 'print stack traces and debug logs')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ odoo-capacity init                         write models/ for your target, asking for its facts
  $ odoo-capacity doctor                       check k6, the target and PostgreSQL access
  $ odoo-capacity demo                         lab + seed + ladder + plan + report on this machine
  $ odoo-capacity run --class order-wave --rates 2,4,8,16 --hold 60s --warmup 10s
  $ odoo-capacity plan --run runs/<id> && odoo-capacity report --run runs/<id> --format html,md --out out/

Target: ODOO_URL, ODOO_DB, ODOO_USER and ODOO_PASSWORD or ODOO_API_KEY; PGURL for statistics.
Exit codes: 0 success, 1 failed check or SLO, 2 bad input, 3 target or dependency unreachable.`,
    );
  registerInit(program);
  registerDoctor(program);
  registerSeed(program);
  registerDemo(program);
  registerFit(program);
  registerPlan(program);
  registerTenant(program);
  registerLab(program);
  registerRun(program);
  registerK8s(program);
  registerReport(program);
  registerWorkload(program);
  return program;
}
