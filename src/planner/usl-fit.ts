// Fits the USL to (N, X) measurements by bounded nonlinear least squares, with standard errors,
// R², leave-one-out error, N* and X_max (F6–F9 in docs/capacity-model.md).
import jstat from 'jstat';
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { Matrix, pseudoInverse } from 'ml-matrix';
import { BadInputError } from '../core/errors.js';
import type {
  StepRef,
  UslCoefficientName,
  UslCoefficients,
  UslFitSummary,
  UslPoint,
} from '../core/plan-types.js';
import {
  uslConstraint,
  uslDenominator,
  uslMaxThroughput,
  uslPeakConcurrency,
  uslThroughput,
} from './usl.js';

export interface UslMeasurement {
  n: number;
  x: number;
  step?: StepRef | null;
  /** Transactions counted in the step's window, when the point comes from a run. */
  transactions?: number | null;
}

export interface UslFitOptions {
  id?: string;
  scope?: UslFitSummary['scope'];
  concurrencySource?: UslFitSummary['concurrencySource'];
  /** Names the data in errors ("data.csv", "order-wave"). */
  source?: string;
}

export const USL_MIN_POINTS = 4;
export const USL_RECOMMENDED_POINTS = 6;

interface RawFit {
  coefficients: UslCoefficients;
  sse: number;
}

/**
 * Gunther's linearisation (GCaP §5.5): with C = X(N)/X(1), x = N−1 and y = N/C − 1,
 * y = κx² + (σ+κ)x has no intercept. Solved by its 2×2 normal equations. Without a point at
 * N = 1, X(1) is estimated as max(X/N), as codahale and R do for their start values.
 */
export function linearisedUsl(points: readonly UslMeasurement[]): UslCoefficients {
  const atOne = points.find((p) => p.n === 1);
  const x1 = atOne ? atOne.x : Math.max(...points.map((p) => p.x / p.n));
  let s4 = 0;
  let s3 = 0;
  let s2 = 0;
  let s2y = 0;
  let s1y = 0;
  for (const p of points) {
    const xv = p.n - 1;
    const yv = p.n / (p.x / x1) - 1;
    s4 += xv ** 4;
    s3 += xv ** 3;
    s2 += xv ** 2;
    s2y += xv ** 2 * yv;
    s1y += xv * yv;
  }
  const det = s4 * s2 - s3 * s3;
  if (!(Math.abs(det) > 1e-12 * Math.max(1, s4 * s2)))
    return { sigma: 0.1, kappa: 0.01, lambda: x1 };
  const a = (s2y * s2 - s3 * s1y) / det; // κ
  const b = (s4 * s1y - s3 * s2y) / det; // σ + κ
  return { sigma: clamp(b - a, 0, 1), kappa: clamp(a, 0, 1), lambda: x1 };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Number.isFinite(v) ? v : lo));
}

/** ∂X/∂σ = −λN(N−1)/D², ∂X/∂κ = −λN²(N−1)/D², ∂X/∂λ = N/D (F8). */
function gradient(c: UslCoefficients, n: number): [number, number, number] {
  const d = uslDenominator(c, n);
  return [(-c.lambda * n * (n - 1)) / d ** 2, (-c.lambda * n * n * (n - 1)) / d ** 2, n / d];
}

function sse(c: UslCoefficients, points: readonly UslMeasurement[]): number {
  return points.reduce((s, p) => s + (p.x - uslThroughput(c, p.n)) ** 2, 0);
}

type Free = readonly ['sigma' | null, 'kappa' | null];

/**
 * One bounded Levenberg–Marquardt run. σ and κ are rescaled by the largest N (σ·N, κ·N²) so the
 * three parameters move on comparable scales; the library's identity damping assumes that.
 * A parameter left out of `free` is held at 0: the faces of the box the solver may stall on.
 */
