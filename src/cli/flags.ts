// The one parser for numeric and duration flags: a number, optionally an integer within bounds, a
// list of them, or a duration; a bad value is one BadInputError line naming the flag and what it got.
import { BadInputError } from '../core/errors.js';
import { parseDurationSeconds } from '../core/models/ladder.js';

export interface NumberRule {
  /** Whole numbers only, from `min` (default 0) to `max` (default Number.MAX_SAFE_INTEGER). */
  integer?: boolean;
  /** The smallest value allowed, inclusive. */
  min?: number;
  /** The largest value allowed, inclusive (integers only). */
  max?: number;
  /** Values must be greater than this (numbers only). */
  above?: number;
  /** What the number is, said before its bounds in the error, e.g. "MiB per worker". */
  what?: string;
}

function expected(rule: NumberRule): string {
  if (rule.integer)
    return `an integer from ${rule.min ?? 0} to ${rule.max ?? Number.MAX_SAFE_INTEGER}`;
  const prefix = rule.what ? `${rule.what}, ` : '';
  if (rule.above !== undefined) return `${prefix}a number > ${rule.above}`;
  if (rule.min !== undefined) return `${prefix}a number of ${rule.min} or more`;
  return `${prefix}a number`;
}

/** `raw` as a number that follows `rule`; `flag` names it in the error. */
export function numberFlag(flag: string, raw: string, rule: NumberRule = {}): number {
  const text = raw.trim();
  const value = Number(text);
  const ok = rule.integer
    ? /^\d+$/.test(text) &&
      value >= (rule.min ?? 0) &&
      value <= (rule.max ?? Number.MAX_SAFE_INTEGER)
    : text !== '' &&
      Number.isFinite(value) &&
      (rule.min === undefined || value >= rule.min) &&
      (rule.above === undefined || value > rule.above);
  if (!ok) throw new BadInputError(`${flag}: expected ${expected(rule)}, got "${raw}"`);
  return value;
}

/** `raw` as comma-separated numbers, each following `rule`; `flag` names it in the error. */
export function numberListFlag(flag: string, raw: string, rule: NumberRule = {}): number[] {
  try {
    return raw.split(',').map((item) => numberFlag(flag, item, rule));
  } catch {
    throw new BadInputError(
      `${flag}: expected comma-separated values, each ${expected(rule)}, got "${raw}"`,
      { hint: `For example ${flag} 2,4,8,16` },
    );
  }
}

/** `raw` as seconds: a k6 duration (90s, 1m30s, 2h) or a bare number of seconds. */
export function durationFlag(flag: string, raw: string): number {
  const seconds = parseDurationSeconds(raw);
  if (seconds === undefined)
    throw new BadInputError(`${flag}: expected a duration such as 60s, 1m30s or 2h, got "${raw}"`);
  return seconds;
}

/** --neighbour-degradation <database>=<fraction>, repeatable, as a map. */
export function parseDegradations(values: readonly string[] = []): Map<string, number> {
  const out = new Map<string, number>();
  for (const value of values) {
    const match = /^([^=]+)=(-?\d+(\.\d+)?)$/.exec(value);
    if (!match)
      throw new BadInputError(
        `--neighbour-degradation ${value}: expected <database>=<fraction>, e.g. lab=0.3 for +30 %`,
      );
    out.set(match[1]!, Number(match[2]));
  }
  return out;
}

/** Collects a repeatable flag's values. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
