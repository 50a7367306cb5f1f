// Erlang B and C against textbook values: the Erlang B table, Gross & Harris's M/M/3 example,
// the call-centre example of 10 erlangs, and the M/M/1 sojourn time.
import { describe, expect, it } from 'vitest';
import {
  erlangB,
  erlangC,
  mmcMeanWait,
  mmcSojournQuantile,
  mmcSojournTail,
  mmcWaitQuantile,
} from '../../src/planner/erlang-c.js';

describe('Erlang B and C', () => {
  it('matches the Erlang B table: 10 lines carry 4.46 E at 1 % and 5.08 E at 2 % blocking', () => {
    expect(erlangB(10, 4.46)).toBeCloseTo(0.01, 3);
    expect(erlangB(10, 5.08)).toBeCloseTo(0.02, 3);
  });

  it('gives Gross & Harris’s M/M/3 (λ 6/h, μ 3/h): P(wait) 4/9, Wq 0.148 h, W 0.4815 h', () => {
    const q = { arrivalRate: 6, serviceTime: 1 / 3, servers: 3 };
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 12);
    expect(mmcMeanWait(q)).toBeCloseTo(0.1481481, 6);
    expect(mmcMeanWait(q) + q.serviceTime).toBeCloseTo(0.4814815, 6);
  });

  it('gives the call-centre figures for 10 erlangs (100 calls per 30 min, AHT 180 s)', () => {
    // Probability of waiting for 11–14 agents, and the share answered within 20 s.
    expect(erlangC(11, 10)).toBeCloseTo(0.6821, 4);
    expect(erlangC(12, 10)).toBeCloseTo(0.4494, 4);
    expect(erlangC(13, 10)).toBeCloseTo(0.2853, 4);
    expect(erlangC(14, 10)).toBeCloseTo(0.1741, 4);
    const serviceLevel = (agents: number) => {
      const q = { arrivalRate: 100 / 1800, serviceTime: 180, servers: agents };
      // P(Wq ≤ 20 s) = 1 − C·e^{−(cμ−λ)·20}: the wait quantile at that level is 20 s.
      const sl = 1 - erlangC(agents, 10) * Math.exp(-(agents / 180 - 100 / 1800) * 20);
      expect(mmcWaitQuantile(q, sl)).toBeCloseTo(20, 6);
      return sl;
    };
    expect(serviceLevel(13)).toBeCloseTo(0.796, 3);
    expect(serviceLevel(14)).toBeCloseTo(0.888, 3);
    // Average speed of answer with 14 agents: 7.8 s.
    expect(mmcMeanWait({ arrivalRate: 100 / 1800, serviceTime: 180, servers: 14 })).toBeCloseTo(
      7.8,
      1,
    );
  });

  it('gives the M/M/1 sojourn time, exponential with rate μ − λ, and its p95 ln(20)/(μ − λ)', () => {
    const q = { arrivalRate: 6, serviceTime: 0.1, servers: 1 }; // μ = 10
    expect(mmcSojournTail(q, 0.3)).toBeCloseTo(Math.exp(-4 * 0.3), 12);
    expect(mmcSojournQuantile(q, 0.95)).toBeCloseTo(Math.log(20) / 4, 9);
  });

  it('is continuous where the drain rate equals the service rate (θ = μ)', () => {
    const at = mmcSojournTail({ arrivalRate: 10, serviceTime: 0.1, servers: 2 }, 0.25);
    const near = mmcSojournTail({ arrivalRate: 10.000001, serviceTime: 0.1, servers: 2 }, 0.25);
    expect(at).toBeCloseTo(near, 5);
  });

  it('stays finite for large pools where factorials overflow', () => {
    const c = erlangC(500, 480);
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThan(1);
    expect(erlangC(520, 480)).toBeLessThan(c);
  });

  it('treats a saturated pool as always waiting, with an infinite wait', () => {
    expect(erlangC(2, 2)).toBe(1);
    expect(mmcMeanWait({ arrivalRate: 20, serviceTime: 0.1, servers: 2 })).toBe(Infinity);
    expect(mmcSojournQuantile({ arrivalRate: 25, serviceTime: 0.1, servers: 2 }, 0.95)).toBe(
      Infinity,
    );
  });
});
