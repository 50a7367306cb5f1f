// One ladder step: PostgreSQL snapshots and samples around k6 (one process per segment), merged
// histograms, the step folder committed. Returns data; printing is the caller's.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beginStep, commitStep } from '../core/run-dir.js';
import type { WorkloadEnvelope } from '../core/models/workload.js';
import type { LadderSpec, LadderStepSpec, StepJson } from '../core/run-types.js';
import type { OdooTarget } from '../core/target.js';
import type { ActivitySample, ActivitySampler } from '../pgstats/activity-sampler.js';
import { databaseDeltas } from '../pgstats/delta.js';
import type { PgSnapshot } from '../pgstats/snapshot.js';
import type { PgStatsSession } from '../pgstats/stats-session.js';
import { segmentArgs, executionSegment } from './execution-segments.js';
import type { K6Binary } from './k6-binary.js';
import { loadVariables, targetVariables } from './k6-environment.js';
import { K6OutputIngest, ingestFollowing, type LiveView } from './k6-output-ingest.js';
import { k6OutputArgs, k6OutputEnv, outputProblems, type K6OutputSettings } from './k6-outputs.js';
import { k6Failure, startK6, type K6Outcome, type K6Process } from './k6-process.js';
import { mergeMeasurements } from './step-measurements.js';
import { stepFigures } from './step-stats.js';
import { stepDocument } from './step-document.js';
import { k6PidFile } from './stray-k6.js';

export interface RunControl {
  /** Ctrl-C: end the current step cleanly (k6 stops, the step is discarded). */
  interrupt: AbortSignal;
  /** A second Ctrl-C: stop k6 at once. */
  kill: AbortSignal;
}

export interface StepContext {
  runDir: string;
  runId: string;
  spec: LadderSpec;
  index: number;
  step: LadderStepSpec;
  k6: K6Binary;
  script: string;
  target: OdooTarget;
  workload?: WorkloadEnvelope;
  stats?: PgStatsSession;
  /** Keep k6's raw JSON output in the step folder. */
  keepRaw?: boolean;
  /** k6 outputs of `run --out` and the K6_* variables that configure them. */
  outputs?: K6OutputSettings;
  control: RunControl;
  onTick?: (tick: StepTick) => void;
}

export interface StepTick {
  index: number;
  label: string;
  phase: 'warm-up' | 'hold';
  /** Seconds since k6 started. */
  elapsed: number;
  live: LiveView;
}

export type StepResult =
  | {
      kind: 'measured';
      step: StepJson;
      dir: string;
      abortedForErrors?: string;
      /** k6 outputs of `run --out` that failed during the step (the step is measured all the same). */
      outputProblems?: string[];
    }
  | { kind: 'interrupted' };

/** Attempts (completed + failed) before the live error rate may abort a step. */
const MIN_ATTEMPTS_FOR_ABORT = 20;
// k6 start-up (compiling the script, setup() authenticating) and graceful stop, on top of the
// step's own duration, before the wrapper stops a hung k6.
const K6_OVERHEAD_MS = 120_000;

const NO_STATS_NOTE = 'no PGURL: PostgreSQL statistics were not collected';

export function emptyDatabase(note: string): StepJson['database'] {
  return {
    cluster: { walBytes: 0, checkpoints: 0, buffersWritten: 0, statStatements: false, note },
    databases: [],
    activity: { samples: 0, connectionsByState: {}, waitEvents: {}, lockWaitsMax: 0 },
  };
}

function sumLive(views: LiveView[]): LiveView {
  return {
    transactions: views.reduce((s, v) => s + v.transactions, 0),
    errors: views.reduce((s, v) => s + v.errors, 0),
    recentRate: views.reduce((s, v) => s + v.recentRate, 0),
    // Segments' p95s cannot be combined exactly; the live line shows the highest.
    p95Ms: Math.max(0, ...views.map((v) => v.p95Ms)),
  };
}

