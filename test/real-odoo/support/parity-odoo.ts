// The real Odoo 17.0 of the parity test. With OC_ODOO_PORT set, the harness's instance on that
// port (in $TMPDIR/odoo-<port>, started when it is not running) is reset to its fresh database and
// left running afterwards, for a developer who keeps one Odoo on a port of their own; otherwise a
// new instance on a free port from startRealOdoo, stopped afterwards.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ODOO_HARNESS, startRealOdoo, type RealOdooEnv } from './real-odoo.js';

export interface ParityOdoo {
  env: RealOdooEnv;
  stop(): Promise<void>;
}

/** The last line the harness printed: `ODOO_URL=… ODOO_DB=… ODOO_USER=… ODOO_PASSWORD=… PGURL=…`. */
function envOf(stdout: string): RealOdooEnv {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const env = Object.fromEntries(line.split(/\s+/).map((pair) => pair.split(/=(.*)/s, 2)));
  if (!env.ODOO_URL || !env.ODOO_DB)
    throw new Error(`the Odoo harness printed no ODOO_URL: ${line}`);
  return env as unknown as RealOdooEnv;
}

export async function startParityOdoo(): Promise<ParityOdoo> {
  const port = process.env.OC_ODOO_PORT;
  if (!port) {
    const odoo = await startRealOdoo('17.0');
    return { env: odoo.env, stop: () => odoo.stop() };
  }
  const dir = join(tmpdir(), `odoo-${port}`);
  const harness = (...args: string[]) =>
    promisify(execFile)('bash', [ODOO_HARNESS!, ...args, '--dir', dir], {
      maxBuffer: 16 * 1024 * 1024,
      timeout: 15 * 60_000,
    });
  await harness('start', '--series', '17.0', '--port', port);
  const { stdout } = await harness('reset');
  return { env: envOf(stdout), stop: async () => undefined };
}
