// `demo`: the whole pipeline on this machine (k6, a throwaway PostgreSQL, the lab, seed, a short
// ladder, plan, report); everything it starts it stops, whatever happens.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CheckFailedError, ExitCode } from '../../core/errors.js';
import { Logger, log } from '../../core/logger.js';
import { packageRoot } from '../../core/package-root.js';
import { Secret } from '../../core/secret.js';
import type { PlanJson } from '../../core/plan-types.js';
import type { OdooTarget } from '../../core/target.js';
import { printJson, printLines, type GlobalOptions } from '../output.js';
import { ladderFromFlags, loadWorkloadEnvelope, scriptFor } from '../ladder-options.js';
import { numberFlag } from '../flags.js';
import { consoleLadderEvents, interruptControls } from '../steps/ladder.js';
import { writeRunPlan } from '../steps/plan.js';
import { writeReport } from '../steps/report.js';

interface DemoFlags extends GlobalOptions {
  out: string;
  models: string;
  workers: string;
  rates: string;
  hold: string;
  warmup: string;
  p50Factor?: string;
}

export interface DemoResult {
  run: string;
  status: string;
  stopReason?: string;
  plan: string;
  feasible: boolean;
  ready: boolean;
  headline: string;
  report: { format: string; path: string }[];
  seconds: Record<string, number>;
}

const STAGES = ['k6', 'postgres', 'lab', 'seed', 'ladder', 'plan', 'report'] as const;
type Stage = (typeof STAGES)[number];
/** The lab's tenant database in the demo. */
const DEMO_DB = 'demo';

/**
 * The plan's recommendation as one line, labelled as what to deploy so that it never reads as the
 * verdict on today's platform (the report's headline) printed next to it.
 */
export function whatToDeploy(plan: PlanJson): string {
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const workers = plan.workers.map((w) => `${w.pool} ${plural(w.workers, 'worker')}`);
  const nodes = plan.nodePools.map((n) => `${n.pool} ${n.nodes} × ${n.nodeType}`);
  const outcome = plan.feasibility.feasible
    ? 'meets the SLOs at the forecast peak'
    : `even this misses the SLOs at the forecast peak: ${plan.feasibility.reasons.join('; ')}`;
  return `What to deploy: ${workers.join(', ')}${nodes.length > 0 ? `; nodes ${nodes.join(', ')}` : ''} (${outcome})`;
}

