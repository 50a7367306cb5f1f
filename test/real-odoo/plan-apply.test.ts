// The odoo.conf fragment `plan --format odoo-conf` writes, read by a real Odoo 17.0: its parser
// takes every option, and its prefork workers run with the planned limits (/proc/<pid>/limits).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanJson } from '../../src/core/plan-types.js';
import { runCli } from '../helpers/cli.js';
import { ORDER_WAVE, syntheticRun, writeRunDir } from '../helpers/synthetic-run.js';
import { ODOO_HARNESS, SKIP_REASON, startRealOdoo, type RealOdoo } from './support/real-odoo.js';

const MODELS = join(import.meta.dirname, '..', '..', 'models');
const PYTHON = '/usr/bin/python3';
const MIB = 1024 * 1024;

/** Odoo's own parser on the fragment: options it does not know, and the values it casts. */
const PARSE = `
import json, sys
sys.path.insert(0, sys.argv[1])
from odoo.tools.config import config
import configparser
p = configparser.RawConfigParser()
p.read(sys.argv[2])
names = [n for n, _ in p.items('options')]
config.parse_config(['-c', sys.argv[2]])
print(json.dumps({'unknown': [n for n in names if n not in config.casts],
                  'values': {n: config[n] for n in names}}))
`;

function exec(file: string, args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { cwd, timeout: 120_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} ${args[0]}: ${stderr.trim()}`)) : resolve(stdout),
    ),
  );
}

async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) out.push(Number(entry));
  }
  return out;
}

/** A /proc/<pid>/limits row's soft value: a number, or 'unlimited'. */
async function softLimit(pid: number, row: string): Promise<string> {
  const text = await readFile(`/proc/${pid}/limits`, 'utf8');
  const line = text.split('\n').find((l) => l.startsWith(row))!;
  return line.slice(row.length).trim().split(/\s+/)[0]!;
}

describe.skipIf(SKIP_REASON !== undefined)('plan --format odoo-conf read by Odoo 17.0', () => {
  let odoo: RealOdoo;
  let fragment: string;
  let plan: PlanJson;
  let server: ChildProcess | undefined;
  const scratch: string[] = [];

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'oc-plan-apply-'));
    scratch.push(root);
    const models = join(root, 'models');
    await cp(MODELS, models, { recursive: true });
    const run = await writeRunDir(
      join(root, 'runs'),
      syntheticRun({
        id: 'plan-apply',
        classes: [ORDER_WAVE],
        rates: [0.5, 1, 2, 3, 4, 5],
        workers: 2,
      }),
    );
    const out = join(root, 'apply');
    const result = await runCli([
      'plan',
      '--run',
      run,
      '--models',
      models,
      '--as-of',
      '2026-03-01',
      '--working-set-mib',
      '300',
      '--format',
      'odoo-conf',
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    fragment = join(out, 'odoo-web.conf');
    plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as PlanJson;
    odoo = await startRealOdoo('17.0');
    // The tree stays; Odoo and its PostgreSQL stop, freeing the port for the fragment's server.
    await exec('bash', [ODOO_HARNESS!, 'stop', '--dir', odoo.dir]);
  }, 600_000);

  afterAll(async () => {
    if (server?.pid) process.kill(-server.pid, 'SIGKILL');
    await odoo?.stop();
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  });

  it("Odoo's config parser knows every option and casts every value", async () => {
    const parsed = JSON.parse(
      await exec(PYTHON, ['-c', PARSE, join(odoo.dir, 'odoo'), fragment]),
    ) as { unknown: string[]; values: Record<string, unknown> };
    expect(parsed.unknown).toEqual([]);
    const web = plan.workers.find((w) => w.pool === 'web')!;
    expect(parsed.values).toMatchObject({
      workers: web.workersPerPod,
      max_cron_threads: 0,
      db_maxconn: 4,
      db_maxconn_gevent: 64,
      limit_memory_soft: Math.ceil(2 * 300 * 1.15) * MIB,
      limit_memory_hard: Math.ceil(2.5 * 300 * 1.15) * MIB,
      limit_request: 65536,
    });
    for (const name of ['limit_time_cpu', 'limit_time_real'])
      expect(typeof parsed.values[name], name).toBe('number');
  });

  it('runs the planned workers with the planned memory and CPU limits', async () => {
    const web = plan.workers.find((w) => w.pool === 'web')!;
    const options = Object.fromEntries(
      (await readFile(fragment, 'utf8'))
        .split('\n')
        .filter((l) => /^[a-z_]+ = /.test(l))
        .map((l) => l.split(' = ') as [string, string]),
    );
    const port = Number(new URL(odoo.env.ODOO_URL).port);
    const dir = await mkdtemp(join(tmpdir(), 'oc-plan-apply-odoo-'));
    scratch.push(dir);
    const tree = join(odoo.dir, 'odoo');
    // The fragment merged into a server's [options]: its own address, no database reachable.
    const conf = join(dir, 'odoo.conf');
    await writeFile(
      conf,
      `${await readFile(fragment, 'utf8')}\nhttp_interface = 127.0.0.1\nhttp_port = ${port}\n` +
        `gevent_port = ${port + 3}\ndb_host = 127.0.0.1\ndb_port = 1\ndata_dir = ${dir}\n` +
        `addons_path = ${join(tree, 'addons')},${join(tree, 'odoo', 'addons')}\n`,
    );
    server = spawn(PYTHON, ['odoo-bin', '-c', conf, `--logfile=${join(dir, 'odoo.log')}`], {
      cwd: tree,
      detached: true,
      stdio: 'ignore',
    });
    let workers: number[] = [];
    for (let i = 0; i < 300 && workers.length < web.workersPerPod; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const log = await readFile(join(dir, 'odoo.log'), 'utf8').catch(() => '');
      workers = [...log.matchAll(/Worker WorkerHTTP \((\d+)\) alive/g)].map((m) => Number(m[1]));
    }
    const log = await readFile(join(dir, 'odoo.log'), 'utf8').catch(() => '');
    expect(workers, log.slice(-2000)).toHaveLength(web.workersPerPod);
    // The master's children: the HTTP workers and the gevent process, no cron worker.
    expect((await childrenOf(server.pid!)).length).toBe(web.workersPerPod + 1);
    for (const pid of workers) {
      expect(await softLimit(pid, 'Max address space')).toBe(options.limit_memory_hard);
      expect(await softLimit(pid, 'Max cpu time')).toBe(options.limit_time_cpu);
    }
    // And the workers serve.
    const answer = await fetch(`${odoo.env.ODOO_URL}/web/webclient/version_info`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: {} }),
    });
    expect(
      ((await answer.json()) as { result: { server_serie: string } }).result.server_serie,
    ).toBe('17.0');
  }, 120_000);
});
