// The ladder: preflight (k6, the target, PostgreSQL), then step after step until the last one,
// the knee, an error cap or Ctrl-C, keeping run.json current after every step so that an
// interrupted run is `partial` and `run --resume` continues it. Returns data; the CLI prints.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import { BadInputError, isOcError } from '../core/errors.js';
import { packageJson } from '../core/package-root.js';
import { redact } from '../core/redact.js';
import type { WorkloadEnvelope } from '../core/models/workload.js';
import {
  createRunDir,
  discardPartialSteps,
  LOCK_FILE,
  liveRunner,
  readRunJson,
  readStepJson,
  writeRunJson,
} from '../core/run-dir.js';
import type {
  LadderSpec,
  LadderStepSpec,
  RunJson,
  StepJson,
  StopReason,
} from '../core/run-types.js';
import { RUN_SCHEMA_VERSION } from '../core/run-types.js';
import type { Secret } from '../core/secret.js';
import { describeTarget, type OdooTarget } from '../core/target.js';
import type { PgStatsSession } from '../pgstats/stats-session.js';
import { locateK6, type K6Binary } from './k6-binary.js';
import { k6OutputSettings, type K6OutputSettings } from './k6-outputs.js';
import { stopStrayK6 } from './stray-k6.js';
import { runStep, type RunControl, type StepResult, type StepTick } from './run-step.js';
import { stopAfter } from './stop-criteria.js';

export interface LadderEvents {
  onStart?(run: RunJson, dir: string): void;
  onStepStart?(index: number, total: number, label: string): void;
  onTick?(tick: StepTick): void;
  onStepEnd?(result: StepResult, index: number): void;
  /**
   * One-line notes: `warning` for what the run will lack (no PGURL, no pg_stat_statements),
   * `info` for what it did (a resumed run, pools topped up).
   */
  onNote?(line: string, level: 'info' | 'warning'): void;
}

interface Common {
  runsDir: string;
  target: OdooTarget;
  pgUrl?: Secret;
  keepRaw?: boolean;
  /** k6 outputs added to the runner's own (`run --out`), configured by the caller's K6_* variables. */
  outputs?: string[];
  control: RunControl;
  events?: LadderEvents;
  /**
   * Runs before each step, before its first PostgreSQL snapshot (so its writes stay out of the
   * step's deltas): topping up the seeded pools the step will consume. Returns a note, or nothing.
   */
  prepareStep?: PrepareStep;
}

export interface NewLadderRequest extends Common {
  id?: string;
  spec: LadderSpec;
  script: string;
  workload?: WorkloadEnvelope;
  environment: RunJson['environment'];
}

export interface ResumeLadderRequest extends Common {
  resume: string;
}

export interface LadderOutcome {
  dir: string;
  run: RunJson;
}

/** Prepares a step of a run (run.json says the ladder and the workload): returns a note, or nothing. */
export type PrepareStep = (
  step: LadderStepSpec,
  index: number,
  run: RunJson,
) => Promise<string | void>;

