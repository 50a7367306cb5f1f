// Splitting one load level between N k6 processes with execution segments, as k6-operator does
// between pods, so together they run exactly the iterations one process would.

function fraction(k: number, n: number): string {
  return k === 0 ? '0' : k === n ? '1' : `${k}/${n}`;
}

export function executionSequence(count: number): string {
  return Array.from({ length: count + 1 }, (_, k) => fraction(k, count)).join(',');
}

export function executionSegment(index: number, count: number): string {
  return `${fraction(index, count)}:${fraction(index + 1, count)}`;
}

/** k6 arguments for segment index (0-based) of count; none when there is one process. */
export function segmentArgs(index: number, count: number): string[] {
  if (count <= 1) return [];
  return [
    '--execution-segment',
    executionSegment(index, count),
    '--execution-segment-sequence',
    executionSequence(count),
  ];
}