function runLm(
  points: readonly UslMeasurement[],
  start: UslCoefficients,
  free: Free,
): UslCoefficients {
  const nMax = Math.max(...points.map((p) => p.n), 1);
  const scale = { sigma: nMax, kappa: nMax * nMax };
  const names = [...free.filter((f) => f !== null), 'lambda'] as UslCoefficientName[];
  const toCoefficients = (params: number[]): UslCoefficients => {
    const c: UslCoefficients = { sigma: 0, kappa: 0, lambda: 0 };
    names.forEach((name, i) => {
      c[name] = name === 'lambda' ? params[i]! : params[i]! / scale[name];
    });
    return c;
  };
  const result = levenbergMarquardt(
    { x: points.map((p) => p.n), y: points.map((p) => p.x) },
    (params: number[]) => (n: number) => uslThroughput(toCoefficients(params), n),
    {
      initialValues: names.map((name) =>
        name === 'lambda' ? start.lambda : start[name] * scale[name],
      ),
      minValues: names.map(() => 0),
      maxValues: names.map((name) => (name === 'lambda' ? 1e9 : scale[name])),
      maxIterations: 150,
      errorTolerance: 1e-16,
      improvementThreshold: 1e-6,
      jacobianFunction: (params: number[]) => (n: number) => {
        const g = gradient(toCoefficients(params), n);
        return names.map((name) =>
          name === 'lambda' ? g[2] : name === 'sigma' ? g[0] / scale.sigma : g[1] / scale.kappa,
        );
      },
    },
  );
  return toCoefficients(result.parameterValues);
}

/**
 * Bounded least squares (R usl "port"): the interior problem from several starts, plus the
 * faces κ = 0 (Amdahl) and σ = 0, keeping the smallest error. The data is scaled so X peaks at 1.
 */
function solve(points: readonly UslMeasurement[]): RawFit {
  const top = Math.max(...points.map((p) => p.x));
  const scaled = points.map((p) => ({ n: p.n, x: p.x / top }));
  const lin = linearisedUsl(scaled);
  const lambda0 = Math.max(...scaled.map((p) => p.x / p.n));
  const starts: UslCoefficients[] = [
    lin,
    { sigma: 0.1, kappa: 0.01, lambda: lambda0 }, // codahale and R nls start values (F7)
  ];
  const faces: Free[] = [
    ['sigma', 'kappa'],
    ['sigma', null],
    [null, 'kappa'],
  ];
  let best: RawFit | null = null;
  for (const start of starts)
    for (const free of faces) {
      const c = runLm(scaled, start, free);
      const candidate = { coefficients: c, sse: sse(c, scaled) };
      if (best === null || candidate.sse < best.sse) best = candidate;
    }
  const c = best!.coefficients;
  const coefficients = { sigma: c.sigma, kappa: c.kappa, lambda: c.lambda * top };
  return { coefficients, sse: sse(coefficients, points) };
}

function standardErrors(
  c: UslCoefficients,
  points: readonly UslMeasurement[],
  residualSse: number,
): UslCoefficients {
  const df = points.length - 3;
  if (df <= 0) return { sigma: NaN, kappa: NaN, lambda: NaN };
  const g = new Matrix(points.map((p) => gradient(c, p.n)));
  const cov = pseudoInverse(g.transpose().mmul(g)).mul(residualSse / df);
  const se = (i: number) => Math.sqrt(Math.max(0, cov.get(i, i)));
  return { sigma: se(0), kappa: se(1), lambda: se(2) };
}

function checkPoints(points: readonly UslMeasurement[], source: string): void {
  for (const p of points) {
    if (!(Number.isFinite(p.n) && p.n > 0) || !(Number.isFinite(p.x) && p.x > 0))
      throw new BadInputError(
        `${source}: USL points need concurrency > 0 and throughput > 0; got N=${p.n}, X=${p.x}`,
      );
  }
  const levels = new Set(points.map((p) => p.n)).size;
  if (points.length < USL_MIN_POINTS || levels < 3)
    throw new BadInputError(
      `${source}: a USL fit needs at least ${USL_MIN_POINTS} points at 3 or more concurrency levels; got ${points.length} points at ${levels}`,
      { hint: 'Run a longer ladder: 6 or more load levels, including some past the knee.' },
    );
}

