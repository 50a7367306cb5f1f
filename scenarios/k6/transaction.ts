// One business transaction: a k6 group named after it, its whole duration, and its failure
// tagged by cause. Every request in it carries the phase (warmup or hold) of its iteration.
import { group } from 'k6';
import exec from 'k6/execution';
import { CallFailure } from '../lib/call-failure.ts';
import {
  faults,
  retryableFaults,
  transactionDuration,
  transactionFailed,
  transactions,
} from './metrics.ts';
import { scenarioEnv } from './scenario-env.ts';

const warmupMs = (scenarioEnv.overrides.warmupSeconds ?? 0) * 1000;
const LOGGED_FAILURES_PER_VU = 5;
let loggedFailures = 0;

function record(name: string, error: unknown): void {
  const failure =
    error instanceof CallFailure ? error : new CallFailure('other', name, String(error));
  faults.add(1, { fault: failure.tag });
  if (failure.tag === 'concurrency') retryableFaults.add(1);
  if (loggedFailures++ < LOGGED_FAILURES_PER_VU) {
    console.warn(`${exec.scenario.name}: ${name}: ${failure.message}`);
  }
}

/** Runs `body` as the transaction `name`; true when it completed. */
export function transaction(name: string, body: () => void): boolean {
  exec.vu.metrics.tags.phase = Date.now() - exec.scenario.startTime < warmupMs ? 'warmup' : 'hold';
  let ok = false;
  group(name, () => {
    const start = Date.now();
    try {
      body();
      ok = true;
      transactionDuration.add(Date.now() - start);
      transactions.add(1);
    } catch (error) {
      record(name, error);
    }
    transactionFailed.add(!ok);
  });
  return ok;
}
