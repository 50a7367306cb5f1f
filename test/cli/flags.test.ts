// The one parser of numeric flags: what it takes, and the one line naming the flag when it refuses.
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import {
  durationFlag,
  numberFlag,
  numberListFlag,
  parseDegradations,
} from '../../src/cli/flags.js';

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('numberFlag', () => {
  it('takes integers within bounds, spaces around them included', () => {
    expect(numberFlag('--port', ' 8069 ', { integer: true, min: 1, max: 65535 })).toBe(8069);
    expect(numberFlag('--stock', '0', { integer: true })).toBe(0);
  });

  it('refuses fractions, signs, words and values out of bounds of an integer flag', () => {
    for (const raw of ['2.5', '-1', '+3', 'two', '', '65536', '0'])
      expect(refusal(() => numberFlag('--port', raw, { integer: true, min: 1, max: 65535 }))).toBe(
        `--port: expected an integer from 1 to 65535, got "${raw}"`,
      );
  });

  it('takes any finite number, bounded below when asked', () => {
    expect(numberFlag('--peak-factor', '-1.5')).toBe(-1.5);
    expect(numberFlag('--cost-scale', '0', { min: 0 })).toBe(0);
    expect(numberFlag('--working-set-mib', '380', { above: 0 })).toBe(380);
  });

  it('says what the number is and its bound when it refuses', () => {
    expect(refusal(() => numberFlag('--days', 'x'))).toBe('--days: expected a number, got "x"');
    expect(refusal(() => numberFlag('--days', 'Infinity'))).toBe(
      '--days: expected a number, got "Infinity"',
    );
    expect(refusal(() => numberFlag('--cost-scale', '-0.1', { min: 0 }))).toBe(
      '--cost-scale: expected a number of 0 or more, got "-0.1"',
    );
    expect(
      refusal(() => numberFlag('--working-set-mib', '0', { above: 0, what: 'MiB per worker' })),
    ).toBe('--working-set-mib: expected MiB per worker, a number > 0, got "0"');
  });
});

describe('numberListFlag', () => {
  it('takes comma-separated numbers, each checked by the rule', () => {
    expect(numberListFlag('--rates', '2, 4.5,8', { above: 0 })).toEqual([2, 4.5, 8]);
    expect(numberListFlag('--vus', '1,2', { integer: true, min: 1 })).toEqual([1, 2]);
  });

  it('refuses the whole list in one line naming the flag when one value is bad', () => {
    for (const raw of ['2,,4', '2,0', 'x', '', '2;4'])
      expect(refusal(() => numberListFlag('--rates', raw, { above: 0 }))).toBe(
        `--rates: expected comma-separated values, each a number > 0, got "${raw}"`,
      );
    expect(refusal(() => numberListFlag('--vus', '1,2.5', { integer: true, min: 1 }))).toBe(
      '--vus: expected comma-separated values, each an integer from 1 to 9007199254740991, got "1,2.5"',
    );
  });
});

describe('durationFlag', () => {
  it('takes k6 durations and bare seconds', () => {
    expect(durationFlag('--hold', '90s')).toBe(90);
    expect(durationFlag('--hold', '1m30s')).toBe(90);
    expect(durationFlag('--max-duration', '2h')).toBe(7200);
    expect(durationFlag('--warmup', ' 2.5 ')).toBe(2.5);
    expect(durationFlag('--warmup', '500ms')).toBe(0.5);
  });

  it('refuses anything else in one line naming the flag', () => {
    for (const raw of ['x', '', '60 s', '-5s', '1d'])
      expect(refusal(() => durationFlag('--hold', raw))).toBe(
        `--hold: expected a duration such as 60s, 1m30s or 2h, got "${raw}"`,
      );
  });
});

describe('parseDegradations', () => {
  it('maps each database to its fraction, the last value of a database winning', () => {
    expect([...parseDegradations(['lab=0.3', 'b=-0.1', 'lab=0.4'])]).toEqual([
      ['lab', 0.4],
      ['b', -0.1],
    ]);
  });

  it('refuses a value without a database or a number', () => {
    expect(refusal(() => parseDegradations(['lab']))).toMatch(/^--neighbour-degradation lab: /);
    expect(refusal(() => parseDegradations(['lab=x']))).toMatch(/expected <database>=<fraction>/);
  });
});