/** Leave-one-out: refit without each point and predict it; mean absolute percentage error. */
function leaveOneOut(points: readonly UslMeasurement[]): { predictions: number[]; mape: number } {
  const predictions = points.map((p, i) => {
    const rest = points.filter((_, j) => j !== i);
    return uslThroughput(solve(rest).coefficients, p.n);
  });
  const mape =
    predictions.reduce((s, pred, i) => s + Math.abs(pred - points[i]!.x) / points[i]!.x, 0) /
    points.length;
  return { predictions, mape };
}

function sampleCurve(c: UslCoefficients, maxN: number, nStar: number | null) {
  const top = Math.max(2 * maxN, nStar === null ? 0 : 1.2 * nStar);
  const samples = 60;
  return Array.from({ length: samples + 1 }, (_, i) => {
    const n = (top * i) / samples;
    return { n, x: uslThroughput(c, n) };
  });
}

export function fitUsl(
  measurements: readonly UslMeasurement[],
  options: UslFitOptions = {},
): UslFitSummary {
  const source = options.source ?? 'USL data';
  checkPoints(measurements, source);
  const points = [...measurements].sort((a, b) => a.n - b.n);
  const { coefficients, sse: residual } = solve(points);
  const mean = points.reduce((s, p) => s + p.x, 0) / points.length;
  const sst = points.reduce((s, p) => s + (p.x - mean) ** 2, 0);
  const r2 = sst > 0 ? 1 - residual / sst : 1;
  const se = standardErrors(coefficients, points, residual);
  const t = points.length > 3 ? jstat.studentt.inv(0.975, points.length - 3) : NaN;
  const interval = (k: UslCoefficientName): [number, number] => [
    coefficients[k] - t * se[k],
    coefficients[k] + t * se[k],
  ];
  const loo = points.length > USL_MIN_POINTS ? leaveOneOut(points) : null;
  const nStar = uslPeakConcurrency(coefficients);
  const maxMeasuredN = Math.max(...points.map((p) => p.n));

  const warnings: string[] = [];
  if (points.length < USL_RECOMMENDED_POINTS)
    warnings.push(
      `only ${points.length} points: ${USL_RECOMMENDED_POINTS} or more load levels make σ and κ trustworthy`,
    );
  // Below N = 1 (fractional Little's-law concurrency) the efficiency ratio has no meaning.
  const superlinear = points.filter((p) => p.n >= 1 && p.x / (p.n * coefficients.lambda) > 1.05);
  if (superlinear.length > 0)
    warnings.push(
      `efficiency X/(N·λ) above 1 at N=${superlinear.map((p) => round(p.n)).join(', ')}: superlinear scaling or bad data (F9)`,
    );
  if (nStar !== null && nStar > 2 * maxMeasuredN)
    warnings.push(
      `N*=${nStar} is more than twice the largest measured concurrency (${round(maxMeasuredN)}): extrapolated`,
    );
  if (coefficients.kappa === 0)
    warnings.push('κ = 0: no retrograde region was measured; include load levels past the knee');

  const pointsOut: UslPoint[] = points.map((p, i) => ({
    n: p.n,
    x: p.x,
    fitted: uslThroughput(coefficients, p.n),
    looPredicted: loo ? loo.predictions[i]! : null,
    step: p.step ?? null,
    transactions: p.transactions ?? null,
  }));

  return {
    id: options.id ?? 'usl:input',
    scope: options.scope ?? 'mix',
    concurrencySource: options.concurrencySource ?? 'input',
    points: pointsOut,
    coefficients,
    standardErrors: se,
    interval95: { sigma: interval('sigma'), kappa: interval('kappa'), lambda: interval('lambda') },
    r2,
    looMape: loo ? loo.mape : null,
    nStar,
    xMax: uslMaxThroughput(coefficients),
    constraint: uslConstraint(coefficients),
    maxMeasuredN,
    curve: sampleCurve(coefficients, maxMeasuredN, nStar),
    warnings,
  };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
