// The M/M/c queue: Erlang B and C, mean wait, wait quantile and the sojourn-time p95; rates per
// second, times in seconds (F11–F14 in docs/capacity-model.md).
import { bisect } from 'simple-statistics';

/** Erlang B by the recurrence B₀ = 1, Bₙ = a·Bₙ₋₁ / (n + a·Bₙ₋₁): no factorials, no overflow. */
export function erlangB(servers: number, offeredLoad: number): number {
  let b = 1;
  for (let n = 1; n <= servers; n++) b = (offeredLoad * b) / (n + offeredLoad * b);
  return b;
}

/** Probability that an arrival waits, C = cB / (c − a(1 − B)); 1 when the queue is unstable. */
export function erlangC(servers: number, offeredLoad: number): number {
  if (offeredLoad <= 0) return 0;
  if (offeredLoad >= servers) return 1;
  const b = erlangB(servers, offeredLoad);
  return (servers * b) / (servers - offeredLoad * (1 - b));
}

export interface MmcQueue {
  /** Arrival rate λ (per second). */
  arrivalRate: number;
  /** Mean service time E[S] = 1/μ (seconds). */
  serviceTime: number;
  servers: number;
}

export function utilisation({ arrivalRate, serviceTime, servers }: MmcQueue): number {
  return (arrivalRate * serviceTime) / servers;
}

/** θ = cμ − λ: the rate at which the queue drains; ≤ 0 means unstable. */
function drainRate(q: MmcQueue): number {
  return q.servers / q.serviceTime - q.arrivalRate;
}

/** E[Wq] = C/(cμ − λ) (F12); Infinity when unstable. */
export function mmcMeanWait(q: MmcQueue): number {
  const theta = drainRate(q);
  if (theta <= 0) return Infinity;
  return erlangC(q.servers, q.arrivalRate * q.serviceTime) / theta;
}

/** p-quantile of the wait in queue, max(0, ln(C/(1−p))/(cμ−λ)) (F13). */
export function mmcWaitQuantile(q: MmcQueue, p: number): number {
  const theta = drainRate(q);
  if (theta <= 0) return Infinity;
  const c = erlangC(q.servers, q.arrivalRate * q.serviceTime);
  return Math.max(0, Math.log(c / (1 - p)) / theta);
}

/** P(T > t) for the sojourn T = Wq + S with exponential S (F14). */
export function mmcSojournTail(q: MmcQueue, t: number): number {
  const mu = 1 / q.serviceTime;
  const theta = drainRate(q);
  if (theta <= 0) return 1;
  const c = erlangC(q.servers, q.arrivalRate * q.serviceTime);
  if (Math.abs(theta - mu) < 1e-12 * mu) return Math.exp(-mu * t) * (1 + c * mu * t);
  return Math.exp(-mu * t) + ((c * mu) / (theta - mu)) * (Math.exp(-mu * t) - Math.exp(-theta * t));
}

/** The p-quantile of the sojourn time, by bisection on F14. */
export function mmcSojournQuantile(q: MmcQueue, p: number): number {
  if (drainRate(q) <= 0) return Infinity;
  let hi = q.serviceTime;
  while (mmcSojournTail(q, hi) > 1 - p) hi *= 2;
  return bisect((t: number) => mmcSojournTail(q, t) - (1 - p), 0, hi, 200, hi * 1e-12);
}
