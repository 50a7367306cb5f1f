// Month-end billing's posting collisions as a finding: the billing concurrency up to which
// colliding action_post calls stay rare (docs/capacity-model.md, section 10). Pure.
import type {
  BillingCapStatus,
  BillingConcurrencyCap,
  ConfidenceGrade,
  PostingCollisionStep,
} from '../core/plan-types.js';
import { grade } from './confidence.js';
import { stepRef } from './measurements.js';
import { concurrencyOf, type RunOnDisk } from '../core/run-types.js';

const CLASS = 'month-end-billing';

/**
 * The collision rate taken as acceptable: one posting attempt in twenty. Each collision costs
 * its batch a backoff and another post, which the billing job's bounded retries absorb.
 */
export const MAX_COLLISION_RATE = 0.05;

/** Collisions at the first step over the limit below which that crossing is counting noise. */
const FEW_COLLISIONS = 3;
/** Posting attempts at the cap's step below which "within the limit" says little. */
const FEW_ATTEMPTS = 30;

export function postingCollisionSteps(
  runs: readonly RunOnDisk[],
  maxCollisionRate = MAX_COLLISION_RATE,
): PostingCollisionStep[] {
  return runs
    .flatMap((run) =>
      run.steps.flatMap((s) => {
        const stats = s.step.classes[CLASS];
        const posting = stats?.posting;
        if (!stats || !posting || posting.attempts === 0) return [];
        return [
          {
            step: stepRef(run, s),
            valid: s.step.valid,
            concurrency: concurrencyOf(s.step, stats),
            concurrencySource:
              s.step.load.model === 'closed' ? ('vus' as const) : ('littles' as const),
            attempts: posting.attempts,
            collisions: posting.collisions,
            collisionRate: posting.collisions / posting.attempts,
            invoicesPosted: posting.invoicesPosted,
            invoicesUnposted: posting.invoicesUnposted,
            overLimit:
              posting.collisions / posting.attempts > maxCollisionRate ||
              posting.invoicesUnposted > 0,
          },
        ];
      }),
    )
    .sort((a, b) => a.concurrency - b.concurrency);
}

function statusOf(steps: readonly PostingCollisionStep[], cap: number | null): BillingCapStatus {
  if (steps.every((s) => s.collisions === 0 && s.invoicesUnposted === 0)) return 'no-collisions';
  if (!steps.some((s) => s.overLimit)) return 'within-limit';
  return cap === null ? 'over-limit-throughout' : 'capped';
}

const collisions = (k: number) => (k === 1 ? '1 collision' : `${k} collisions`);
const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;
const n = (x: number) => Math.round(x * 100) / 100;

/**
 * The cap on billing concurrency the runs support, or null when no step posted invoices. The cap
 * is the highest concurrency measured within the limit below the lowest one over it: steps
 * within the limit above that crossing do not raise it (the crossing is what was measured).
 */
export interface BillingForecast {
  /** The forecast peak's billing rate, transactions/s. */
  rate: number;
  /** Mean billing transaction time at low load, seconds. */
  meanSeconds: number;
}

