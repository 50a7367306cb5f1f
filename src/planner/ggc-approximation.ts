// The G/G/c correction of the M/M/c mean wait (Allen–Cunneen with Whitt's refinement), F15 in
// docs/capacity-model.md.
import { mmcMeanWait, type MmcQueue } from './erlang-c.js';

export interface GgcQueue extends MmcQueue {
  /** Squared coefficient of variation of inter-arrival times (1 for Poisson arrivals). */
  arrivalCv2: number;
  /** Squared coefficient of variation of service times (1 for exponential service). */
  serviceCv2: number;
}

/** Whitt's γ(m, ρ), capped at 0.24. */
function whittGamma(m: number, rho: number): number {
  return Math.min(0.24, ((1 - rho) * (m - 1) * (Math.sqrt(4 + 5 * m) - 2)) / (16 * m * rho));
}

function phi1(m: number, rho: number): number {
  return 1 + whittGamma(m, rho);
}

function phi3(m: number, rho: number): number {
  return (1 - 4 * whittGamma(m, rho)) * Math.exp((-2 * (1 - rho)) / (3 * rho));
}

function psi(scv: number, m: number, rho: number): number {
  if (scv >= 1) return 1;
  const phi4 = Math.min(1, (phi1(m, rho) + phi3(m, rho)) / 2);
  return phi4 ** (2 * (1 - scv));
}

/** Whitt's φ(ρ, c_a², c_s², m): 1 for M/M/m; it interpolates between the D and M cases. */
export function whittPhi(rho: number, ca2: number, cs2: number, m: number): number {
  const scv = (ca2 + cs2) / 2;
  if (ca2 === cs2) return psi(ca2, m, rho);
  if (ca2 > cs2) {
    const d = 4 * ca2 - 3 * cs2;
    return ((4 * (ca2 - cs2)) / d) * phi1(m, rho) + (cs2 / d) * psi(scv, m, rho);
  }
  if (ca2 === 0) return phi3(m, rho);
  const d = 2 * (ca2 + cs2);
  return ((cs2 - ca2) / d) * phi3(m, rho) + ((cs2 + 3 * ca2) / d) * psi(scv, m, rho);
}

/** E[Wq(G/G/c)] ≈ φ · ((c_a² + c_s²)/2) · E[Wq(M/M/c)] (F15); Infinity when unstable. */
export function ggcMeanWait(q: GgcQueue): number {
  const mmc = mmcMeanWait(q);
  if (!Number.isFinite(mmc) || mmc === 0) return mmc;
  const rho = (q.arrivalRate * q.serviceTime) / q.servers;
  const scv = (q.arrivalCv2 + q.serviceCv2) / 2;
  return whittPhi(rho, q.arrivalCv2, q.serviceCv2, q.servers) * scv * mmc;
}