async function demo(flags: DemoFlags): Promise<DemoResult & { toDeploy: string }> {
  const workers = numberFlag('--workers', flags.workers, { integer: true, min: 1, max: 16 });
  const models = resolve(flags.models);
  const out = resolve(flags.out);
  const runsDir = join(out, 'runs');
  // Validate every input before starting anything.
  const spec = await ladderFromFlags({
    ladder: join(models, 'ladders', 'peak-mix.yaml'),
    rates: flags.rates,
    hold: flags.hold,
    warmup: flags.warmup,
    sampleInterval: '2s',
    p50Factor: flags.p50Factor,
  });
  const workload = await loadWorkloadEnvelope({ models });
  const { loadEnvironment } = await import('../../core/models/environment.js');
  const environment = await loadEnvironment(join(models, 'environment.yaml'));
  const script = scriptFor({}, spec.profile);

  const seconds: Partial<Record<Stage, number>> = {};
  let stageStart = Date.now();
  const stage = (name: Stage, line: string) => {
    if (!flags.json) log.info(`demo ${STAGES.indexOf(name) + 1}/${STAGES.length} · ${line}`);
    stageStart = Date.now();
  };
  const done = (name: Stage) => {
    seconds[name] = Math.round((Date.now() - stageStart) / 100) / 10;
  };

  const cleanups: (() => Promise<void>)[] = [];
  const controls = interruptControls();
  try {
    stage('k6', 'k6: finding it (installing the pinned version with Go if missing, once)');
    const { locateK6 } = await import('../../runner/k6-binary.js');
    const k6 = await locateK6({ install: true });
    if (!flags.json) log.info(`  k6 ${k6.version} at ${k6.path}`);
    done('k6');

    stage('postgres', 'PostgreSQL: starting a throwaway cluster with pg_stat_statements');
    const { freePort, startLocalPostgres } = await import('../../pg-local/postgres-provider.js');
    const pg = await startLocalPostgres();
    cleanups.push(() => pg.stop());
    if (!flags.json) log.info(`  PostgreSQL ${pg.versionNum} on ${new URL(pg.url.reveal()).host}`);
    done('postgres');

    stage('lab', `the lab: ${workers} workers over database "${DEMO_DB}" (a stand-in for Odoo)`);
    // Random per demo, so no known credential sits in a log or a run directory.
    const adminPassword = new Secret(randomBytes(18).toString('base64url'));
    const { startLab } = await import('../../lab/server/index.js');
    // The lab's own log (logins, Odoo-style errors such as "cannot marshal None") goes to a file.
    await mkdir(out, { recursive: true });
    const labLog = createWriteStream(join(out, 'lab.log'), { flags: 'a', mode: 0o600 });
    cleanups.push(() => new Promise<void>((done) => labLog.end(done)));
    const lab = await startLab({
      log: new Logger('info', { write: (line) => labLog.write(line) }),
      port: await freePort(),
      workers,
      databases: [DEMO_DB],
      pgUrl: pg.url,
      adminPassword,
      onProgress: (line) => (flags.json ? undefined : log.info(`  ${line}`)),
    });
    cleanups.unshift(() => lab.stop());
    if (!flags.json) log.info(`  serving ${lab.url}; its log: ${join(out, 'lab.log')}`);
    done('lab');

    const target: OdooTarget = {
      url: lab.url,
      db: DEMO_DB,
      user: 'admin',
      secret: adminPassword,
      secretKind: 'password',
    };
    stage('seed', 'seed: products, customers and stock the scenarios draw on');
    const { OdooClient } = await import('../../odoo/client.js');
    const client = new OdooClient(target);
    const { DEFAULT_SEED_PLAN, seed } = await import('../../odoo/seed.js');
    let phase = '';
    const seeded = await seed(
      client,
      { ...DEFAULT_SEED_PLAN, readyOrders: 0, deliveredOrders: 0, settings: true },
      (p) => {
        if (p.phase !== phase && !flags.json) log.info(`  ${p.phase} (${p.total})`);
        phase = p.phase;
      },
    );
    if (!flags.json)
      log.info(
        `  ${seeded.products.wanted} products, ${seeded.customers.wanted} customers, ${seeded.stockAdjusted} stock adjustments (serie ${seeded.serie})`,
      );
    done('seed');

    const perStep = spec.warmupSeconds + spec.holdSeconds;
    stage(
      'ladder',
      `ladder: peak-mix (the four classes at once) at ${spec.steps.map((s) => s.rate).join(', ')} tx/s, ` +
        `${spec.warmupSeconds}s warm-up + ${spec.holdSeconds}s hold per step (about ${Math.ceil((spec.steps.length * (perStep + 10)) / 60)} min)`,
    );
    const { runLadder } = await import('../../runner/run-ladder.js');
    const { poolTopUp } = await import('../../runner/pool-top-up.js');
    const outcome = await runLadder({
      runsDir,
      target,
      pgUrl: pg.url,
      control: controls.control,
      events: consoleLadderEvents(Boolean(flags.json)),
      prepareStep: poolTopUp(client),
      spec,
      script,
      workload,
      environment,
    });
    done('ladder');
    if (controls.control.interrupt.aborted) {
      throw new CheckFailedError(`interrupted: the partial run is in ${outcome.dir}`, {
        hint: 'Run the demo again for a report.',
      });
    }
    if (!outcome.run.steps.some((s) => s.valid)) {
      throw new CheckFailedError(
        `the ladder ended with no valid step (${outcome.run.stopReason && 'detail' in outcome.run.stopReason ? outcome.run.stopReason.detail : outcome.run.status})`,
        { hint: `See ${outcome.dir}/run.json.` },
      );
    }

    stage('plan', 'plan: USL fit, queueing, workers, node pools, database, runway');
    const { plan, file: planFile } = await writeRunPlan({ runs: [outcome.dir], models });
    done('plan');

    stage('report', 'report: HTML with charts, Markdown and JSON');
    const report = await writeReport({
      run: outcome.dir,
      format: 'html,md,json',
      out: join(out, 'report'),
      runsDir,
    });
    done('report');
    return {
      toDeploy: whatToDeploy(plan),
      run: outcome.dir,
      status: outcome.run.status,
      ...(outcome.run.stopReason && { stopReason: outcome.run.stopReason.kind }),
      plan: planFile,
      feasible: plan.feasibility.feasible,
      ready: report.ready,
      headline: report.headline,
      report: report.files,
      seconds: seconds as Record<string, number>,
    };
  } finally {
    controls.dispose();
    for (const cleanup of cleanups) {
      await cleanup().catch((error: unknown) =>
        log.warn(`demo: cleaning up: ${(error as Error).message}`),
      );
    }
  }
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'the whole pipeline on this machine: PostgreSQL, the lab, seed, a short peak-mix ladder, plan and report',
    )
    .option('--out <dir>', 'where the run and the report go (<out>/runs, <out>/report)', 'demo-out')
    .option('--models <dir>', 'models folder', join(packageRoot, 'models'))
    .option('--workers <n>', 'lab workers', '2')
    .option('--rates <list>', 'peak-mix arrival rates per step, transactions/s', '2,4,6,8,10,12,14')
    .option('--hold <duration>', 'steady state per step', '20s')
    .option('--warmup <duration>', 'warm-up per step', '5s')
    .option(
      '--p50-factor <x>',
      'stop the ladder once a step’s p50 is x times the first step’s (default: the ladder’s, 2)',
    )
    .option('--json', 'print the result as JSON on stdout; no progress')
    .addHelpText(
      'after',
      `
Examples:
  $ odoo-capacity demo
  $ odoo-capacity demo --out /tmp/demo --json
  $ odoo-capacity demo --workers 4 --rates 2,4,6,8,10,12 --hold 60s

Everything runs on 127.0.0.1 and is stopped at the end: a throwaway PostgreSQL (the embedded
PostgreSQL 18), the lab (an Odoo-compatible stand-in, not Odoo) with a random admin password,
and k6 (installed with Go on first use). About 5 minutes on 2 cores.
Exit: 0 report written, 1 interrupted or no valid step, 2 bad input, 3 k6 or PostgreSQL unavailable.`,
    )
    .action(async (flags: DemoFlags) => {
      const { toDeploy, ...result } = await demo(flags);
      if (flags.json) printJson(result);
      else {
        const html = result.report.find((f) => f.format === 'html');
        printLines([
          // Two verdicts: today's platform (the report's headline), then the recommendation.
          result.headline,
          toDeploy,
          `run: ${result.run} (${result.status})`,
          `plan: ${result.plan}`,
          ...result.report.map((f) => `report (${f.format}): ${f.path}`),
          `took ${Object.entries(result.seconds)
            .map(([k, v]) => `${k} ${v}s`)
            .join(', ')}`,
          ...(html ? [`open ${html.path}`] : []),
        ]);
      }
      process.exitCode = ExitCode.ok;
    });
}
