// Execution segments split a step between processes as k6-operator splits it between pods.
import { describe, expect, it } from 'vitest';
import {
  executionSegment,
  executionSequence,
  segmentArgs,
} from '../../src/runner/execution-segments.js';

describe('execution segments', () => {
  it('one process runs the whole step without segment flags', () => {
    expect(segmentArgs(0, 1)).toEqual([]);
  });

  it('N processes get contiguous segments of one sequence covering 0 to 1', () => {
    expect(executionSequence(3)).toBe('0,1/3,2/3,1');
    expect([0, 1, 2].map((i) => executionSegment(i, 3))).toEqual(['0:1/3', '1/3:2/3', '2/3:1']);
    expect(segmentArgs(1, 2)).toEqual([
      '--execution-segment',
      '1/2:1',
      '--execution-segment-sequence',
      '0,1/2,1',
    ]);
  });
});
