// k6's duration strings ("90s", "5m", "1h30m", "500ms"), read and written in seconds.

const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
/** A whole k6 duration, for schemas that check the text. */
export const K6_DURATION = /^(?:\d+(?:\.\d+)?(?:ms|h|m|s))+$/;
const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/** Seconds in a k6 duration, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!K6_DURATION.test(trimmed)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART))
    seconds += Number(amount) * UNIT_SECONDS[unit!]!;
  return seconds;
}

/** A k6 duration for a number of seconds, in whole milliseconds. */
export function formatDuration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
