// `init` from flags and on a real terminal: the folder it writes loads and plans, an existing one
// needs --force, and `run` warns when a non-lab target still has the lab's environment.yaml.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../src/core/models/environment.js';
import { loadForecast } from '../../src/core/models/forecast.js';
import { loadLadder } from '../../src/core/models/ladder.js';
import { loadNodes } from '../../src/core/models/nodes.js';
import { loadSlo } from '../../src/core/models/slo.js';
import { loadTenancy } from '../../src/core/models/tenancy.js';
import { loadWorkload } from '../../src/core/models/workload.js';
import type { PlanJson } from '../../src/core/plan-types.js';
import { BIN, cleanEnv, hasStackTrace, runCli } from '../helpers/cli.js';
import { ORDER_WAVE, syntheticRun, writeRunDir } from '../helpers/synthetic-run.js';
import { startLoadTarget, type LoadTarget } from '../runner/helpers/load-target.js';
import { shortLadderArgs } from './short-ladder.js';

const FACTS = [
  '--name',
  'staging-eu1',
  '--tenancy',
  'dedicated',
  '--odoo-version',
  '17.0',
  '--pods',
  '2',
  '--workers-per-pod',
  '4',
  '--cpu-per-pod',
  '2',
  '--memory-per-pod-mib',
  '4096',
  '--node-type',
  'e2-standard-8',
  '--nodes',
  '3',
  '--db-instance',
  'db.r6g.xlarge',
  '--db-vcpu',
  '4',
  '--db-memory-gib',
  '32',
];

let root: string;
let target: LoadTarget;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-init-'));
  target = await startLoadTarget({ delayMs: () => 2 });
});
afterAll(async () => {
  await target?.close();
  await rm(root, { recursive: true, force: true });
});

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasScript)
  console.warn('test/cli/init: terminal tests skipped: script(1) of util-linux not found');

/** `odoo-capacity init <args>` on a pseudo-terminal, the answers typed one line each. */
function onTerminal(args: string[], answers: string[]): Promise<{ code: number; text: string }> {
  const command = [process.execPath, BIN, 'init', ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve) => {
    const child = execFile(
      'script',
      ['-qec', command, '/dev/null'],
      { env: cleanEnv(), timeout: 60_000 },
      (error, stdout) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, text: stdout });
      },
    );
    child.stdin!.end(answers.map((a) => `${a}\n`).join(''));
  });
}

async function expectLoads(dir: string): Promise<void> {
  await loadEnvironment(join(dir, 'environment.yaml'));
  await loadForecast(join(dir, 'forecast.yaml'));
  await loadNodes(join(dir, 'nodes.yaml'));
  await loadSlo(join(dir, 'slo.yaml'));
  await loadTenancy(join(dir, 'tenancy.yaml'));
  await loadWorkload(join(dir, 'workload', 'default.yaml'));
  for (const ladder of await readdir(join(dir, 'ladders')))
    await loadLadder(join(dir, 'ladders', ladder));
}

