// The ladder driven in-process (as the demo does): the step preparation hook (pool top-up) runs
// before each step's load, and a failing preparation fails the run cleanly.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckFailedError } from '../../src/core/errors.js';
import { toLadderSpec } from '../../src/core/models/ladder.js';
import { readRunJson } from '../../src/core/run-dir.js';
import { Secret } from '../../src/core/secret.js';
import type { OdooTarget } from '../../src/core/target.js';
import { runLadder } from '../../src/runner/run-ladder.js';
import { PROBE_SCRIPT } from '../runner/helpers/k6.js';
import { startLoadTarget, type LoadTarget } from '../runner/helpers/load-target.js';

let runsDir: string;
let server: LoadTarget;
let target: OdooTarget;
const spec = toLadderSpec(
  { profile: 'stock-moves', steps: [2, 3], warmup: '1s', hold: '1s' },
  'test',
);
const control = () => ({
  interrupt: new AbortController().signal,
  kill: new AbortController().signal,
});

beforeAll(async () => {
  runsDir = await mkdtemp(join(tmpdir(), 'oc-ladder-'));
  server = await startLoadTarget({ password: 'ladder-pw-1' });
  target = {
    url: server.url,
    db: 'lab',
    user: 'admin',
    secret: new Secret('ladder-pw-1'),
    secretKind: 'password',
  };
});
afterAll(async () => {
  await server?.close();
  await rm(runsDir, { recursive: true, force: true });
});

describe('runLadder', () => {
  it('prepares each step before its load, in order, and passes its note on', async () => {
    const prepared: { label: string; callsSoFar: number }[] = [];
    const notes: string[] = [];
    const { run } = await runLadder({
      runsDir,
      id: 'prepared',
      spec,
      script: PROBE_SCRIPT,
      environment: {},
      target,
      control: control(),
      events: { onNote: (n) => notes.push(n) },
      prepareStep: async (step) => {
        prepared.push({ label: step.label, callsSoFar: server.calls });
        return `pools topped up for ${step.label}`;
      },
    });
    expect(run.status).toBe('complete');
    expect(prepared.map((p) => p.label)).toEqual(['rate-2', 'rate-3']);
    // Before step 1 nothing had loaded the target; before step 2, step 1 had.
    expect(prepared[0]!.callsSoFar).toBe(0);
    expect(prepared[1]!.callsSoFar).toBeGreaterThan(0);
    expect(notes).toContain('pools topped up for rate-3');
  });

  it('fails the run cleanly when a step cannot be prepared', async () => {
    const error = await runLadder({
      runsDir,
      id: 'unprepared',
      spec,
      script: PROBE_SCRIPT,
      environment: {},
      target,
      control: control(),
      prepareStep: async () => {
        throw new CheckFailedError('seed: orders need at least one product and one customer');
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckFailedError);
    const run = await readRunJson(join(runsDir, 'unprepared'));
    expect(run.status).toBe('failed');
    expect(run.stopReason).toEqual({
      kind: 'failed',
      detail: 'seed: orders need at least one product and one customer',
    });
    expect(await readdir(join(runsDir, 'unprepared', 'steps'))).toEqual([]);
  });
});
