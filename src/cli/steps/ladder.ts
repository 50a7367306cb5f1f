// Running a ladder from the command line, shared by `run`, `k8s run` and `demo`: Ctrl-C
// handling, the ladder's progress on stderr, the environment guard and the outcome on stdout.
import { join } from 'node:path';
import { BadInputError, ExitCode } from '../../core/errors.js';
import type { Environment } from '../../core/models/environment.js';
import type { RunJson } from '../../core/run-types.js';
import { printJson, printLines } from '../output.js';
import { log } from '../../core/logger.js';
import { describesLab } from '../../core/models/environment.js';
import type { LadderSpec } from '../../core/run-types.js';
import { formatStepEnd, formatTick } from '../../runner/progress-line.js';
import type { LadderEvents } from '../../runner/run-ladder.js';

/**
 * Ctrl-C (or SIGTERM) once ends the current step cleanly and marks the run partial; twice stops
 * k6 at once. `dispose()` gives the signals back.
 */
export function interruptControls(): {
  control: { interrupt: AbortSignal; kill: AbortSignal };
  dispose(): void;
} {
  const interrupt = new AbortController();
  const kill = new AbortController();
  const onSignal = () => {
    if (!interrupt.signal.aborted) {
      log.warn('interrupting: ending the current step (Ctrl-C again to stop k6 at once)');
      interrupt.abort();
    } else kill.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    control: { interrupt: interrupt.signal, kill: kill.signal },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** The ladder's progress on stderr: a live line per step on a terminal, a line per finished step. */
export function consoleLadderEvents(json: boolean): LadderEvents {
  const live = !json && process.stderr.isTTY;
  let spec: LadderSpec | undefined;
  return {
    onNote: (line, level) => {
      if (level === 'warning') log.warn(line);
      else if (!json) log.info(line);
    },
    onStart: (run, dir) => {
      spec = run.ladder;
      if (!json) log.info(`run ${run.id} → ${dir}`);
      if (!run.target.odoo.lab && describesLab(run.environment))
        log.warn(
          `${run.target.url} is not the lab, but environment "${run.environment.name}" still describes the lab: the plan would size the lab; describe your stack with \`odoo-capacity init\``,
        );
    },
    onTick: live
      ? (tick) => process.stderr.write(`\r\x1b[2K${formatTick(tick, spec!)}`)
      : undefined,
    onStepEnd: (result) => {
      if (live) process.stderr.write('\r\x1b[2K');
      if (!json && 'step' in result && result.step)
        log.info(formatStepEnd(result.step, spec!.steps.length));
    },
  };
}

/** The environment under test; one marked production needs --allow-production (`run`, `k8s run`). */
export async function loadEnvironmentChecked(flags: {
  environment?: string;
  models: string;
  allowProduction?: boolean;
}): Promise<Environment> {
  const { loadEnvironment } = await import('../../core/models/environment.js');
  const file = flags.environment ?? join(flags.models, 'environment.yaml');
  const environment = await loadEnvironment(file);
  if (environment.production && !flags.allowProduction) {
    throw new BadInputError(
      `${file}: environment "${environment.name}" is marked production: load against it needs --allow-production`,
      { hint: 'Run against staging, or pass --allow-production deliberately.' },
    );
  }
  return environment;
}

export interface RunSummary {
  run: string;
  id: string;
  status: RunJson['status'];
  stopReason?: RunJson['stopReason'];
  steps: RunJson['steps'];
}

/** A finished ladder on stdout (status and directory, or the JSON summary) and its exit code. */
export function reportRun(dir: string, run: RunJson, json: boolean): void {
  if (json) printJson(summarize(dir, run));
  else {
    printLines([
      `${run.status}: ${run.stopReason?.kind === 'complete' ? 'every step ran' : (run.stopReason?.detail ?? '')}`,
      `run directory: ${dir}`,
    ]);
  }
  process.exitCode = exitCodeOf(run);
}

export function summarize(dir: string, run: RunJson): RunSummary {
  return {
    run: dir,
    id: run.id,
    status: run.status,
    ...(run.stopReason && { stopReason: run.stopReason }),
    steps: run.steps,
  };
}

/** 0 when every step ran, 1 when the run was interrupted or stopped with no valid step. */
export const exitCodeOf = (run: RunJson): ExitCode =>
  run.status === 'complete' ? ExitCode.ok : ExitCode.failed;
