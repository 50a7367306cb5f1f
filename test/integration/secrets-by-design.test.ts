// Secrets by design against the lab: a password that is also a word of every document leaves
// run, plan and report unmasked, and a long distinct secret reaches no file.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/logger.js';
import { startLocalPostgres, type PostgresHandle } from '../../src/pg-local/postgres-provider.js';
import { Secret } from '../../src/core/secret.js';
import { startLab, type LabHandle } from '../../src/lab/server/index.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { filesWithText } from '../helpers/files.js';

const LAB_PROBE = join(import.meta.dirname, '..', 'fixtures', 'k6', 'lab-probe.js');
const MODELS = join(import.meta.dirname, '..', '..', 'models');

let postgres: PostgresHandle;
const labs: LabHandle[] = [];
let root: string;

beforeAll(async () => {
  postgres = await startLocalPostgres();
  root = await mkdtemp(join(tmpdir(), 'oc-secrets-'));
  for (const [db, password] of [
    ['lab', 'lab'],
    ['tenant2', 'admin'],
  ] as const) {
    labs.push(
      await startLab({
        port: 0,
        workers: 1,
        databases: [db],
        pgUrl: postgres.url,
        adminPassword: new Secret(password),
        costScale: 0,
        log: new Logger('warn'),
      }),
    );
  }
}, 120_000);
afterAll(async () => {
  for (const lab of labs) await lab.stop();
  await postgres?.stop();
  await rm(root, { recursive: true, force: true });
});

describe.each([
  { lab: 0, db: 'lab', password: 'lab' },
  { lab: 1, db: 'tenant2', password: 'admin' },
])('ODOO_PASSWORD=$password', ({ lab, db, password }) => {
  it('run, plan and report write every document whole, and plan accepts the run', async () => {
    const env = cleanEnv({
      ODOO_URL: labs[lab]!.url,
      ODOO_DB: db,
      ODOO_USER: 'admin',
      ODOO_PASSWORD: password,
      PGURL: postgres.url.reveal(),
    });
    const runsDir = join(root, `runs-${password}`);
    const id = `words-${password}`;
    const result = await runCli(
      [
        'run',
        '--script',
        LAB_PROBE,
        '--runs-dir',
        runsDir,
        '--id',
        id,
        '--class',
        'stock-moves',
        '--rates',
        '2,3',
        '--warmup',
        '1s',
        '--hold',
        '2s',
        '--json',
      ],
      env,
      300_000,
    );
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as { run: string; id: string };
    expect(printed.id).toBe(id);
    expect(existsSync(printed.run)).toBe(true);

    const run = JSON.parse(await readFile(join(printed.run, 'run.json'), 'utf8')) as {
      target: Record<string, unknown>;
      steps: { label: string }[];
    };
    expect(run.target).toMatchObject({ db, user: 'admin', auth: 'password' });
    expect(run.steps.map((s) => s.label)).toEqual(['rate-2', 'rate-3']);

    const plan = await runCli(['plan', '--run', printed.run, '--models', MODELS, '--json'], env);
    expect([0, 1], plan.stderr).toContain(plan.code);
    expect(JSON.parse(plan.stdout)).toMatchObject({ runs: [{ id }] });
    const report = await runCli(['report', '--run', printed.run], env);
    expect(report.code, report.stderr).toBe(0);

    const written = await filesWithText(printed.run);
    expect(written.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        join(printed.run, 'run.json'),
        join(printed.run, 'plan.json'),
        join(printed.run, 'report', 'report.html'),
        join(printed.run, 'steps', '01-rate-2', 'step.json'),
      ]),
    );
    for (const { path, text } of written) {
      expect(text, path).not.toContain('***');
      if (path.endsWith('.json')) expect(() => JSON.parse(text), path).not.toThrow();
      if (path.endsWith('step.json')) expect(JSON.parse(text), path).toHaveProperty('label');
    }
    // Log lines are not masked either: the word stays a word.
    expect(result.stderr + plan.stderr + report.stderr + report.stdout).not.toContain('***');
  });

  it('doctor warns that the password is too short to be masked in logs', async () => {
    const env = cleanEnv({
      ODOO_URL: labs[lab]!.url,
      ODOO_DB: db,
      ODOO_USER: 'admin',
      ODOO_PASSWORD: password,
    });
    const result = await runCli(['doctor', '--json'], env);
    const doctor = JSON.parse(result.stdout) as { checks: { name: string; warning?: string }[] };
    expect(doctor.checks.find((c) => c.name === 'authenticate')?.warning).toMatch(
      /password is shorter than 8 characters, so logs cannot mask it/,
    );
  });
});
