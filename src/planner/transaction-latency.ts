// The latency quantile of a business transaction of several calls, each of which may wait for
// an Odoo worker (F13, F15; with one call and exponential service, exactly F14) [derived].
import jstat from 'jstat';
import { bisect } from 'simple-statistics';
import { erlangC } from './erlang-c.js';
import { ggcMeanWait, type GgcQueue } from './ggc-approximation.js';

export interface TransactionShape {
  /** Mean service time of the whole transaction at low load (seconds). */
  serviceMean: number;
  /** Its squared coefficient of variation ((stddev/mean)²). */
  serviceCv2: number;
  /** XML-RPC calls per transaction, each queueing for a worker. */
  calls: number;
}

const GRID = 400;

/** P(sum of k independent call waits > u). */
function waitSumTail(k: number, pWait: number, rate: number, u: number): number {
  if (u < 0) return 1;
  let tail = 0;
  for (let j = 1; j <= k; j++) {
    // Σ of j exponential waits is Erlang(j, rate): P(> u) = e^{−x} Σ_{i<j} xⁱ/i!.
    const x = rate * u;
    let term = 1;
    let sum = 1;
    for (let i = 1; i < j; i++) {
      term *= x / i;
      sum += term;
    }
    tail += jstat.binomial.pdf(j, k, pWait) * Math.exp(-x) * sum;
  }
  return tail;
}

/** P(T > t) for a transaction through the queue. */
export function transactionSojournTail(q: GgcQueue, tx: TransactionShape, t: number): number {
  const meanWait = ggcMeanWait(q);
  if (!Number.isFinite(meanWait)) return 1;
  const k = Math.max(1, Math.round(tx.calls));
  const pWait = erlangC(q.servers, q.arrivalRate * q.serviceTime);
  const rate = pWait > 0 && meanWait > 0 ? pWait / meanWait : Infinity;
  const waits = (u: number) =>
    rate === Infinity ? (u < 0 ? 1 : 0) : waitSumTail(k, pWait, rate, u);
  if (tx.serviceCv2 < 1e-6) return t < tx.serviceMean ? 1 : waits(t - tx.serviceMean);
  const shape = 1 / tx.serviceCv2;
  const scale = tx.serviceMean * tx.serviceCv2;
  const cdf = (s: number) => jstat.gamma.cdf(s, shape, scale);
  // E[P(W > t − S); S ≤ t] as a Stieltjes sum over the service-time CDF: robust where the
  // gamma density is infinite at 0 (c_s² > 1).
  let tail = 1 - cdf(t);
  let previous = 0;
  for (let i = 1; i <= GRID; i++) {
    const s = (t * i) / GRID;
    const current = cdf(s);
    tail += (current - previous) * waits(t - (s - t / (2 * GRID)));
    previous = current;
  }
  return Math.min(1, tail);
}

/** The p-quantile of the transaction latency (seconds), by bisection; Infinity when unstable. */
export function transactionLatencyQuantile(q: GgcQueue, tx: TransactionShape, p: number): number {
  if (!Number.isFinite(ggcMeanWait(q))) return Infinity;
  let hi = Math.max(tx.serviceMean, q.serviceTime);
  while (transactionSojournTail(q, tx, hi) > 1 - p) hi *= 2;
  return bisect((t: number) => transactionSojournTail(q, tx, t) - (1 - p), 0, hi, 100, hi * 1e-7);
}
