// How many digits the report shows: every derived number is rounded once, here, and a load test
// does not pretend to five significant digits (GCaP).

/** Three significant digits below 100, whole numbers above: 0.0123, 1.23, 12.3, 123, 1234. */
export function roundMeasure(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  if (value === 0) return 0;
  return Number(value.toPrecision(3));
}

/** A ratio as a percentage with one decimal: 0.01234 → 1.2. */
export function percent(ratio: number): number {
  return Math.round(ratio * 1000) / 10;
}

/** Money: whole units. */
export function money(value: number): number {
  return Math.round(value);
}

/** Relative change in percent, one decimal; undefined when there is no base. */
export function changePct(before: number, after: number): number | undefined {
  if (before === 0) return undefined;
  return percent((after - before) / Math.abs(before));
}
