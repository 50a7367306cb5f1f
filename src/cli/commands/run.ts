// `run`: a capacity ladder against the target, written to runs/<id>/ (docs/architecture.md);
// also `--resume <id>` and `--import <dir>` for a distributed run's per-pod outputs.
import type { Command } from 'commander';
import { BadInputError } from '../../core/errors.js';
import { resolvePgUrl, resolveTarget, type TargetFlags } from '../../core/target.js';
import { printJson, printLines, type GlobalOptions } from '../output.js';
import {
  addLadderOptions,
  ladderFromFlags,
  loadWorkloadEnvelope,
  scriptFor,
  type LadderFlags,
} from '../ladder-options.js';
import { addTargetOptions } from '../target-options.js';
import { collect } from '../flags.js';
import {
  consoleLadderEvents,
  exitCodeOf,
  interruptControls,
  loadEnvironmentChecked,
  reportRun,
  summarize,
} from '../steps/ladder.js';

interface RunFlags extends LadderFlags, TargetFlags, GlobalOptions {
  runsDir: string;
  id?: string;
  resume?: string;
  import?: string;
  script?: string;
  workload?: string;
  models: string;
  environment?: string;
  allowProduction?: boolean;
  keepRaw?: boolean;
  /** --out, repeatable: k6 outputs added to the runner's own. */
  out?: string[];
  /** --no-seed sets it false. */
  seed: boolean;
}

async function action(flags: RunFlags): Promise<void> {
  if (flags.import) {
    const { importRun } = await import('../../runner/import-run.js');
    const spec = flags.ladder || flags.class ? await ladderFromFlags(flags) : undefined;
    const result = await importRun({
      from: flags.import,
      runsDir: flags.runsDir,
      id: flags.id,
      spec,
    });
    if (flags.json) printJson(summarize(result.dir, result.run));
    else printLines([`imported ${result.run.steps.length} step(s) into ${result.dir}`]);
    process.exitCode = exitCodeOf(result.run);
    return;
  }
  const target = resolveTarget(flags);
  if (!target) {
    throw new BadInputError('no target: set ODOO_URL (or --url), ODOO_DB and the secret', {
      hint: 'Start the lab (odoo-capacity lab start) or point at a staging Odoo.',
    });
  }
  const pgUrl = resolvePgUrl(flags);
  const { runLadder, resumeLadder } = await import('../../runner/run-ladder.js');

  const controls = interruptControls();
  const events = consoleLadderEvents(Boolean(flags.json));
  let prepareStep;
  if (flags.seed) {
    const { OdooClient } = await import('../../odoo/client.js');
    const { poolTopUp } = await import('../../runner/pool-top-up.js');
    prepareStep = poolTopUp(new OdooClient(target));
  }
  const common = {
    prepareStep,
    runsDir: flags.runsDir,
    target,
    pgUrl,
    keepRaw: flags.keepRaw,
    outputs: flags.out,
    control: controls.control,
    events,
  };
  try {
    let outcome;
    if (flags.resume) {
      outcome = await resumeLadder({ ...common, resume: flags.resume });
    } else {
      const ladder = await ladderFromFlags(flags);
      const environment = await loadEnvironmentChecked(flags);
      outcome = await runLadder({
        ...common,
        id: flags.id,
        spec: ladder,
        script: scriptFor(flags, ladder.profile),
        workload: await loadWorkloadEnvelope(flags),
        environment,
      });
    }
    reportRun(outcome.dir, outcome.run, Boolean(flags.json));
  } finally {
    controls.dispose();
  }
}

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description(
      'run a capacity ladder: load steps held at steady state, PostgreSQL watched, written to runs/<id>/',
    );
  addLadderOptions(command)
    .option('--runs-dir <dir>', 'where run directories go', 'runs')
    .option('--id <id>', 'the run id (default: UTC time and profile)')
    .option('--resume <id>', 'continue an interrupted (partial) run')
    .option(
      '--import <dir>',
      'build a run from per-pod k6 outputs of a distributed run (see `k8s`)',
    )
    .option(
      '--script <file>',
      'k6 script (default: scenarios/<profile>.ts); must follow docs/contracts.md',
    )
    .option(
      '--workload <file>',
      'workload passed to k6 as OC_WORKLOAD (default: <models>/workload/default.yaml; with <models>/slo.yaml)',
    )
    .option('--models <dir>', 'models folder', 'models')
    .option('--environment <file>', 'environment under test (default: <models>/environment.yaml)')
    .option('--allow-production', 'allow load against an environment marked production')
    .option('--keep-raw', "keep k6's raw JSON output in each step folder")
    .option(
      '--out <output>',
      'also send k6 metrics to this k6 output, repeatable (experimental-prometheus-rw, web-dashboard, ...; set up by its K6_* variables)',
      collect,
    )
    .option('--no-seed', 'do not top up the seeded pools before steps that consume them')
    .option('--json', 'print {"run": "<dir>", ...} on stdout; no progress');
  addTargetOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  $ odoo-capacity run --class order-wave --rates 2,4,8,16 --hold 60s --warmup 10s
  $ odoo-capacity run --ladder models/ladders/peak-mix.yaml --segments 2 --json
  $ odoo-capacity run --class stock-moves --vus 1,2,4,8 --hold 45s      # closed model, for a USL fit
  $ odoo-capacity run --resume 20250301-141500-order-wave
  $ ODOO_API_KEY=... odoo-capacity run --transport json2 --class order-wave --rates 2,4,8   # Odoo 19+
  $ odoo-capacity run --import k6-results/ --ladder models/ladders/order-wave.yaml
  $ odoo-capacity run --class order-wave --rates 2,4,8 --out experimental-prometheus-rw   # Prometheus on :9090

Target: ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD or ODOO_API_KEY; PGURL for statistics.
The ladder stops past the knee (p50 twice the first step's) or when errors or dropped
iterations pass their limits; run.json says why.
Exit: 0 complete, 1 interrupted or no valid step, 2 bad input, 3 target, k6 or PostgreSQL unreachable.`,
    )
    .action(action);
}