async function readSummaries(files: string[], count: number): Promise<unknown> {
  const docs = await Promise.all(
    files.map(async (f) =>
      existsSync(f) ? (JSON.parse(await readFile(f, 'utf8')) as unknown) : null,
    ),
  );
  if (count === 1) return docs[0] ?? { note: 'k6 wrote no summary' };
  return { segments: docs.map((summary, i) => ({ segment: executionSegment(i, count), summary })) };
}

export async function runStep(ctx: StepContext): Promise<StepResult> {
  const staging = await beginStep(ctx.runDir, ctx.index, ctx.step.label);
  try {
    return await measureStep(ctx, staging);
  } catch (error) {
    // A step that failed leaves nothing behind: the run directory holds finished steps only.
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

interface Segment {
  label: string;
  output: string;
  summary: string;
  process: K6Process;
  ingest: K6OutputIngest;
}

/** Starts one k6 process per execution segment, each followed live by its own ingest. */
function startSegments(ctx: StepContext, staging: string): Segment[] {
  const { spec, step } = ctx;
  const count = spec.segments;
  const env = {
    ...loadVariables({
      runId: ctx.runId,
      profile: spec.profile,
      ladder: spec,
      step,
      workload: ctx.workload,
    }),
    ...targetVariables(ctx.target),
  };
  const timeoutMs = (spec.warmupSeconds + spec.holdSeconds) * 1000 + K6_OVERHEAD_MS;
  return Array.from({ length: count }, (_, i) => {
    const suffix = count === 1 ? '' : `.seg${i + 1}`;
    const output = join(staging, `k6-out${suffix}.ndjson`);
    const summary = join(staging, `k6-summary${suffix}.json`);
    const label = `step ${ctx.index} (${step.label})${count === 1 ? '' : `, segment ${i + 1}/${count}`}`;
    const process = startK6({
      binary: ctx.k6.path,
      args: [
        'run',
        '--quiet',
        '--no-color',
        '--summary-trend-stats',
        'min,med,avg,p(90),p(95),p(99),max,count',
        '--summary-export',
        summary,
        '--out',
        `json=${output}`,
        ...k6OutputArgs(ctx.outputs, {
          run: ctx.runId,
          step: step.label,
          ...(count > 1 && { segment: `${i + 1}/${count}` }),
        }),
        ...segmentArgs(i, count),
        ctx.script,
      ],
      env: { ...k6OutputEnv(ctx.outputs, i), ...env },
      timeoutMs,
      label,
      pidFile: k6PidFile(staging, suffix),
    });
    return { label, output, summary, process, ingest: new K6OutputIngest(output) };
  });
}

interface Watch {
  /** Stops watching; returns the activity samples taken during the hold. */
  stop(): Promise<ActivitySample[]>;
  /** Why the step was aborted for its error rate, if it was. */
  abortedForErrors(): string | undefined;
}

/**
 * Once a second while k6 runs: start sampling PostgreSQL when the hold begins, abort the step
 * when its error rate passes the cap, and report the live figures.
 */
function watchStep(ctx: StepContext, segments: Segment[]): Watch {
  const { spec } = ctx;
  let sampler: ActivitySampler | undefined;
  let aborted: string | undefined;
  const started = Date.now();
  const ticker = setInterval(() => {
    const inHold = segments.some((s) => s.ingest.measurements.holdFirst !== undefined);
    if (inHold && !sampler && ctx.stats) {
      sampler = ctx.stats.startSampler(spec.sampleIntervalSeconds ?? 5);
    }
    const live = sumLive(segments.map((s) => s.ingest.live()));
    const attempts = live.transactions + live.errors;
    const cap = spec.caps.maxErrorRate;
    if (!aborted && attempts >= MIN_ATTEMPTS_FOR_ABORT && live.errors / attempts > cap) {
      aborted = `aborted: ${live.errors} of ${attempts} transactions failed, over the cap maxErrorRate ${cap}`;
      segments.forEach((s) => s.process.interrupt());
    }
    ctx.onTick?.({
      index: ctx.index,
      label: ctx.step.label,
      phase: inHold ? 'hold' : 'warm-up',
      elapsed: (Date.now() - started) / 1000,
      live,
    });
  }, 1000);
  return {
    async stop() {
      clearInterval(ticker);
      return (await sampler?.stop()) ?? [];
    },
    abortedForErrors: () => aborted,
  };
}

async function measureStep(ctx: StepContext, staging: string): Promise<StepResult> {
  const { spec } = ctx;
  const before: PgSnapshot | undefined = await ctx.stats?.snapshot();
  const segments = startSegments(ctx, staging);
  const ingesting = Promise.all(
    segments.map((s) => ingestFollowing(s.output, s.ingest, () => s.process.finished)),
  );
  // A failed ingest (a corrupt line) must not stay unobserved while the step goes on.
  ingesting.catch(() => segments.forEach((s) => s.process.interrupt()));
  const onInterrupt = () => segments.forEach((s) => s.process.interrupt());
  const onKill = () => segments.forEach((s) => s.process.kill());
  ctx.control.interrupt.addEventListener('abort', onInterrupt);
  ctx.control.kill.addEventListener('abort', onKill);
  if (ctx.control.interrupt.aborted) onInterrupt();
  const watch = watchStep(ctx, segments);

  let outcomes: K6Outcome[];
  let samples: ActivitySample[];
  try {
    outcomes = await Promise.all(segments.map((s) => s.process.done));
  } finally {
    samples = await watch.stop();
    ctx.control.interrupt.removeEventListener('abort', onInterrupt);
    ctx.control.kill.removeEventListener('abort', onKill);
  }
  if (ctx.control.interrupt.aborted) {
    // Interrupted steps are not measurements: nothing of them stays in the run directory.
    await ingesting.catch(() => undefined);
    await rm(staging, { recursive: true, force: true });
    return { kind: 'interrupted' };
  }
  const abortedForErrors = watch.abortedForErrors();
  for (const [i, outcome] of outcomes.entries()) {
    const failure = !abortedForErrors && k6Failure(outcome, segments[i]!.label);
    if (failure) {
      await ingesting.catch(() => undefined);
      throw failure;
    }
  }
  const measured = mergeMeasurements(await ingesting);
  const after = await ctx.stats?.snapshot();

  const figures = stepFigures(measured, spec.holdSeconds);
  const stepJson = stepDocument({
    index: ctx.index,
    spec,
    figures,
    database:
      before && after ? databaseDeltas(before, after, samples) : emptyDatabase(NO_STATS_NOTE),
    k6ExitCode: Math.max(...outcomes.map((o) => o.exitCode ?? 1)),
    problems: [
      ...(abortedForErrors ? [abortedForErrors] : []),
      ...outcomes
        .filter((o) => !o.meaning.measured)
        .map((o) => `k6 exited ${o.exitCode} (${o.meaning.name})`),
    ],
  });

  const dir = await commitStep(
    ctx.runDir,
    staging,
    {
      step: stepJson,
      histograms: figures.histograms,
      k6Summary: await readSummaries(
        segments.map((s) => s.summary),
        segments.length,
      ),
      ...(before && { pgBefore: before }),
      ...(after && { pgAfter: after }),
      ...(ctx.stats && { pgSamples: samples }),
    },
    ctx.keepRaw ? segments.map((s) => s.output.slice(staging.length + 1)) : [],
  );
  const problems = outcomes.flatMap((o, i) => outputProblems(o.stderrTail, segments[i]!.label));
  return {
    kind: 'measured',
    step: stepJson,
    dir,
    ...(abortedForErrors && { abortedForErrors }),
    ...(problems.length > 0 && { outputProblems: problems }),
  };
}