/** runs/<id>: UTC date and time, then the profile, e.g. 20250301-141500-order-wave. */
export function newRunId(profile: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${profile}`;
}

/** Marks the run as in progress by this process; refuses when another live process has it. */
async function lockRun(dir: string): Promise<() => Promise<void>> {
  const pid = await liveRunner(dir);
  if (pid !== undefined && pid !== process.pid) {
    throw new BadInputError(`${dir}: this run is in progress in process ${pid}`, {
      hint: 'Wait for it, or stop that process first.',
    });
  }
  const file = join(dir, LOCK_FILE);
  await writeFileAtomic(file, `${process.pid}\n`);
  return () => rm(file, { force: true });
}

/** The target as run.json records it: its address and what Odoo says it is (authenticated). */
export async function preflight(target: OdooTarget): Promise<RunJson['target']> {
  const { OdooClient } = await import('../odoo/client.js');
  const client = new OdooClient(target);
  const version = await client.version();
  await client.authenticate();
  return {
    ...describeTarget(target),
    odoo: {
      serverVersion: version.server_version,
      serverSerie: version.server_serie,
      lab: version.lab !== undefined,
    },
  };
}

/** A statistics session for the run, or a warning that there is none (no PGURL). */
export async function openStats(
  pgUrl: Secret | undefined,
  events: LadderEvents | undefined,
): Promise<PgStatsSession | undefined> {
  if (!pgUrl) {
    events?.onNote?.(
      'no PGURL: PostgreSQL statistics will not be collected (set PGURL or --pg-url)',
      'warning',
    );
    return undefined;
  }
  const { PgStatsSession } = await import('../pgstats/stats-session.js');
  const session = await PgStatsSession.open(pgUrl);
  if (session.features.statStatements.note) {
    events?.onNote?.(session.features.statStatements.note, 'warning');
  }
  return session;
}

/** run.json's `database`: which PostgreSQL the statistics came from. */
export function databaseInfo(stats: PgStatsSession): NonNullable<RunJson['database']> {
  return {
    serverVersion: stats.features.serverVersion,
    versionNum: stats.features.versionNum,
    statStatements: stats.features.statStatements.available,
  };
}

export function runLadder(request: NewLadderRequest): Promise<LadderOutcome> {
  return drive(request, async (k6, stats) => {
    const target = await preflight(request.target);
    const id = request.id ?? newRunId(request.spec.profile);
    const dir = await createRunDir(request.runsDir, id);
    const run: RunJson = {
      schemaVersion: RUN_SCHEMA_VERSION,
      id,
      tool: { name: 'odoo-capacity', version: packageJson().version },
      k6: { version: k6.version },
      target,
      environment: request.environment,
      ladder: request.spec,
      status: 'running',
      startedAt: new Date().toISOString(),
      steps: [],
      scenario: {
        script: request.script,
        ...(request.workload !== undefined && { workload: request.workload }),
      },
      ...(stats && { database: databaseInfo(stats) }),
      source: 'local',
    };
    return { dir, run };
  });
}

/**
 * The run directory `--resume <id|dir>` names, and its run.json, when it can be continued here:
 * not complete, not imported, and run the same way (`run` or `k8s run`).
 */
export async function openResumable(
  resume: string,
  runsDir: string,
  how: 'local' | 'k8s',
): Promise<{ dir: string; run: RunJson }> {
  const dir = existsSync(join(resume, 'run.json')) ? resume : join(runsDir, resume);
  const run = await readRunJson(dir);
  if (run.status === 'complete') {
    throw new BadInputError(`${dir}: this run is complete; there is nothing to resume`, {
      hint: 'Start a new run instead.',
    });
  }
  if (run.source === 'import') {
    throw new BadInputError(`${dir}: an imported run cannot be resumed`);
  }
  const source = run.source ?? 'local';
  if (source !== how) {
    throw new BadInputError(
      `${dir}: this run was driven by \`${source === 'k8s' ? 'k8s run' : 'run'}\`, not \`${how === 'k8s' ? 'k8s run' : 'run'}\``,
      {
        hint: `Continue it with: odoo-capacity ${source === 'k8s' ? 'k8s run' : 'run'} --resume ${run.id}`,
      },
    );
  }
  if (!run.scenario) throw new BadInputError(`${dir}/run.json: field scenario is missing`);
  return { dir, run };
}

export function resumeLadder(request: ResumeLadderRequest): Promise<LadderOutcome> {
  return drive(request, async () => {
    const { dir, run } = await openResumable(request.resume, request.runsDir, 'local');
    if (run.target.url !== request.target.url || run.target.db !== request.target.db) {
      throw new BadInputError(
        `resume: the target ${request.target.url} (${request.target.db}) is not this run's ${run.target.url} (${run.target.db})`,
        { hint: 'Point ODOO_URL and ODOO_DB at the target the run started with.' },
      );
    }
    await preflight(request.target);
    if (run.status === 'running' && (await liveRunner(dir)) === undefined)
      request.events?.onNote?.(
        `${run.id} was interrupted: run.json said running, but its runner was gone`,
        'warning',
      );
    request.events?.onNote?.(
      `resuming ${run.id} after step ${run.steps.length} of ${run.ladder.steps.length}`,
      'info',
    );
    return { dir, run };
  });
}

/**
 * A new or resumed run as this invocation drives it (`run` and `k8s run`): staging folders of an
 * earlier attempt discarded, running again, and this invocation's k6 outputs recorded (masked
 * arguments, variables by name only). run.json is the caller's to write.
 */
export async function reopenRun(
  dir: string,
  run: RunJson,
  outputs: K6OutputSettings['record'] | undefined,
): Promise<void> {
  await discardPartialSteps(dir);
  run.status = 'running';
  delete run.stopReason;
  delete run.finishedAt;
  delete run.k6.outputs;
  delete run.k6.variables;
  if (outputs?.outputs.length) run.k6.outputs = outputs.outputs;
  if (outputs?.variables.length) run.k6.variables = outputs.variables;
}

