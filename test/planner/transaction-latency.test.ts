// The business-transaction latency quantile: it must reduce to the M/M/c sojourn quantile (F14)
// for one exponential call, to the service quantile at no load, and grow with calls and load.
import jstat from 'jstat';
import { describe, expect, it } from 'vitest';
import { mmcSojournQuantile, mmcWaitQuantile } from '../../src/planner/erlang-c.js';
import {
  transactionLatencyQuantile,
  transactionSojournTail,
} from '../../src/planner/transaction-latency.js';

const exponentialQueue = (arrivalRate: number, servers: number) => ({
  arrivalRate,
  serviceTime: 0.2,
  servers,
  arrivalCv2: 1,
  serviceCv2: 1,
});

describe('transaction latency through the worker queue', () => {
  it('is the M/M/c sojourn p95 for one call with exponential service', () => {
    const q = exponentialQueue(12, 3); // ρ = 0.8
    const tx = { serviceMean: 0.2, serviceCv2: 1, calls: 1 };
    expect(transactionLatencyQuantile(q, tx, 0.95)).toBeCloseTo(mmcSojournQuantile(q, 0.95), 3);
  });

  it('is the service-time quantile when nobody waits', () => {
    const q = exponentialQueue(1e-9, 4);
    const tx = { serviceMean: 0.1, serviceCv2: 1, calls: 3 };
    // Exponential service: p95 = mean · ln 20.
    expect(transactionLatencyQuantile(q, tx, 0.95)).toBeCloseTo(0.1 * Math.log(20), 4);
    const gammaTx = { serviceMean: 0.3, serviceCv2: 0.25, calls: 2 };
    expect(transactionLatencyQuantile(q, gammaTx, 0.95)).toBeCloseTo(
      jstat.gamma.inv(0.95, 4, 0.075),
      4,
    );
  });

  it('adds the wait quantile to a constant service time', () => {
    const q = exponentialQueue(12, 3);
    const tx = { serviceMean: 0.5, serviceCv2: 0, calls: 1 };
    expect(transactionLatencyQuantile(q, tx, 0.95)).toBeCloseTo(0.5 + mmcWaitQuantile(q, 0.95), 6);
  });

  it('grows with the number of calls that queue and with the load', () => {
    const tx = (calls: number) => ({ serviceMean: 0.4, serviceCv2: 0.5, calls });
    const q = exponentialQueue(12, 3);
    expect(transactionLatencyQuantile(q, tx(3), 0.95)).toBeGreaterThan(
      transactionLatencyQuantile(q, tx(1), 0.95),
    );
    expect(transactionLatencyQuantile(exponentialQueue(14, 3), tx(2), 0.95)).toBeGreaterThan(
      transactionLatencyQuantile(q, tx(2), 0.95),
    );
  });

  it('is a proper tail: 1 at zero, falling to 0', () => {
    const q = exponentialQueue(12, 3);
    const tx = { serviceMean: 0.3, serviceCv2: 2, calls: 2 };
    expect(transactionSojournTail(q, tx, 0)).toBeCloseTo(1, 9);
    expect(transactionSojournTail(q, tx, 0.5)).toBeGreaterThan(transactionSojournTail(q, tx, 1));
    expect(transactionSojournTail(q, tx, 60)).toBeLessThan(1e-6);
  });

  it('is infinite when the pool cannot keep up', () => {
    const tx = { serviceMean: 0.3, serviceCv2: 1, calls: 2 };
    expect(transactionLatencyQuantile(exponentialQueue(16, 3), tx, 0.95)).toBe(Infinity);
  });
});
