// Results on stdout, progress and logs on stderr: each command runs through the built CLI under a
// real shell with `> file`, and the file must hold the result alone.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from '../helpers/cli.js';
import { ORDER_WAVE, syntheticRun, writeRunDir } from '../helpers/synthetic-run.js';
import { startLoadTarget, type LoadTarget } from '../runner/helpers/load-target.js';
import { shortLadderArgs } from './short-ladder.js';

const MODELS = join(import.meta.dirname, '..', '..', 'models');

let root: string;
let models: string;
let runDir: string;
let target: LoadTarget;

interface Redirected {
  code: number;
  /** What `> file` captured. */
  file: string;
  /** What stayed on the terminal. */
  stderr: string;
}

/** `odoo-capacity <args> > <file>` in /bin/sh, as a user types it. */
function redirected(args: string[], env = cleanEnv()): Promise<Redirected> {
  const file = join(root, `out-${Math.random().toString(36).slice(2)}.txt`);
  return new Promise((resolve) => {
    execFile(
      '/bin/sh',
      ['-c', '"$0" "$@" > "$OC_TEST_OUT"', process.execPath, BIN, ...args],
      { env: { ...env, OC_TEST_OUT: file }, timeout: 180_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        expect(stdout, 'the shell itself printed nothing').toBe('');
        void readFile(file, 'utf8').then((text) => resolve({ code, file: text, stderr }));
      },
    );
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-stdout-'));
  models = join(root, 'models');
  await cp(MODELS, models, { recursive: true });
  runDir = await writeRunDir(
    join(root, 'runs'),
    syntheticRun({
      id: 'stdout',
      classes: [ORDER_WAVE],
      rates: [1, 2, 3, 4, 5, 6, 7],
      workers: 2,
      databases: [
        { name: 'lab', share: 0.8, dbMsFactor: 2 },
        { name: 'lab_b', share: 0.2 },
      ],
    }),
  );
  target = await startLoadTarget({ delayMs: () => 2 });
});
afterAll(async () => {
  await target?.close();
  await rm(root, { recursive: true, force: true });
});

describe('`cmd > file` captures the result', () => {
  it('fit: the coefficients table', async () => {
    const csv = join(root, 'points.csv');
    await writeFile(csv, 'concurrency,throughput\n1,65\n2,127\n4,245\n8,450\n16,730\n32,950\n');
    const result = await redirected(['fit', '--model', 'usl', csv]);
    expect(result.code).toBe(0);
    expect(result.file).toMatch(/σ contention/);
    expect(result.file).toMatch(/N\* = \d+/);
    expect(result.stderr).toBe('');
  });

  it('plan: the sizing, down to its feasibility line', async () => {
    const result = await redirected(['plan', '--run', runDir, '--models', models]);
    expect(result.code).toBe(0);
    const lines = result.file.trimEnd().split('\n');
    expect(lines[0]).toBe(`plan for stdout → ${join(runDir, 'plan.json')}`);
    expect(lines.some((l) => l.startsWith('workers web'))).toBe(true);
    expect(lines.at(-1)).toMatch(/feasible/);
    expect(result.stderr).toBe('');
  });

  it('report: the verdict on today’s platform and the files written', async () => {
    const out = join(root, 'report');
    await redirected(['plan', '--run', runDir, '--models', models]);
    const result = await redirected(['report', '--run', runDir, '--format', 'md', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.file.split('\n')).toEqual([
      expect.stringMatching(/^Today's platform is (not )?ready for the forecast peak \(.+\)$/),
      `wrote ${join(out, 'report.md')}`,
      '',
    ]);
    expect(result.stderr).toBe('');
  });

  it('tenant: one decision per tenant database with its reasons', async () => {
    const result = await redirected([
      'tenant',
      '--run',
      runDir,
      '--models',
      models,
      '--neighbour-degradation',
      'lab=0.4',
    ]);
    expect(result.code).toBe(0);
    expect(result.file).toMatch(/^Lab tenant A .*\(lab\): DEDICATED-STACK /m);
    expect(result.file).toMatch(/^Lab tenant B .*\(lab_b\): STAY-SHARED /m);
    expect(result.stderr).toBe('');
  });

  it('doctor: one line per check, even when a check fails', async () => {
    const result = await redirected(['doctor']);
    expect(result.file).toMatch(/^ok {3}node {9}Node /m);
    expect(result.file.trimEnd().split('\n').length).toBeGreaterThanOrEqual(4);
    expect(result.stderr).toBe('');
  });

  it('run: the outcome and the run directory; the ladder’s progress stays on stderr', async () => {
    const runsDir = join(root, 'ladder-runs');
    const result = await redirected(
      shortLadderArgs(runsDir, 'redirected'),
      cleanEnv({ ODOO_URL: target.url, ODOO_DB: 'lab', ODOO_PASSWORD: 'admin' }),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.file).toBe(
      `complete: every step ran\nrun directory: ${join(runsDir, 'redirected')}\n`,
    );
    expect(result.stderr).toContain(`run redirected → ${join(runsDir, 'redirected')}`);
    expect(result.stderr).toMatch(/step 1\/1/);
    expect(result.stderr).not.toContain('run directory:');
  });

  it('--json is unchanged: one document on stdout', async () => {
    const result = await redirected(['plan', '--run', runDir, '--models', models, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.file)).toMatchObject({ kind: 'odoo-capacity-plan' });
    expect(result.stderr).toBe('');
  });
});
