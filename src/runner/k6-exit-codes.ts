// k6's exit codes (grafana/k6 errext/exitcodes), named, and what each means for a step and for
// our own exit codes (0 ok, 1 failed, 2 bad input, 3 unreachable; docs/architecture.md).
import { ExitCode } from '../core/errors.js';

export const K6Exit = {
  ok: 0,
  cloudTestRunFailed: 97,
  cloudFailedToGetProgress: 98,
  /** One or more thresholds failed (also when abortOnFail stopped the test early). */
  thresholdsFailed: 99,
  setupTimeout: 100,
  teardownTimeout: 101,
  genericTimeout: 102,
  /** Stopped through k6's REST API. */
  stoppedFromRestApi: 103,
  invalidConfig: 104,
  /** Stopped by a signal (SIGINT, SIGTERM): our own interruption. */
  externalAbort: 105,
  cannotStartRestApi: 106,
  scriptException: 107,
  /** The script called test.abort() (k6/execution), e.g. when the target refused it. */
  scriptAborted: 108,
  goPanic: 109,
} as const;

export interface K6ExitMeaning {
  /** A short name for messages: "thresholds failed", "script exception", ... */
  name: string;
  /** Whether the step's measurements can be used. */
  measured: boolean;
  /** Our exit code when this ends the run as an error; undefined when it is not an error. */
  error?: ExitCode;
}

const MEANINGS: Record<number, K6ExitMeaning> = {
  [K6Exit.ok]: { name: 'ok', measured: true },
  // Thresholds are the scenario's SLO checks: the step still measured what it measured.
  [K6Exit.thresholdsFailed]: { name: 'thresholds failed', measured: true },
  [K6Exit.externalAbort]: { name: 'interrupted', measured: false },
  [K6Exit.invalidConfig]: {
    name: 'invalid configuration',
    measured: false,
    error: ExitCode.badInput,
  },
  [K6Exit.scriptException]: { name: 'script exception', measured: false, error: ExitCode.failed },
  [K6Exit.scriptAborted]: { name: 'script aborted', measured: false, error: ExitCode.failed },
  [K6Exit.setupTimeout]: { name: 'setup timed out', measured: false, error: ExitCode.unreachable },
  [K6Exit.teardownTimeout]: { name: 'teardown timed out', measured: true },
  [K6Exit.genericTimeout]: { name: 'timed out', measured: false, error: ExitCode.unreachable },
  [K6Exit.stoppedFromRestApi]: { name: 'stopped through its REST API', measured: false },
  [K6Exit.cannotStartRestApi]: {
    name: 'cannot start its REST API',
    measured: false,
    error: ExitCode.unreachable,
  },
  [K6Exit.goPanic]: { name: 'crashed (Go panic)', measured: false, error: ExitCode.failed },
  [K6Exit.cloudTestRunFailed]: {
    name: 'cloud test run failed',
    measured: false,
    error: ExitCode.failed,
  },
  [K6Exit.cloudFailedToGetProgress]: {
    name: 'cloud progress failed',
    measured: false,
    error: ExitCode.unreachable,
  },
};

export function k6ExitMeaning(code: number | null): K6ExitMeaning {
  if (code === null) return { name: 'killed by a signal', measured: false };
  return (
    MEANINGS[code] ?? {
      name: `failed with exit code ${code}`,
      measured: false,
      error: ExitCode.failed,
    }
  );
}