type Open = (k6: K6Binary, stats: PgStatsSession | undefined) => Promise<LadderOutcome>;

async function drive(request: Common, open: Open): Promise<LadderOutcome> {
  const outputs = k6OutputSettings(request.outputs ?? [], process.env);
  for (const note of outputs.notes) request.events?.onNote?.(note, 'warning');
  const k6 = await locateK6({ install: false });
  const stats = await openStats(request.pgUrl, request.events);
  let opened: LadderOutcome | undefined;
  let unlock: (() => Promise<void>) | undefined;
  try {
    opened = await open(k6, stats);
    const { dir, run } = opened;
    unlock = await lockRun(dir);
    // No live runner has this run: a k6 still running from one that died is stopped first.
    for (const note of await stopStrayK6(dir)) request.events?.onNote?.(note, 'warning');
    await reopenRun(dir, run, outputs.record);
    await writeRunJson(dir, run);
    request.events?.onStart?.(run, dir);
    await climb(dir, run, k6, stats, request, outputs);
    return { dir, run };
  } catch (error) {
    if (opened) {
      const { dir, run } = opened;
      run.status = 'failed';
      // An error's message is free text (k6's stderr, a server's answer): masked as a log line.
      const detail = redact(isOcError(error) ? error.message : String(error));
      run.stopReason = { kind: 'failed', detail };
      run.finishedAt = new Date().toISOString();
      await writeRunJson(dir, run);
    }
    throw error;
  } finally {
    await unlock?.();
    await stats?.close();
  }
}

async function climb(
  dir: string,
  run: RunJson,
  k6: K6Binary,
  stats: PgStatsSession | undefined,
  request: Common,
  outputs: K6OutputSettings,
): Promise<void> {
  const spec = run.ladder;
  const total = spec.steps.length;
  const first: StepJson | undefined =
    run.steps.length > 0 ? await readStepJson(dir, run.steps[0]!.dir) : undefined;
  let baseline = first;
  let stop: StopReason | undefined;
  for (let i = run.steps.length; i < total && !stop; i++) {
    const step = spec.steps[i]!;
    request.events?.onStepStart?.(i + 1, total, step.label);
    const note = await request.prepareStep?.(step, i + 1, run);
    if (note) request.events?.onNote?.(note, 'info');
    const result = await runStep({
      runDir: dir,
      runId: run.id,
      spec,
      index: i + 1,
      step,
      k6,
      script: run.scenario!.script,
      target: request.target,
      workload: run.scenario!.workload,
      stats,
      keepRaw: request.keepRaw,
      outputs,
      control: request.control,
      onTick: request.events?.onTick,
    });
    request.events?.onStepEnd?.(result, i + 1);
    if (result.kind === 'measured')
      for (const line of result.outputProblems ?? []) request.events?.onNote?.(line, 'warning');
    if (result.kind === 'interrupted') {
      run.status = 'partial';
      run.stopReason = {
        kind: 'interrupted',
        detail: `interrupted during step ${i + 1} (${step.label}); continue with: odoo-capacity run --resume ${run.id}`,
      };
      await writeRunJson(dir, run);
      return;
    }
    run.steps.push({ index: i + 1, label: step.label, dir: result.dir, valid: result.step.valid });
    baseline ??= result.step;
    stop = result.abortedForErrors
      ? { kind: 'errors', detail: `step ${step.label}: ${result.abortedForErrors}` }
      : stopAfter(baseline, result.step, spec);
    await writeRunJson(dir, run);
  }
  finish(run, stop ?? { kind: 'complete' });
  await writeRunJson(dir, run);
}

/** Ends a ladder: stopped for a reason, failed when no step measured anything usable. */
export function finish(run: RunJson, stop: StopReason): void {
  run.stopReason = stop;
  run.finishedAt = new Date().toISOString();
  // A ladder that measured nothing usable failed, whatever stopped it.
  run.status = run.steps.some((s) => s.valid) ? 'complete' : 'failed';
  if (run.status === 'failed' && stop.kind !== 'failed') {
    run.stopReason = {
      kind: 'failed',
      detail: `no valid step: ${stop.kind === 'complete' ? 'every step was invalid' : stop.detail}`,
    };
  }
}
