// `workload compare`: two derive.json side by side, through the CLI as a user runs it.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DerivedComparison } from '../../src/derive/compare.js';
import { writeSyntheticRun } from '../fixtures/report/synthetic-run.js';
import { cleanEnv, hasStackTrace, runCli } from '../helpers/cli.js';

/** A derive.json with an order-wave busy hour of `perHour` and growth `growth` %/month. */
function evidence(start: string, perHour: number, growth: number, zipfS: number) {
  const cls = (derived: boolean) => ({ derived });
  return {
    schemaVersion: 1,
    window: {
      start,
      end: start,
      days: 90,
      timezone: 'UTC',
      growth: { startMonth: start, months: 12 },
    },
    classes: {
      'order-wave': {
        derived: true,
        arrivals: { busyHour: { dayOfWeek: 1, hour: 10, perHour, ratePerSecond: perHour / 3600 } },
        growth: { percentPerMonth: growth, months: 12 },
      },
      'stock-moves': cls(false),
      'carrier-burst': cls(false),
      'month-end-billing': cls(false),
    },
    orderWave: { productSkew: { s: zipfS, products: 500, lines: 1e6 } },
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oc-derive-compare-'));
  await writeFile(join(dir, 'q3.json'), JSON.stringify(evidence('2026-07-01', 3600, 2, 1)));
  await writeFile(join(dir, 'q4.json'), JSON.stringify(evidence('2026-10-01', 4500, 3, 1.2)));
  await writeFile(join(dir, 'junk.json'), '{"schemaVersion": 1}');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('workload compare', () => {
  it('puts last quarter beside this one, with the change', async () => {
    const r = await runCli(
      ['workload', 'compare', join(dir, 'q3.json'), join(dir, 'q4.json'), '--json'],
      cleanEnv(),
    );
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as DerivedComparison;
    const rate = c.rows.find((x) => x.what === 'order-wave busy-hour rate (tx/s)')!;
    expect(rate).toMatchObject({ before: 1, after: 1.25 });
    expect(rate.change).toBeCloseTo(0.25, 12);
    expect(c.rows.find((x) => x.what === 'order-wave product skew (Zipf s)')!.change).toBeCloseTo(
      0.2,
      12,
    );
    const md = await runCli(
      ['workload', 'compare', join(dir, 'q3.json'), join(dir, 'q4.json')],
      cleanEnv(),
    );
    expect(md.stdout).toContain('| order-wave busy-hour rate (tx/s) | 1 | 1.25 | +25 % |');
    expect(md.stdout).not.toContain('carrier-burst peak rate');
  });

  it('names a file that is not a derive.json, exit 2', async () => {
    const r = await runCli(
      ['workload', 'compare', join(dir, 'junk.json'), join(dir, 'q4.json')],
      cleanEnv(),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('junk.json: not a derive.json');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe('report --compare with derived workloads', () => {
  it('adds the derived workloads side by side when both runs hold a derive.json', async () => {
    // The fixture's two quarters: q2 last quarter, q3 this one.
    const q3 = await writeSyntheticRun(dir, 'q2');
    const q4 = await writeSyntheticRun(dir, 'q3');
    const plain = join(dir, 'plain');
    const before = await runCli(
      ['report', '--run', q4, '--compare', q3, '--out', plain],
      cleanEnv(),
    );
    expect(before.code, before.stderr).toBe(0);
    expect(await readFile(join(plain, 'report.md'), 'utf8')).not.toContain('Derived workload');
    await copyFile(join(dir, 'q3.json'), join(q3, 'derive.json'));
    await copyFile(join(dir, 'q4.json'), join(q4, 'derive.json'));
    const out = join(dir, 'derived');
    const r = await runCli(['report', '--run', q4, '--compare', q3, '--out', out], cleanEnv());
    expect(r.code, r.stderr).toBe(0);
    const md = await readFile(join(out, 'report.md'), 'utf8');
    expect(md).toContain('## Derived workload: the earlier run beside this one');
    expect(md).toContain('| order-wave busy-hour rate (tx/s) | 1 | 1.25 | +25 % |');
    expect(await readFile(join(out, 'report.html'), 'utf8')).toMatch(
      /<section id="derived-workload">[\s\S]*<td>order-wave busy-hour rate \(tx\/s\)<\/td>/,
    );
    const json = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as {
      derivedWorkload: DerivedComparison;
    };
    expect(json.derivedWorkload.rows[0]).toMatchObject({ before: 1, after: 1.25 });
  });
});
