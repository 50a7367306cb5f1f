// Confidence grades: strong fits inside the data are high; weak fits, extrapolation and
// assumptions lower the grade, each with its reason.
import { describe, expect, it } from 'vitest';
import type { UslFitSummary } from '../../src/core/plan-types.js';
import { grade } from '../../src/planner/confidence.js';

const fit = (r2: number, points: number, looMape: number | null) =>
  ({
    id: 'usl:order-wave',
    r2,
    looMape,
    points: Array.from({ length: points }),
  }) as unknown as UslFitSummary;

describe('confidence grade', () => {
  it('is high for a good fit with the forecast inside the measured range', () => {
    const c = grade({ fits: [fit(0.98, 7, 0.04)], extrapolation: 0.9 });
    expect(c.grade).toBe('high');
    expect(c.reasons.join(' ')).toMatch(/R² 0\.980 over 7 steps/);
  });

  it('drops to medium for a mediocre fit, few points or mild extrapolation', () => {
    expect(grade({ fits: [fit(0.9, 7, 0.04)] }).grade).toBe('medium');
    expect(grade({ fits: [fit(0.98, 5, 0.04)] }).grade).toBe('medium');
    expect(grade({ fits: [fit(0.98, 7, 0.04)], extrapolation: 1.5 }).grade).toBe('medium');
    expect(grade({ assumed: ['memory per worker'] }).reasons).toEqual([
      'assumed, not measured: memory per worker',
    ]);
  });

  it('drops to low for a weak fit, large held-out error or far extrapolation', () => {
    expect(grade({ fits: [fit(0.6, 7, 0.04)] }).grade).toBe('low');
    expect(grade({ fits: [fit(0.98, 7, 0.4)] }).grade).toBe('low');
    expect(grade({ fits: [fit(0.98, 7, 0.04)], extrapolation: 3 }).grade).toBe('low');
  });

  it('says so when no fit could be made', () => {
    const c = grade({ fits: [] });
    expect(c.grade).toBe('medium');
    expect(c.reasons[0]).toMatch(/no scalability fit/);
  });
});
