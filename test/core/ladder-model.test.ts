// models/ladders/*.yaml and the run flags: validated once into a LadderSpec, with the hard caps
// checked before anything runs, and errors naming the file, line and field.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import {
  loadLadder,
  parseDurationSeconds,
  plannedSeconds,
  toLadderSpec,
} from '../../src/core/models/ladder.js';

const LADDERS = join(import.meta.dirname, '..', '..', 'models', 'ladders');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oc-ladder-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function ladderFile(text: string): Promise<string> {
  const file = join(dir, `l${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, text);
  return file;
}

describe('ladder model', () => {
  it('reads every shipped ladder in models/ladders', async () => {
    const files = (await readdir(LADDERS)).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const spec = await loadLadder(join(LADDERS, f));
      expect(spec.steps.length).toBeGreaterThan(0);
      expect(plannedSeconds(spec)).toBeLessThanOrEqual(spec.caps.maxSeconds);
    }
  });

  it('turns numbers into rate steps with labels, durations into seconds, and fills defaults', () => {
    const spec = toLadderSpec(
      { profile: 'order-wave', steps: [2, 4.5], hold: '1m30s', warmup: '10s' },
      'flags',
    );
    expect(spec.model).toBe('open');
    expect(spec.steps).toEqual([
      { label: 'rate-2', rate: 2 },
      { label: 'rate-4.5', rate: 4.5 },
    ]);
    expect(spec.holdSeconds).toBe(90);
    expect(spec.warmupSeconds).toBe(10);
    expect(spec.segments).toBe(1);
    expect(spec.stopAt).toEqual({ p50Factor: 2, maxDroppedFraction: 0.01 });
    expect(spec.caps.maxErrorRate).toBe(0.05);
  });

  it('closed ladders take whole VU counts', () => {
    const spec = toLadderSpec(
      { profile: 'stock-moves', model: 'closed', steps: [1, 2], hold: 30 },
      'f',
    );
    expect(spec.steps).toEqual([
      { label: 'vus-1', vus: 1 },
      { label: 'vus-2', vus: 2 },
    ]);
    expect(() =>
      toLadderSpec({ profile: 'stock-moves', model: 'closed', steps: [1.5], hold: 30 }, 'f'),
    ).toThrow(/f: steps\[0\]: vus must be a whole number/);
  });

  it('refuses a step over the rate cap, naming the step and the cap', () => {
    expect(() =>
      toLadderSpec(
        { profile: 'order-wave', steps: [2, 80], hold: 10, caps: { maxRate: 50 } },
        'x.yaml',
      ),
    ).toThrow('x.yaml: steps[1]: rate 80/s is over the cap maxRate 50/s');
  });

  it('refuses a ladder longer than its duration cap', () => {
    expect(() =>
      toLadderSpec(
        {
          profile: 'order-wave',
          steps: [1, 2, 3],
          warmup: '10s',
          hold: '50s',
          caps: { maxDuration: '2m' },
        },
        'x.yaml',
      ),
    ).toThrow(/lasts 180s .* over the cap maxDuration 120s/);
  });

  it('refuses duplicate labels', () => {
    expect(() =>
      toLadderSpec(
        {
          profile: 'order-wave',
          steps: [
            { rate: 1, label: 'a' },
            { rate: 2, label: 'a' },
          ],
          hold: 5,
        },
        'f',
      ),
    ).toThrow('f: steps[1]: label a appears twice');
  });

  it('names the file, line and field of a malformed duration', async () => {
    const file = await ladderFile('profile: order-wave\nsteps: [1, 2]\nhold: one minute\n');
    const error = await loadLadder(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(new RegExp(`^${file}:3: hold: expected a duration`));
  });

  it('names an unknown profile', async () => {
    const file = await ladderFile('profile: black-friday\nsteps: [1]\nhold: 10s\n');
    await expect(loadLadder(file)).rejects.toThrow(new RegExp(`^${file}:1: profile:`));
  });

  it('reads k6-style durations', () => {
    expect(parseDurationSeconds('90s')).toBe(90);
    expect(parseDurationSeconds('1m30s')).toBe(90);
    expect(parseDurationSeconds('2h')).toBe(7200);
    expect(parseDurationSeconds('500ms')).toBe(0.5);
    expect(parseDurationSeconds('45')).toBe(45);
    expect(parseDurationSeconds(12)).toBe(12);
    expect(parseDurationSeconds('1m30')).toBeUndefined();
    expect(parseDurationSeconds('soon')).toBeUndefined();
    expect(parseDurationSeconds(-1)).toBeUndefined();
  });
});
