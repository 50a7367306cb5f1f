// `odoo-capacity lab` as a user runs it: foreground start and a clean Ctrl-C, --detach with
// status and stop, a port in use, bad flags; and no secret in any line the lab logs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/pg-local/postgres-provider.js';
import { BIN, cleanEnv, hasStackTrace, runCli } from '../helpers/cli.js';
import { executeKw, PROBE_ORM, rpc, waitFor } from '../lab/server/support/lab-client.js';

const PROBE_CHECK = join(import.meta.dirname, '..', 'lab', 'server', 'support', 'probe-check.mjs');

const env = cleanEnv({ XDG_RUNTIME_DIR: mkdtempSync(join(tmpdir(), 'lab-cli-state-')) });

describe('odoo-capacity lab', () => {
  it('serves in the foreground, stops cleanly on Ctrl-C, and never logs the admin password', async () => {
    const password = `Pw-${Date.now()}-unlikely`;
    const passwordDir = mkdtempSync(join(tmpdir(), 'lab-cli-pw-'));
    const passwordFile = join(passwordDir, 'admin');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        BIN,
        '--debug',
        'lab',
        'start',
        '--port',
        String(port),
        '--admin-password-file',
        passwordFile,
        '--orm-module',
        PROBE_ORM,
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    await waitFor(() => stderr.includes('ready at'), 'the lab to be ready', 120_000);
    const url = `http://127.0.0.1:${port}`;

    expect((await rpc(url, 'common', 'authenticate', ['lab', 'admin', password, {}])).value).toBe(
      2,
    );
    expect(
      (await rpc(url, 'common', 'authenticate', ['lab', 'admin', `${password}x`, {}])).value,
    ).toBe(false);
    expect(
      (await executeKw(url, 'lab', 'res.partner', 'search_count', [[]], undefined, password)).value,
    ).toBe(1);
    expect(
      (await executeKw(url, 'lab', 'res.partner', 'search_count', [[]], undefined, 'bad')).fault
        ?.faultCode,
    ).toBe(3);
    expect(
      (await executeKw(url, 'lab', 'lab.probe', 'returns_none', ['x'], undefined, password)).fault
        ?.faultCode,
    ).toBe(1);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain('Login successful');
    expect(stderr).toContain('lab: stopped');
    expect(stderr + stdout).not.toContain(password);
    rmSync(passwordDir, { recursive: true, force: true });
  });

  it('runs detached: status reads the live lab, check lists violations, stop ends it', async () => {
    const port = String(await freePort());
    const started = await runCli(
      [
        'lab',
        'start',
        '--detach',
        '--port',
        port,
        '--workers',
        '1',
        '--orm-module',
        PROBE_ORM,
        '--check-module',
        PROBE_CHECK,
      ],
      env,
    );
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(
      /^lab: running in the background at http:\/\/127\.0\.0\.1:\d+ \(pid \d+/,
    );
    const status = await runCli(['lab', 'status', '--port', port, '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      databases: ['lab'],
      workers: { configured: 1, alive: 1 },
    });
    const human = await runCli(['lab', 'status', '--port', port], env);
    expect(human.stdout).toMatch(/workers: 0 busy, 1 idle of 1/);

    const clean = await runCli(['lab', 'check', '--port', port], env);
    expect(clean.code, clean.stderr).toBe(0);
    await executeKw(`http://127.0.0.1:${port}`, 'lab', 'res.partner', 'create', [
      [
        { name: 'bad', ref: 'VIOLATION' },
        { name: 'worse', ref: 'VIOLATION' },
      ],
    ]);
    const dirty = await runCli(['lab', 'check', '--port', port, '--json'], env);
    expect(dirty.code).toBe(1);
    expect(JSON.parse(dirty.stdout).databases[0].violations).toHaveLength(2);
    const listed = await runCli(['lab', 'check', '--port', port], env);
    expect(listed.code).toBe(1);
    expect(listed.stdout.match(/^ {2}- .*VIOLATION$/gm)).toHaveLength(2);

    const stopped = await runCli(['lab', 'stop', '--port', port], env);
    expect(stopped.code).toBe(0);
    const after = await runCli(['lab', 'status', '--port', port], env);
    expect(after.code).toBe(3);
    expect(after.stderr).toContain(`127.0.0.1:${port}`);
  });

  it('exits 3 naming the port when it is in use, before starting anything', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const result = await runCli(
        ['lab', 'start', '--port', String(port), '--orm-module', PROBE_ORM],
        env,
      );
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`port ${port}`);
      expect(hasStackTrace(result.stderr)).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it.each([
    [['--workers', 'two'], '--workers'],
    [['--workers', '0'], '--workers 0'],
    [['--serie', '15.0'], '--serie'],
    [['--databases', 'bad name!'], '--databases'],
    [['--cost-scale', '-1'], '--cost-scale'],
  ])('refuses %j with exit 2 and one line naming the flag', async (flags, named) => {
    const result = await runCli(['lab', 'start', '--port', '1', ...flags], env);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toContain(named);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });

  it('exits 3 from status and check when no lab answers', async () => {
    const port = String(await freePort());
    for (const verb of ['status', 'check']) {
      const result = await runCli(['lab', verb, '--port', port], env);
      expect(result.code).toBe(3);
    }
  });
});
