// The G/G/c correction: it must reduce to Erlang C for M/M/c and to Pollaczek–Khinchine for M/D/1,
// and variability must lengthen waits.
import { describe, expect, it } from 'vitest';
import { mmcMeanWait } from '../../src/planner/erlang-c.js';
import { ggcMeanWait, whittPhi } from '../../src/planner/ggc-approximation.js';

describe('G/G/c mean wait (Allen–Cunneen with Whitt’s φ)', () => {
  it('is the M/M/c wait when arrivals and service are exponential', () => {
    const q = { arrivalRate: 6, serviceTime: 1 / 3, servers: 3, arrivalCv2: 1, serviceCv2: 1 };
    expect(whittPhi(2 / 3, 1, 1, 3)).toBe(1);
    expect(ggcMeanWait(q)).toBeCloseTo(mmcMeanWait(q), 12);
  });

  it('is Pollaczek–Khinchine’s ρ/(2μ(1−ρ)) for M/D/1', () => {
    const q = { arrivalRate: 8, serviceTime: 0.1, servers: 1, arrivalCv2: 1, serviceCv2: 0 };
    expect(ggcMeanWait(q)).toBeCloseTo(0.8 / (2 * 10 * 0.2), 12);
  });

  it('grows with service variability and with burstier arrivals', () => {
    const base = { arrivalRate: 30, serviceTime: 0.2, servers: 8 };
    const smooth = ggcMeanWait({ ...base, arrivalCv2: 1, serviceCv2: 0.25 });
    const exponential = ggcMeanWait({ ...base, arrivalCv2: 1, serviceCv2: 1 });
    const heavy = ggcMeanWait({ ...base, arrivalCv2: 1, serviceCv2: 4 });
    const bursty = ggcMeanWait({ ...base, arrivalCv2: 3, serviceCv2: 1 });
    expect(smooth).toBeLessThan(exponential);
    expect(exponential).toBeLessThan(heavy);
    expect(exponential).toBeLessThan(bursty);
  });

  it('is infinite for an unstable pool', () => {
    const q = { arrivalRate: 50, serviceTime: 0.2, servers: 8, arrivalCv2: 1, serviceCv2: 1 };
    expect(ggcMeanWait(q)).toBe(Infinity);
  });
});
