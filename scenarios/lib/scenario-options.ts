// Turns the workload, SLOs and OC_* overrides into k6 options: a scenario per class and thresholds
// from the SLOs. Pure, so load shapes are tested in Node.
import { formatDuration, parseDuration } from './duration.ts';
import { METRIC } from './metric-names.ts';
import type { LoadOverrides } from './scenario-env.ts';
import {
  TRANSACTION_CLASSES,
  WorkloadError,
  type ClassLoad,
  type LoadProfile,
  type Slo,
  type TransactionClass,
  type Workload,
} from './workload.ts';

/** The exported exec function of each class's module. */
export const EXEC_NAMES: Record<TransactionClass, string> = {
  'order-wave': 'orderWave',
  'stock-moves': 'stockMoves',
  'carrier-burst': 'carrierBurst',
  'month-end-billing': 'monthEndBilling',
};

/** An arrival profile in transactions/s: k6 ramps linearly from one target to the next. */
export interface ArrivalProfile {
  startRate: number;
  stages: { target: number; seconds: number }[];
}

interface ScenarioCommon {
  exec: string;
  tags: { class: TransactionClass };
  gracefulStop: string;
}

/** The three k6 executors the scenarios use, as k6's options spell them. */
export type K6Scenario = ScenarioCommon &
  (
    | { executor: 'constant-vus'; vus: number; duration: string }
    | {
        executor: 'constant-arrival-rate';
        rate: number;
        timeUnit: string;
        duration: string;
        preAllocatedVUs: number;
        maxVUs: number;
      }
    | {
        executor: 'ramping-arrival-rate';
        startRate: number;
        timeUnit: string;
        stages: { target: number; duration: string }[];
        preAllocatedVUs: number;
        maxVUs: number;
      }
  );

export type K6Threshold =
  string | { threshold: string; abortOnFail: boolean; delayAbortEval: string };

export interface K6OptionsPlan {
  scenarios: Record<string, K6Scenario>;
  thresholds: Record<string, K6Threshold[]>;
  summaryTrendStats: string[];
}

function seconds(text: string, field: string): number {
  const value = parseDuration(text);
  if (value === undefined || value <= 0) {
    throw new WorkloadError(`${field}: expected a k6 duration such as 30s or 5m, got "${text}"`);
  }
  return value;
}

/** Cuts a profile at `total` seconds, interpolating the target of the stage it cuts. */
function truncate(profile: ArrivalProfile, total: number): ArrivalProfile {
  const stages: ArrivalProfile['stages'] = [];
  let elapsed = 0;
  let previous = profile.startRate;
  for (const stage of profile.stages) {
    if (elapsed + stage.seconds >= total) {
      const fraction = (total - elapsed) / stage.seconds;
      stages.push({
        target: previous + (stage.target - previous) * fraction,
        seconds: total - elapsed,
      });
      return { startRate: profile.startRate, stages };
    }
    stages.push(stage);
    elapsed += stage.seconds;
    previous = stage.target;
  }
  return { startRate: profile.startRate, stages };
}

/** Spikes of a second's ramp up, the spike, a second's ramp down, then the base rate until the next. */
function burstProfile(cls: string, load: ClassLoad, total: number): ArrivalProfile {
  const { peakRate, spikeSeconds: spike, periodSeconds: period } = load.burst!;
  if (period < spike + 3) {
    throw new WorkloadError(
      `classes.${cls}.burst.periodSeconds: must exceed spikeSeconds by at least 3 (1 s ramps)`,
    );
  }
  const cycle = [
    { target: load.rate, seconds: period - spike - 2 },
    { target: peakRate, seconds: 1 },
    { target: peakRate, seconds: spike },
    { target: load.rate, seconds: 1 },
  ];
  const cycles = Math.ceil(total / period);
  return truncate(
    { startRate: load.rate, stages: Array.from({ length: cycles }, () => cycle).flat() },
    total,
  );
}

/** The class's arrivals over `total` seconds: constant, its stages stretched to fit, or bursts. */
export function arrivalProfile(cls: string, load: ClassLoad, total: number): ArrivalProfile {
  if (load.burst) return burstProfile(cls, load, total);
  if (load.stages && load.stages.length > 0) {
    const lengths = load.stages.map((s, i) =>
      seconds(s.duration, `classes.${cls}.stages[${i}].duration`),
    );
    const stretch = total / lengths.reduce((a, b) => a + b, 0);
    return {
      startRate: load.rate,
      stages: load.stages.map((s, i) => ({ target: s.rate, seconds: lengths[i]! * stretch })),
    };
  }
  return { startRate: load.rate, stages: [{ target: load.rate, seconds: total }] };
}

/** Time-weighted mean arrival rate of a profile (linear ramps). */
export function meanRate(profile: ArrivalProfile): number {
  let area = 0;
  let time = 0;
  let previous = profile.startRate;
  for (const { target, seconds: s } of profile.stages) {
    area += ((previous + target) / 2) * s;
    time += s;
    previous = target;
  }
  return time === 0 ? profile.startRate : area / time;
}

function isConstant(profile: ArrivalProfile): boolean {
  return profile.stages.every((s) => s.target === profile.startRate);
}

/**
 * k6 takes whole arrivals per timeUnit: express fractional rates per 10, 100 or 1000 s
 * (k6 spaces arrivals evenly, so 3 per 10s is exactly 0.3/s).
 */
