// The words of `run`'s progress: a live line per step (rate, p95, errors, ETA) and a line when a
// step ends. Pure formatting; the CLI decides where and whether to print (autocannon's split).
import type { ClassStepStats, LadderSpec, StepJson } from '../core/run-types.js';
import type { StepTick } from './run-step.js';

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Seconds left in the ladder: the rest of this step, then every later step in full. */
export function etaSeconds(tick: StepTick, spec: LadderSpec): number {
  const perStep = spec.warmupSeconds + spec.holdSeconds;
  const later = spec.steps.length - tick.index;
  return Math.max(0, perStep - tick.elapsed) + later * perStep;
}

export function formatTick(tick: StepTick, spec: LadderSpec): string {
  const { live } = tick;
  const attempts = live.transactions + live.errors;
  return [
    `step ${tick.index}/${spec.steps.length} ${tick.label}`,
    `${tick.phase} ${duration(tick.elapsed)}/${duration(spec.warmupSeconds + spec.holdSeconds)}`,
    `${live.recentRate.toFixed(1)} tx/s`,
    `p95 ${live.p95Ms.toFixed(1)} ms`,
    `errors ${pct(attempts > 0 ? live.errors / attempts : 0)}`,
    `ETA ${duration(etaSeconds(tick, spec))}`,
  ].join(' · ');
}

export function formatStepEnd(step: StepJson, total: number): string {
  const classes = Object.entries(step.classes) as [string, ClassStepStats][];
  const parts = classes.map(
    ([cls, c]) =>
      `${cls} ${c.throughput.toFixed(2)} tx/s, p50 ${c.latency.transaction.p50.toFixed(1)} ms, p95 ${c.latency.transaction.p95.toFixed(1)} ms, errors ${pct(c.errors.rate)}, dropped ${c.droppedIterations}`,
  );
  const verdict = step.valid ? 'valid' : `INVALID: ${step.invalidReasons.join('; ')}`;
  return `step ${step.index}/${total} ${step.label}: ${parts.join(' | ') || 'no transactions'} [${verdict}]`;
}
