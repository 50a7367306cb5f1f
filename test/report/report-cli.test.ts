// `odoo-capacity report` as a user runs it: three files and exit 0 for a planned run; otherwise
// one line naming the file and what to run first, exit 2, nothing written.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, hasStackTrace, runCli } from '../helpers/cli.js';
import { writeSyntheticRun } from '../fixtures/report/synthetic-run.js';

let root: string;
let q2: string;
let q3: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-report-cli-'));
  q2 = await writeSyntheticRun(root, 'q2');
  q3 = await writeSyntheticRun(root, 'q3');
});
afterAll(() => rm(root, { recursive: true, force: true }));

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('error:'));
}

async function filesIn(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

describe('odoo-capacity report', () => {
  it('writes report.html, report.md and report.json and lists them with --json', async () => {
    const out = join(root, 'out-all');
    const result = await runCli(['report', '--run', q3, '--compare', q2, '--out', out, '--json']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { ready: boolean; files: { path: string }[] };
    expect(printed.ready).toBe(false);
    expect(printed.files.map((f) => f.path).sort()).toEqual(
      ['report.html', 'report.json', 'report.md'].map((f) => join(out, f)),
    );
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('What changed since last quarter');
    expect((await readFile(join(out, 'report.md'), 'utf8')).length).toBeGreaterThan(1000);
  });

  it('finds a run by its id under --runs-dir and writes only the formats asked for', async () => {
    const out = join(root, 'out-md');
    const result = await runCli([
      'report',
      '--run',
      '2025-09-10T10-00-00Z-peak-mix',
      '--runs-dir',
      root,
      '--format',
      'md',
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
    expect(await filesIn(out)).toEqual(['report.md']);
    // The result on stdout, naming what it judges; stderr is left to progress and errors.
    expect(result.stdout.split('\n')).toEqual([
      "Today's platform is not ready for the forecast peak (Black Friday, 2025-11-28)",
      `wrote ${join(out, 'report.md')}`,
      '',
    ]);
    expect(result.stderr).toBe('');
  });

  it('exits 1 with --fail-not-ready when the plan says the peak is not covered', async () => {
    const notReady = await runCli([
      'report',
      '--run',
      q3,
      '--format',
      'json',
      '--out',
      join(root, 'o1'),
      '--fail-not-ready',
    ]);
    expect(notReady.code).toBe(1);
    const ready = await runCli([
      'report',
      '--run',
      q2,
      '--format',
      'json',
      '--out',
      join(root, 'o2'),
      '--fail-not-ready',
    ]);
    expect(ready.code).toBe(0);
  });

  it('without plan.json: one line naming it and `odoo-capacity plan`, exit 2, nothing written', async () => {
    const unplanned = await writeSyntheticRun(join(root, 'unplanned'), 'q3', { withPlan: false });
    const out = join(root, 'out-unplanned');
    const result = await runCli(['report', '--run', unplanned, '--out', out]);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain(join(unplanned, 'plan.json'));
    expect(result.stderr).toContain(`odoo-capacity plan --run ${unplanned}`);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(await filesIn(out)).toEqual([]);
  });

  it('for a directory that is not a run: names run.json and says to run a ladder first', async () => {
    const result = await runCli(['report', '--run', root, '--out', join(root, 'x')]);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)[0]).toContain(join(root, 'run.json'));
    expect(errorLines(result.stderr)[0]).toMatch(/not a run directory.*odoo-capacity run/);
  });

  it('for a run that does not exist: names the --run value', async () => {
    const result = await runCli(['report', '--run', 'no-such-run', '--runs-dir', root]);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)[0]).toMatch(/--run no-such-run/);
  });

  it('for a cut-short plan.json: names the file, exit 2', async () => {
    const broken = await writeSyntheticRun(join(root, 'broken'), 'q3');
    await writeFile(join(broken, 'plan.json'), '{"schemaVersion": 1, "runId": ');
    const result = await runCli(['report', '--run', broken, '--out', join(root, 'o3')]);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)[0]).toMatch(/plan\.json: not valid JSON/);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });

  it('for a plan of another schema version: names the file and the field, exit 2', async () => {
    const future = await writeSyntheticRun(join(root, 'future'), 'q3', {
      mutatePlan: (plan) => Object.assign(plan, { schemaVersion: 2 }),
    });
    const result = await runCli(['report', '--run', future, '--out', join(root, 'o4')]);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)[0]).toMatch(/plan\.json.*schemaVersion/);
  });

  it('for an unknown format: names the flag and the formats it takes, exit 2', async () => {
    const result = await runCli(['report', '--run', q3, '--format', 'html,pdf']);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)[0]).toMatch(
      /--format html,pdf: unknown format pdf.*html, md, json/,
    );
  });

  it('for a --compare that is neither a run nor a plan: names it, exit 2', async () => {
    const result = await runCli(['report', '--run', q3, '--compare', join(root, 'nope')]);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)[0]).toContain(`--compare ${join(root, 'nope')}`);
  });

  it('writes the plan text as it is: reports are never redacted, a word is data', async () => {
    const wordy = await writeSyntheticRun(join(root, 'wordy'), 'q3', {
      mutatePlan: (plan) => {
        plan.warnings.push('label lab: token: 3 of the admin password-file runs');
      },
    });
    const out = join(root, 'out-wordy');
    const env = cleanEnv({ ODOO_PASSWORD: 'lab', PGURL: 'postgres://u:admin@h/d' });
    expect((await runCli(['report', '--run', wordy, '--out', out], env)).code).toBe(0);
    const files = await filesIn(out);
    expect(files).toHaveLength(3);
    for (const file of files) {
      const text = await readFile(join(out, file), 'utf8');
      expect(text).toContain('label lab: token: 3 of the admin password-file runs');
      expect(text).not.toContain('***');
    }
  });
});