describe('odoo-capacity init', () => {
  it('writes a models folder from flags that loads and plans, without the lab’s node type', async () => {
    const dir = join(root, 'from-flags');
    const result = await runCli(['init', dir, ...FACTS]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`wrote ${dir}: `);
    expect((await readdir(dir)).sort()).toEqual([
      'README.md',
      'environment.yaml',
      'forecast.yaml',
      'ladders',
      'nodes.yaml',
      'slo.yaml',
      'tenancy.yaml',
      'workload',
    ]);
    await expectLoads(dir);
    expect(await loadEnvironment(join(dir, 'environment.yaml'))).toEqual({
      name: 'staging-eu1',
      production: false,
      tenancy: 'dedicated',
      odoo: {
        version: '17.0',
        pods: 2,
        workersPerPod: 4,
        cronWorkersPerPod: 1,
        dbMaxconn: 64,
        cpuPerPod: 2,
        memoryPerPodMiB: 4096,
        limitTimeRealSeconds: 120,
      },
      nodes: { type: 'e2-standard-8', count: 3, zones: 1 },
      database: {
        instance: 'db.r6g.xlarge',
        vcpu: 4,
        memoryGiB: 32,
        maxConnections: 100,
        storage: 'ssd',
      },
    });
    const nodes = await loadNodes(join(dir, 'nodes.yaml'));
    expect(nodes.nodeTypes.map((t) => t.name)).not.toContain('local-2c-24g');
    expect(nodes.nodeTypes.length).toBeGreaterThan(3);

    // The folder is what `plan` needs: a run planned with it sizes on priced nodes.
    const run = await writeRunDir(
      join(root, 'runs'),
      syntheticRun({ id: 'init', classes: [ORDER_WAVE], rates: [1, 2, 3, 4, 5, 6, 7], workers: 2 }),
    );
    const planned = await runCli(['plan', '--run', run, '--models', dir, '--json']);
    expect([0, 1], planned.stderr).toContain(planned.code);
    const plan = JSON.parse(planned.stdout) as PlanJson;
    expect(plan.nodePools.length).toBeGreaterThan(0);
    for (const pool of plan.nodePools) expect(pool.nodeType).not.toBe('local-2c-24g');
  });

  it('refuses an existing folder without --force, and overwrites its own files with it', async () => {
    const dir = join(root, 'existing');
    expect((await runCli(['init', dir, ...FACTS])).code).toBe(0);
    await writeFile(join(dir, 'slo.yaml'), 'edited by hand\n');
    await writeFile(join(dir, 'notes.txt'), 'mine\n');

    const refused = await runCli(['init', dir, ...FACTS]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')[0]).toBe(
      `error: ${dir}: already exists; init writes a new models folder`,
    );
    expect(refused.stderr).toMatch(/^hint: .*--force/m);
    expect(refused.stdout).toBe('');
    expect(await readFile(join(dir, 'slo.yaml'), 'utf8')).toBe('edited by hand\n');

    const forced = await runCli(['init', dir, ...FACTS, '--force', '--name', 'staging-eu2']);
    expect(forced.code, forced.stderr).toBe(0);
    await expectLoads(dir);
    expect((await loadEnvironment(join(dir, 'environment.yaml'))).name).toBe('staging-eu2');
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
  });

  it('without a terminal, names every missing fact’s flag and writes nothing', async () => {
    const dir = join(root, 'missing');
    const result = await runCli(['init', dir, '--name', 'ci', '--pods', '2']);
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      'error: init: not a terminal, so nothing can be asked: missing --tenancy, --odoo-version, --workers-per-pod, --cpu-per-pod, --memory-per-pod-mib, --node-type, --nodes, --db-instance, --db-vcpu, --db-memory-gib',
    );
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });

  it.each([
    [['--pods', '0'], /^error: --pods: Too small: expected number to be >0/],
    [['--pods', 'two'], /^error: --pods: expected a number, got "two"/],
    [['--odoo-version', '15.0'], /^error: --odoo-version: .*"16\.0"\|"17\.0"\|"18\.0"/],
    [['--db-storage', 'tape'], /^error: --db-storage: .*"ssd"/],
  ])('%j is bad input: one line naming the flag, exit 2', async (bad, message) => {
    const result = await runCli(['init', join(root, 'bad'), ...FACTS, ...bad]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(message);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });

  it.skipIf(!hasScript)(
    'on a terminal asks for each fact no flag gave, and asks again after a refused answer',
    async () => {
      const dir = join(root, 'asked');
      const result = await onTerminal(
        [dir, '--name', 'staging-tty'],
        [
          'maybe', // production: refused
          '', // production: the default, no
          'multi-tenant',
          '18.0',
          '0', // pods: refused
          '3',
          '6',
          '', // cron workers: 1
          '', // db_maxconn: 64
          '4',
          '8192',
          '', // limit-time-real: 120
          'm5.2xlarge',
          '4',
          '3',
          'db.r6g.2xlarge',
          '8',
          '64',
          '400',
          'nvme',
        ],
      );
      expect(result.code, result.text).toBe(0);
      expect(result.text).toContain('answer: expected yes or no, got "maybe"');
      expect(result.text).toContain('answer: Too small: expected number to be >0');
      expect(result.text).toContain('Node type the pods run on (catalog: e2-standard-4');
      expect(result.text).toContain('describe your tenants in tenants.yaml');
      await expectLoads(dir);
      expect(await loadEnvironment(join(dir, 'environment.yaml'))).toEqual({
        name: 'staging-tty',
        production: false,
        tenancy: 'multi-tenant',
        odoo: {
          version: '18.0',
          pods: 3,
          workersPerPod: 6,
          cronWorkersPerPod: 1,
          dbMaxconn: 64,
          cpuPerPod: 4,
          memoryPerPodMiB: 8192,
          limitTimeRealSeconds: 120,
        },
        nodes: { type: 'm5.2xlarge', count: 4, zones: 3 },
        database: {
          instance: 'db.r6g.2xlarge',
          vcpu: 8,
          memoryGiB: 64,
          maxConnections: 400,
          storage: 'nvme',
        },
      });
    },
  );

  it.skipIf(!hasScript)(
    'on a terminal with every fact that has no default given, asks nothing',
    async () => {
      const dir = join(root, 'all-flags-tty');
      const result = await onTerminal([dir, ...FACTS], []);
      expect(result.code, result.text).toBe(0);
      expect(result.text).not.toContain('The stack under test');
      expect((await loadEnvironment(join(dir, 'environment.yaml'))).odoo.cronWorkersPerPod).toBe(1);
    },
  );
});

describe('run against a target that is not the lab', () => {
  const ladder = (models: string, id: string) =>
    runCli(
      [...shortLadderArgs(join(root, 'warn-runs'), id, '1s'), '--models', models],
      cleanEnv({ ODOO_URL: target.url, ODOO_DB: 'lab', ODOO_PASSWORD: 'admin' }),
      180_000,
    );
  const warnings = (stderr: string) =>
    stderr.split('\n').filter((l) => l.includes('describes the lab'));

  it('warns in one line while environment.yaml still describes the lab, not once init wrote it', async () => {
    const shipped = join(import.meta.dirname, '..', '..', 'models');
    const lab = await ladder(shipped, 'still-lab');
    expect(lab.code, lab.stderr).toBe(0);
    expect(warnings(lab.stderr)).toEqual([
      `warn: ${target.url} is not the lab, but environment "lab-local" still describes the lab: the plan would size the lab; describe your stack with \`odoo-capacity init\``,
    ]);
    expect(lab.stdout).not.toContain('describes the lab');

    const dir = join(root, 'for-run');
    expect((await runCli(['init', dir, ...FACTS])).code).toBe(0);
    const own = await ladder(dir, 'own-stack');
    expect(own.code, own.stderr).toBe(0);
    expect(warnings(own.stderr)).toEqual([]);
  });
});
