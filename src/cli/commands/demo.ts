// `demo`: lab + seed + short ladder + plan + report, end to end, on this machine.
import type { Command } from 'commander';
import { CheckFailedError } from '../../core/errors.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the lab, seed it, run a short ladder, plan and report, all on this machine')
    .option('--out <dir>', 'where to write the report', 'demo-out')
    .addHelpText('after', '\nExample:\n  $ odoo-capacity demo --out /tmp/demo')
    .action(async () => {
      throw new CheckFailedError(
        'demo: not built yet; it waits for the lab (issue 3), the runner (5), the planner (6) and the report (7)',
        {
          hint: 'Meanwhile `odoo-capacity doctor` checks this machine.',
        },
      );
    });
}
