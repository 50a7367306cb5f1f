// The USL fit against published fits: codahale/usl (Schwartz's measurements, SPEC SDM91) and the
// R usl package (raytracer, where the bound κ ≥ 0 is active), and recovery from noisy data.
import { describe, expect, it } from 'vitest';
import { ExitCode, OcError } from '../../src/core/errors.js';
import { fitUsl, linearisedUsl } from '../../src/planner/usl-fit.js';
import { uslThroughput } from '../../src/planner/usl.js';

const pairs = (rows: number[][]) => rows.map(([n, x]) => ({ n: n!, x: x! }));

// codahale/usl model_test.go (from Schwartz, "Practical Scalability Analysis with the USL").
const schwartz = [
  955.16, 1878.91, 2688.01, 3548.68, 4315.54, 5130.43, 5931.37, 6531.08, 7219.8, 7867.61, 8278.71,
  8646.7, 9047.84, 9426.55, 9645.37, 9897.24, 10097.6, 10240.5, 10532.39, 10798.52, 11151.43,
  11518.63, 11806, 12089.37, 12075.41, 12177.29, 12211.41, 12158.93, 12155.27, 12118.04, 12140.4,
  12074.39,
].map((x, i) => ({ n: i + 1, x }));

// SPEC SDM91 on a Sun SPARCcenter 2000 (GCaP; codahale/usl README and cmd/usl/example.csv).
const specsdm91 = pairs([
  [1, 65],
  [18, 996],
  [36, 1652],
  [72, 1853],
  [108, 1829],
  [144, 1775],
  [216, 1702],
]);

// Ray tracer on an SGI Origin 2000 (GCaP Table 5.1; R usl dataset `raytracer`).
const raytracer = pairs([
  [1, 20],
  [4, 78],
  [8, 130],
  [12, 170],
  [16, 190],
  [20, 200],
  [24, 210],
  [28, 230],
  [32, 260],
  [48, 280],
  [64, 310],
]);

