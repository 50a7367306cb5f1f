// `fit` as a user runs it: the published SPEC SDM91 fit as a table or JSON, and bad input as one
// line naming the file and line, exit 2, no stack trace.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UslFitSummary } from '../../src/core/plan-types.js';
import { hasStackTrace, runCli } from '../helpers/cli.js';

let dir: string;
const write = async (name: string, text: string) => {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oc-fit-'));
});

// SPEC SDM91 (codahale/usl cmd/usl/example.csv), with an extra column and the columns swapped.
const SDM91 = `throughput,concurrency,note
65,1,single user
996,18,
1652,36,
1853,72,
1829,108,
1775,144,
1702,216,
`;

describe('odoo-capacity fit', () => {
  it('prints codahale’s SPEC SDM91 model as JSON: σ 0.0277, κ 0.000104, N* 96', async () => {
    const file = await write('sdm91.csv', SDM91);
    const result = await runCli(['fit', '--model', 'usl', file, '--json']);
    expect(result.code).toBe(0);
    const fit = JSON.parse(result.stdout) as UslFitSummary;
    expect(fit.coefficients.sigma).toBeCloseTo(0.02773, 4);
    expect(fit.coefficients.kappa).toBeCloseTo(0.000104343, 7);
    expect(fit.nStar).toBe(96);
    expect(fit.points).toHaveLength(7);
  });

  it('prints the coefficients as a table on stdout without --json, nothing on stderr', async () => {
    const file = await write('sdm91-table.csv', SDM91);
    const result = await runCli(['fit', '--model', 'usl', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/σ contention\s+0\.0277/);
    expect(result.stdout).toMatch(/N\* = 96/);
  });

  it('reads a JSON array of measurements', async () => {
    const rows = [1, 18, 36, 72, 108, 144, 216].map((n, i) => ({
      concurrency: n,
      throughput: [65, 996, 1652, 1853, 1829, 1775, 1702][i],
    }));
    const file = await write('sdm91.json', JSON.stringify(rows));
    const result = await runCli(['fit', '--model', 'usl', file, '--json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as UslFitSummary).nStar).toBe(96);
  });

  it('names the file and line of a bad value', async () => {
    const file = await write('bad.csv', 'concurrency,throughput\n1,65\n18,lots\n');
    const result = await runCli(['fit', '--model', 'usl', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:3: throughput:`);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });

  it('refuses a header without the two columns', async () => {
    const file = await write('header.csv', 'users,rps\n1,65\n');
    const result = await runCli(['fit', '--model', 'usl', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /header\.csv:1: header must name the columns concurrency and throughput/,
    );
  });

  it('refuses fewer than 4 points and an unknown model', async () => {
    const few = await write('few.csv', 'concurrency,throughput\n1,65\n18,996\n36,1652\n');
    const fewResult = await runCli(['fit', '--model', 'usl', few]);
    expect(fewResult.code).toBe(2);
    expect(fewResult.stderr).toMatch(/few\.csv: a USL fit needs at least 4 points/);
    const unknown = await runCli(['fit', '--model', 'amdahl', few]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--model amdahl: unknown model/);
  });
});