export function billingConcurrencyCap(
  runs: readonly RunOnDisk[],
  forecast?: BillingForecast,
  maxCollisionRate = MAX_COLLISION_RATE,
): BillingConcurrencyCap | null {
  const steps = postingCollisionSteps(runs, maxCollisionRate);
  if (steps.length === 0) return null;
  const firstOver = steps.find((s) => s.overLimit);
  const below = firstOver
    ? steps.filter((s) => !s.overLimit && s.concurrency < firstOver.concurrency)
    : [];
  const capStep = below.at(-1);
  const cap = capStep?.concurrency ?? null;
  const status = statusOf(steps, cap);
  const sum = (key: 'attempts' | 'collisions' | 'invoicesPosted' | 'invoicesUnposted') =>
    steps.reduce((t, s) => t + s[key], 0);
  const maxMeasured = steps.at(-1)!.concurrency;

  const caps: { grade: ConfidenceGrade; reason: string }[] = [];
  const reasons: string[] = [];
  if (steps.length < 2)
    caps.push({ grade: 'low', reason: 'one step posted invoices: no concurrency to compare' });
  else if (steps.length < 3)
    caps.push({ grade: 'medium', reason: `only ${steps.length} steps posted invoices` });
  if (firstOver) {
    const crossing = `${collisions(firstOver.collisions)} in ${firstOver.attempts} posting attempts at N=${n(firstOver.concurrency)} (${firstOver.step.label})`;
    if (firstOver.invoicesUnposted > 0)
      reasons.push(`${crossing}, ${firstOver.invoicesUnposted} invoices left unposted`);
    else if (firstOver.collisions < FEW_COLLISIONS)
      caps.push({ grade: 'medium', reason: `${crossing}: few enough to be chance` });
    else reasons.push(crossing);
    if (!firstOver.valid)
      caps.push({
        grade: 'medium',
        reason: `the limit was crossed at ${firstOver.step.label}, a step the runner did not count`,
      });
  }
  if (capStep && capStep.attempts < FEW_ATTEMPTS)
    caps.push({
      grade: 'medium',
      reason: `the cap rests on ${capStep.attempts} posting attempts at ${capStep.step.label}`,
    });
  if (!firstOver) {
    if (sum('attempts') < FEW_ATTEMPTS)
      caps.push({ grade: 'medium', reason: `only ${sum('attempts')} posting attempts measured` });
    else
      reasons.push(
        `${collisions(sum('collisions'))} in ${sum('attempts')} posting attempts up to N=${n(maxMeasured)}, none over the limit`,
      );
  }
  const confidence = grade({ caps });
  confidence.reasons.unshift(...reasons);

  const inputs: Record<string, number> = {
    maxCollisionRate,
    postingAttempts: sum('attempts'),
    postingCollisions: sum('collisions'),
    invoicesPosted: sum('invoicesPosted'),
    invoicesUnposted: sum('invoicesUnposted'),
    maxMeasuredConcurrency: maxMeasured,
  };
  if (cap !== null) inputs.capConcurrency = cap;
  // Little's law at the forecast peak (F10): the invoicing transactions that rate keeps in flight.
  const forecastConcurrency = forecast ? forecast.rate * forecast.meanSeconds : null;
  if (forecast && forecastConcurrency !== null) {
    inputs.forecastBillingRate = forecast.rate;
    inputs.billingMeanSeconds = forecast.meanSeconds;
    inputs.forecastConcurrency = forecastConcurrency;
  }
  if (firstOver) {
    inputs.firstOverLimitConcurrency = firstOver.concurrency;
    inputs.firstOverLimitCollisionRate = firstOver.collisionRate;
  }
  return {
    class: CLASS,
    maxCollisionRate,
    steps,
    status,
    cap,
    firstOverLimit: firstOver?.concurrency ?? null,
    maxMeasured,
    forecastConcurrency,
    exceedsCap: cap !== null && forecastConcurrency !== null && forecastConcurrency > cap,
    attempts: sum('attempts'),
    collisions: sum('collisions'),
    invoicesPosted: sum('invoicesPosted'),
    invoicesUnposted: sum('invoicesUnposted'),
    evidence: {
      steps: steps.map((s) => s.step),
      fits: [],
      inputs,
      formulas: forecast || steps.some((s) => s.concurrencySource === 'littles') ? ['F10'] : [],
    },
    assumptions: [
      `a collision rate up to ${pct(maxCollisionRate)} of posting attempts is acceptable: each collision costs its batch a backoff and another post, which the billing job retries; invoices left unposted never are`,
      'billing concurrency is the number of invoicing transactions in flight: VUs for closed steps, Little’s law N = X·R for open ones',
      'on Odoo 16 and 17 posting collides when a journal has no numbered entry yet in the period (its first draft is numbered at creation): a run on a journal that already posted in the period shows fewer collisions than the first days of a month',
      'steps the runner did not count are used here too: a collision is measured whatever the step’s latency or errors',
      ...(forecast
        ? [
            'the forecast peak keeps forecast rate × low-load transaction time billing transactions in flight (Little’s law); queueing at the peak would keep more',
          ]
        : []),
    ],
    confidence,
  };
}