function relative(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** Small deterministic PRNG (mulberry32) so the noisy-data test is reproducible. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fitUsl', () => {
  it('recovers codahale’s coefficients for Schwartz’s measurements', () => {
    const fit = fitUsl(schwartz);
    expect(relative(fit.coefficients.sigma, 0.02671591)).toBeLessThan(1e-4);
    expect(relative(fit.coefficients.kappa, 7.690945e-4)).toBeLessThan(1e-4);
    expect(relative(fit.coefficients.lambda, 995.6486)).toBeLessThan(1e-4);
    expect(fit.nStar).toBe(35);
    expect(relative(fit.xMax!, 12341.745415132369)).toBeLessThan(1e-4);
    expect(fit.constraint).toBe('contention');
    expect(fit.warnings).toEqual([]);
  });

  it('recovers codahale’s SPEC SDM91 model: σ 0.0277299, κ 0.000104343, N* 96', () => {
    const fit = fitUsl(specsdm91);
    expect(relative(fit.coefficients.sigma, 0.0277299)).toBeLessThan(2e-4);
    expect(relative(fit.coefficients.kappa, 0.000104343)).toBeLessThan(2e-4);
    expect(relative(fit.coefficients.lambda, 89.9878)).toBeLessThan(2e-4);
    expect(fit.nStar).toBe(96);
    expect(relative(fit.xMax!, 1883.76)).toBeLessThan(1e-4);
  });

  it('holds κ at its bound 0 where an unconstrained fit would go negative (R usl, raytracer)', () => {
    const fit = fitUsl(raytracer);
    // R usl tests/confint.Rout.save: alpha 0.0578, beta 0.0000, gamma 21.8488.
    expect(fit.coefficients.kappa).toBe(0);
    expect(fit.coefficients.sigma).toBeCloseTo(0.0578, 4);
    expect(fit.coefficients.lambda).toBeCloseTo(21.8488, 3);
    expect(fit.nStar).toBeNull();
    expect(fit.constraint).toBe('limitless');
    // R's confint is coef ± SE·qt(0.95, n−1), a one-sided quantile: its published
    // bounds give the standard errors, which must match ours.
    const q = 1.812461122811676; // qt(0.95, 10)
    expect(fit.standardErrors.sigma).toBeCloseTo((0.081864 - 0.033677) / 2 / q, 4);
    expect(fit.standardErrors.kappa).toBeCloseTo((0.000214 + 0.000214) / 2 / q, 5);
    expect(fit.standardErrors.lambda).toBeCloseTo((25.829306 - 17.86838) / 2 / q, 2);
    // Our interval is the two-sided 95 % one: t(0.975, n−3) = 2.306 for 11 points.
    const half = (fit.interval95.sigma[1] - fit.interval95.sigma[0]) / 2;
    expect(half / fit.standardErrors.sigma).toBeCloseTo(2.306, 3);
  });

  it('recovers known coefficients from synthetic measurements with 3 % noise', () => {
    const truth = { sigma: 0.04, kappa: 0.002, lambda: 120 };
    let covered = 0;
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    for (const seed of seeds) {
      const random = rng(seed);
      const data = [1, 2, 4, 6, 8, 12, 16, 20, 24, 32].map((n) => ({
        n,
        x: uslThroughput(truth, n) * (1 + 0.03 * (2 * random() - 1)),
      }));
      const fit = fitUsl(data);
      // A least-squares fit is never worse than the truth on the data it was given.
      const sse = (c: typeof truth) =>
        data.reduce((s, p) => s + (p.x - uslThroughput(c, p.n)) ** 2, 0);
      expect(sse(fit.coefficients)).toBeLessThanOrEqual(sse(truth) * (1 + 1e-9));
      expect(relative(fit.coefficients.lambda, truth.lambda)).toBeLessThan(0.1);
      expect(Math.abs(fit.nStar! - 21)).toBeLessThanOrEqual(3); // true N* = ⌊√(0.96/0.002)⌋ = 21
      expect(fit.r2).toBeGreaterThan(0.98);
      expect(fit.looMape!).toBeLessThan(0.05);
      const inside = (k: 'sigma' | 'kappa' | 'lambda') =>
        fit.interval95[k][0] <= truth[k] && truth[k] <= fit.interval95[k][1];
      if (inside('sigma') && inside('kappa') && inside('lambda')) covered++;
    }
    // 95 % intervals: with 10 seeds, at least 8 should cover all three true values.
    expect(covered).toBeGreaterThanOrEqual(8);
  });

  it('starts from Gunther’s linearisation, which is exact on noise-free data with X(1)', () => {
    const truth = { sigma: 0.03, kappa: 0.0005, lambda: 50 };
    const data = [1, 2, 4, 8, 16, 32].map((n) => ({ n, x: uslThroughput(truth, n) }));
    const start = linearisedUsl(data);
    expect(start.sigma).toBeCloseTo(0.03, 10);
    expect(start.kappa).toBeCloseTo(0.0005, 12);
    expect(start.lambda).toBe(50);
  });

  it('refuses fewer than 4 points with a bad-input error naming the data', () => {
    const attempt = () => fitUsl(specsdm91.slice(0, 3), { source: 'lab.csv' });
    expect(attempt).toThrow(OcError);
    expect(attempt).toThrow(/^lab\.csv: .*at least 4 points/);
    try {
      attempt();
    } catch (error) {
      expect((error as OcError).exitCode).toBe(ExitCode.badInput);
    }
  });

  it('warns under 6 points and still fits', () => {
    const fit = fitUsl(specsdm91.slice(0, 5));
    expect(fit.warnings.some((w) => /only 5 points/.test(w))).toBe(true);
    expect(fit.looMape).not.toBeNull();
  });

  it('flags superlinear efficiency as suspect data', () => {
    const fit = fitUsl(
      pairs([
        [1, 10],
        [2, 30],
        [4, 44],
        [8, 70],
        [16, 90],
      ]),
    );
    expect(fit.warnings.some((w) => /efficiency/.test(w))).toBe(true);
  });
});
