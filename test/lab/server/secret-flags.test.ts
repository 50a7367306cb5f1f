// `lab start` never takes a secret from argv, where `ps` shows it: such flags are refused with one
// line, and no process of the lab shows a password.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  startLocalPostgres,
  type PostgresHandle,
} from '../../../src/pg-local/postgres-provider.js';
import { BIN, cleanEnv, runCli } from '../../helpers/cli.js';
import { expectCleanOutcome } from '../../fuzz/invariants.js';
import { rpc, PROBE_ORM, waitFor } from './support/lab-client.js';
import { commandLine, processTree } from './support/processes.js';

let root: string;
const env = () => cleanEnv({ XDG_RUNTIME_DIR: root });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lab-secret-flags-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('lab start and its secrets', () => {
  it('refuses --admin-password with one line, naming where the password goes instead', async () => {
    for (const detach of [[], ['--detach']]) {
      const result = await runCli(
        ['lab', 'start', '--port', '1', '--admin-password', 'Sekr1t-on-argv', ...detach],
        env(),
      );
      expectCleanOutcome(
        result,
        [2],
        /--admin-password is refused: no secret is taken from the command line/,
      );
      expect(result.stderr).toMatch(/LAB_ADMIN_PASSWORD.*--admin-password-file/);
      expect(result.stderr).not.toContain('Sekr1t-on-argv');
    }
  });

  it('refuses a --pg-url holding a password with one line, and never prints it', async () => {
    const result = await runCli(
      ['lab', 'start', '--port', '1', '--pg-url', 'postgres://u:pg-Sekr1t@127.0.0.1:1/postgres'],
      env(),
    );
    expectCleanOutcome(result, [2], /--pg-url: a password inside the URL is not accepted/);
    expect(result.stderr).toMatch(/LAB_PG_URL/);
    expect(result.stderr).not.toContain('pg-Sekr1t');
  });

  it('says in one line when the password file cannot be read or is empty', async () => {
    const missing = await runCli(
      ['lab', 'start', '--port', '1', '--admin-password-file', join(root, 'missing')],
      env(),
    );
    expectCleanOutcome(missing, [2], /--admin-password-file .*missing: cannot read \(ENOENT\)/);
    const empty = join(root, 'empty');
    await writeFile(empty, '\n');
    const blank = await runCli(
      ['lab', 'start', '--port', '1', '--admin-password-file', empty],
      env(),
    );
    expectCleanOutcome(
      blank,
      [2],
      /--admin-password-file .*empty: the admin password must not be empty/,
    );
  });

  describe('a lab started with its secrets in a file and PGPASSWORD', () => {
    let postgres: PostgresHandle;
    beforeAll(async () => {
      postgres = await startLocalPostgres();
    });
    afterAll(async () => {
      await postgres?.stop();
    });

    it('serves with them, and no process of the lab shows a secret', async () => {
      const password = `Adm-${Date.now()}-file`;
      const file = join(root, 'admin-password');
      await writeFile(file, `${password}\n`, { mode: 0o600 });
      const url = new URL(postgres.url.reveal());
      const pgPassword = decodeURIComponent(url.password);
      url.password = '';
      const port = await freePort();
      const child = spawn(
        process.execPath,
        [
          BIN,
          'lab',
          'start',
          '--port',
          String(port),
          '--workers',
          '1',
          '--admin-password-file',
          file,
          '--pg-url',
          url.toString(),
          '--orm-module',
          PROBE_ORM,
        ],
        { env: { ...env(), PGPASSWORD: pgPassword }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      try {
        await waitFor(() => output.includes('ready at'), 'the lab to be ready', 120_000);
        const lab = `http://127.0.0.1:${port}`;
        expect(
          (await rpc(lab, 'common', 'authenticate', ['lab', 'admin', password, {}])).value,
        ).toBe(2);
        const lines = processTree(child.pid!).map((pid) => commandLine(pid) ?? '');
        expect(lines.length).toBeGreaterThanOrEqual(2); // the lab and its worker
        for (const line of lines) {
          expect(line).not.toContain(password);
          expect(line).not.toContain(pgPassword);
        }
      } finally {
        child.kill('SIGINT');
      }
      expect(await exited).toBe(0);
      expect(output).not.toContain(password);
      expect(output).not.toContain(pgPassword);
    });
  });
});