function perTimeUnit(rates: number[]): { unit: number; scale: (rate: number) => number } {
  for (const unit of [1, 10, 100, 1000]) {
    if (rates.every((r) => Math.abs(r * unit - Math.round(r * unit)) < 1e-6)) {
      return { unit, scale: (r) => Math.round(r * unit) };
    }
  }
  return { unit: 1000, scale: (r) => Math.round(r * 1000) };
}

/** The mean rate of each class in the workload, as modelled (before overrides). */
function modelledRate(cls: TransactionClass, workload: Workload): number {
  const load = workload.classes[cls];
  return meanRate(arrivalProfile(cls, load, seconds(load.duration, `classes.${cls}.duration`)));
}

/**
 * One class's k6 scenario. `share` is its part of a peak-mix total given by OC_RATE or OC_VUS
 * (1 for a single class).
 */
export function classScenario(
  cls: TransactionClass,
  workload: Workload,
  overrides: LoadOverrides,
  share = 1,
): K6Scenario {
  const load = workload.classes[cls];
  const hold = overrides.durationSeconds ?? seconds(load.duration, `classes.${cls}.duration`);
  const total = hold + (overrides.warmupSeconds ?? 0);
  const common = { exec: EXEC_NAMES[cls], tags: { class: cls }, gracefulStop: '30s' };
  if ((overrides.executor ?? load.executor) === 'closed') {
    const vus =
      overrides.vus === undefined ? load.vus : Math.max(1, Math.round(overrides.vus * share));
    return { executor: 'constant-vus', vus, duration: formatDuration(total), ...common };
  }
  let profile = arrivalProfile(cls, load, total);
  let factor = 1;
  if (overrides.rate !== undefined) {
    factor = (overrides.rate * share) / meanRate(profile);
    profile = {
      startRate: profile.startRate * factor,
      stages: profile.stages.map((s) => ({ target: s.target * factor, seconds: s.seconds })),
    };
  }
  // More arrivals need more VUs in flight; the model's VU counts are for its own rates.
  const vus = {
    preAllocatedVUs: Math.max(1, Math.ceil(load.preAllocatedVUs * Math.max(1, factor))),
    maxVUs: Math.max(1, Math.ceil(load.maxVUs * Math.max(1, factor))),
  };
  const { unit, scale } = perTimeUnit([profile.startRate, ...profile.stages.map((s) => s.target)]);
  if (isConstant(profile)) {
    return {
      executor: 'constant-arrival-rate',
      rate: Math.max(1, scale(profile.startRate)),
      timeUnit: `${unit}s`,
      duration: formatDuration(total),
      ...vus,
      ...common,
    };
  }
  return {
    executor: 'ramping-arrival-rate',
    startRate: scale(profile.startRate),
    timeUnit: `${unit}s`,
    stages: profile.stages.map((s) => ({
      target: scale(s.target),
      duration: formatDuration(s.seconds),
    })),
    ...vus,
    ...common,
  };
}

/** SLO thresholds per class over the hold phase, and the abort guard over everything. */
export function thresholds(
  classes: readonly TransactionClass[],
  slo: Slo,
): K6OptionsPlan['thresholds'] {
  const result: K6OptionsPlan['thresholds'] = {};
  for (const cls of classes) {
    const { p95Ms, p99Ms, maxErrorRate } = slo.classes[cls];
    const selector = `{class:${cls},phase:hold}`;
    result[`${METRIC.transactionDuration}${selector}`] = [
      `p(95)<${p95Ms}`,
      ...(p99Ms === undefined ? [] : [`p(99)<${p99Ms}`]),
    ];
    result[`${METRIC.transactionFailed}${selector}`] = [`rate<${maxErrorRate}`];
  }
  result[METRIC.transactionFailed] = [
    {
      threshold: `rate<${slo.abort.maxErrorRate}`,
      abortOnFail: true,
      delayAbortEval: formatDuration(seconds(slo.abort.after, 'abort.after')),
    },
  ];
  return result;
}

/** k6 options for a class file or for peak-mix (all four classes, each its own scenario). */
export function planOptions(
  profile: LoadProfile,
  workload: Workload,
  slo: Slo,
  overrides: LoadOverrides,
): K6OptionsPlan {
  const classes: readonly TransactionClass[] =
    profile === 'peak-mix' ? TRANSACTION_CLASSES : [profile];
  const closed = (cls: TransactionClass): boolean =>
    (overrides.executor ?? workload.classes[cls].executor) === 'closed';
  // OC_RATE splits over the open classes by modelled rate; OC_VUS over the closed ones by VUs.
  const weight = (cls: TransactionClass): number =>
    closed(cls) ? workload.classes[cls].vus : modelledRate(cls, workload);
  const totalOf = (isClosed: boolean): number =>
    classes.filter((c) => closed(c) === isClosed).reduce((sum, c) => sum + weight(c), 0);
  const totals = { open: totalOf(false), closed: totalOf(true) };
  const scenarios: Record<string, K6Scenario> = {};
  for (const cls of classes) {
    const share = weight(cls) / (closed(cls) ? totals.closed : totals.open);
    scenarios[cls] = classScenario(cls, workload, overrides, share);
  }
  return {
    scenarios,
    thresholds: thresholds(classes, slo),
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
  };
}
