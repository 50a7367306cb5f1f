// Month-end billing's posting collisions as the report shows them: the finding, collisions per
// step against billing concurrency, and the cap's grounds; from the plan's finding only.
import type { BillingConcurrencyCap, PlanJson } from '../core/plan-types.js';
import { ground, type Ground } from './grounds.js';
import { percent, roundMeasure } from './round.js';
import { yesNo, type Table } from './table.js';

export interface PostingCollisionSection {
  /** What the collisions say about billing concurrency. */
  finding: string[];
  /** Invoicing batches to run at once at most; null when the data set no cap. */
  batchesAtOnce: number | null;
  table: Table;
  ground: Ground;
}

const at = (n: number) => `N ≈ ${roundMeasure(n)}`;

/** Whole batches that keep the measured in-flight billing at or under the cap (one at least). */
function batchesUnder(cap: number): number {
  return Math.max(1, Math.floor(cap));
}

const batches = (n: number) => (n === 1 ? 'one invoicing batch' : `${n} invoicing batches`);

function findingSentences(f: BillingConcurrencyCap): string[] {
  const limit = `${percent(f.maxCollisionRate)} %`;
  const first = f.steps.find((s) => s.overLimit);
  const crossing = first
    ? `at ${at(first.concurrency)} (step ${first.step.label}) ${percent(first.collisionRate)} % of posting attempts collided${first.invoicesUnposted > 0 ? ` and ${first.invoicesUnposted} invoices were left unposted` : ''}`
    : '';
  const forecast =
    f.forecastConcurrency === null
      ? []
      : [
          `The forecast peak keeps about ${at(f.forecastConcurrency)} billing transactions in flight${f.exceedsCap ? ', above the cap: run fewer, larger invoicing batches at once, or expect retries and unposted invoices' : ''}.`,
        ];
  switch (f.status) {
    case 'capped':
      return [
        `Posting collisions cap month-end billing at ${at(f.cap!)} invoicing transactions in flight: up to there collisions stayed within ${limit} of posting attempts; ${crossing}. Run at most ${batches(batchesUnder(f.cap!))} at once.`,
        ...forecast,
      ];
    case 'over-limit-throughout':
      return [
        `Posting collisions passed ${limit} of posting attempts already at the lowest billing concurrency measured: ${crossing}. Run invoicing batches one at a time, or measure lower concurrency to find the cap.`,
        ...forecast,
      ];
    case 'within-limit':
      return [
        `${f.collisions === 1 ? '1 posting collision' : `${f.collisions} posting collisions`} in ${f.attempts} attempts, within ${limit} at every billing concurrency measured up to ${at(f.maxMeasured)}: these runs set no cap.`,
        ...forecast,
      ];
    case 'no-collisions':
      return [
        `No posting collision in ${f.attempts} attempts up to ${at(f.maxMeasured)} billing transactions in flight: these runs set no cap.`,
        ...forecast,
      ];
  }
}

export function postingCollisionSection(plan: PlanJson): PostingCollisionSection | null {
  const f = plan.postingCollisions;
  if (!f) return null;
  return {
    finding: findingSentences(f),
    batchesAtOnce: f.cap === null ? null : batchesUnder(f.cap),
    table: {
      id: 'posting-collisions',
      title: 'month-end-billing: posting collisions per step',
      columns: [
        { key: 'step', label: 'step' },
        { key: 'valid', label: 'valid' },
        { key: 'concurrency', label: 'billing concurrency N', numeric: true },
        { key: 'attempts', label: 'posting attempts', numeric: true },
        { key: 'collisions', label: 'collisions', numeric: true },
        { key: 'collisionRate', label: 'collision rate (%)', numeric: true },
        { key: 'posted', label: 'invoices posted', numeric: true },
        { key: 'unposted', label: 'invoices unposted', numeric: true },
        { key: 'overLimit', label: 'over the limit' },
      ],
      rows: f.steps.map((s) => ({
        step: s.step.label,
        valid: yesNo(s.valid),
        concurrency: roundMeasure(s.concurrency),
        attempts: s.attempts,
        collisions: s.collisions,
        collisionRate: percent(s.collisionRate),
        posted: s.invoicesPosted,
        unposted: s.invoicesUnposted,
        overLimit: yesNo(s.overLimit),
      })),
      note: `Ordered by billing concurrency (${f.steps.some((s) => s.concurrencySource === 'vus') ? 'VUs for closed steps, ' : ''}Little’s law N = X·R for open steps). The limit: collisions at most ${percent(f.maxCollisionRate)} % of posting attempts, and no invoice left unposted. A collision is retried by the billing job and is not an error; every step is shown, counted by the runner or not.`,
    },
    ground: ground('month-end billing concurrency', f),
  };
}

/** The executive summary's line when the forecast peak needs more billing than the cap. */
export function postingCollisionToAdd(plan: PlanJson): string[] {
  const f = plan.postingCollisions;
  if (!f || !f.exceedsCap || f.cap === null) return [];
  return [
    `Month-end billing: at most ${batches(batchesUnder(f.cap))} at once (posting collisions cap billing at ${at(f.cap)}; the forecast peak needs about ${at(f.forecastConcurrency!)}), with larger batches to keep the invoice rate.`,
  ];
}
