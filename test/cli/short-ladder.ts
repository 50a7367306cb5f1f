// The shortest ladder `run` accepts for a CLI test: real k6 and the contract probe, one order-wave
// step at 2 tx/s, a second of warm-up, no pool top-up (the probe's target has no pools).
import { PROBE_SCRIPT } from '../runner/helpers/k6.js';

export function shortLadderArgs(runsDir: string, id: string, hold = '2s'): string[] {
  return [
    'run',
    '--script',
    PROBE_SCRIPT,
    '--runs-dir',
    runsDir,
    '--id',
    id,
    '--class',
    'order-wave',
    '--rates',
    '2',
    '--warmup',
    '1s',
    '--hold',
    hold,
    '--sample-interval',
    '1s',
    '--no-seed',
  ];
}
