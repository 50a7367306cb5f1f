// The lab's JSON-2 (lab start --json2) against what a real Odoo 19.0 answered
// (test/fixtures/odoo-19.0-json2); without --json2, no /json/2 route, as before Odoo 19.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/logger.js';
import { startLocalPostgres, type PostgresHandle } from '../../src/pg-local/postgres-provider.js';
import { Secret } from '../../src/core/secret.js';
import { startLab, type LabHandle } from '../../src/lab/server/index.js';
import { Json2Transport } from '../../src/odoo/json2-transport.js';
import { readRun } from '../../src/core/run-dir.js';
import { databaseUrl } from '../../src/lab/server/databases.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { loadJson2Exchanges } from '../helpers/json2-replay.js';

const KEY = randomBytes(20).toString('hex');
const recorded = loadJson2Exchanges();
let postgres: PostgresHandle;
let lab: LabHandle;
let plain: LabHandle;

beforeAll(async () => {
  postgres = await startLocalPostgres();
  const common = {
    port: 0,
    workers: 1,
    pgUrl: postgres.url,
    costScale: 0,
    log: new Logger('warn'),
  };
  lab = await startLab({
    ...common,
    databases: ['lab19'],
    json2: true,
    apiKey: new Secret(KEY),
  });
  plain = await startLab({ ...common, databases: ['lab17'] });
}, 180_000);
afterAll(async () => {
  await lab?.stop();
  await plain?.stop();
  await postgres?.stop();
});

async function post(
  url: string,
  path: string,
  body: unknown,
  headers: { authorization: string | null; 'x-odoo-database': string | null },
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(headers.authorization && {
        authorization: headers.authorization.replace('<key>', KEY),
      }),
      ...(headers['x-odoo-database'] && { 'x-odoo-database': headers['x-odoo-database'] }),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // an HTML answer stays text
  }
  return { status: response.status, body: parsed };
}

const nameOf = (body: unknown): unknown =>
  typeof body === 'object' && body !== null ? (body as { name?: string }).name : 'html';

/** The last line of a JSON-2 traceback: Python's `<type>: <str(exception)>`. */
const lastLine = (body: unknown): string | undefined =>
  typeof body === 'object' && body !== null
    ? (body as { debug: string }).debug.trim().split('\n').at(-1)
    : undefined;

describe('the lab with --json2', () => {
  // The traceback's last line too (a werkzeug exception as its str(), with the status:
  // `…NotFound: 404 Not Found: …`), save type-error's: the lab's ORM words a bad id its own way.
  it.each([
    'invalid-key',
    'no-key',
    'access-error-private',
    'unknown-method',
    'unknown-model',
    'model-method-with-ids',
    'unexpected-argument',
    'type-error',
    'bare-json2',
    'unknown-database',
    'missing-error',
  ])('answers %s with the status, exception and traceback line Odoo 19.0 gave', async (name) => {
    const exchange = recorded[name]!;
    const answer = await post(lab.url, exchange.path, exchange.request, exchange.headers);
    expect({ status: answer.status, name: nameOf(answer.body) }).toEqual({
      status: exchange.status,
      name: nameOf(exchange.body),
    });
    if (name === 'type-error') expect(lastLine(answer.body)).toMatch(/^TypeError: /);
    else expect(lastLine(answer.body)).toBe(lastLine(exchange.body));
  });

  it('answers the messages Odoo 19.0 gave where they name no record', async () => {
    for (const name of ['invalid-key', 'no-key', 'unknown-model', 'unexpected-argument']) {
      const exchange = recorded[name]!;
      const answer = await post(lab.url, exchange.path, exchange.request, exchange.headers);
      expect((answer.body as { message: string }).message, name).toBe(
        (exchange.body as { message: string }).message,
      );
    }
  });

  it('answers a create as its ids, a write as true, None as null', async () => {
    const headers = { authorization: 'bearer <key>', 'x-odoo-database': 'lab19' };
    const one = await post(
      lab.url,
      '/json/2/res.partner/create',
      { vals_list: { name: 'A' } },
      headers,
    );
    expect(one.status).toBe(200);
    expect(one.body).toEqual([expect.any(Number)]);
    const [id] = one.body as number[];
    const many = await post(
      lab.url,
      '/json/2/res.partner/create',
      { vals_list: [{ name: 'B' }, { name: 'C' }] },
      headers,
    );
    expect(many.body).toEqual([expect.any(Number), expect.any(Number)]);
    const write = await post(
      lab.url,
      '/json/2/res.partner/write',
      { ids: [id], vals: { name: 'A2' } },
      headers,
    );
    expect(write).toEqual({ status: 200, body: true });
    const read = await post(
      lab.url,
      '/json/2/res.partner/read',
      { ids: [id], fields: ['name'], context: { lang: 'en_US' } },
      headers,
    );
    expect(read.body).toEqual([{ id, name: 'A2' }]);
    const none = await post(lab.url, '/json/2/account.move/button_draft', { ids: [] }, headers);
    expect(none).toEqual({ status: 200, body: null });
  });

  it("serves the toolkit's JSON-2 client: offered, the uid by login, calls", async () => {
    const transport = new Json2Transport({ url: lab.url });
    await expect(transport.offered()).resolves.toBe(true);
    await expect(transport.authenticate('lab19', 'admin', new Secret(KEY))).resolves.toBe(2);
    await expect(transport.authenticate('lab19', 'admin', new Secret('admin'))).resolves.toBe(
      false,
    );
  });
});

describe('the lab without --json2', () => {
  it('has no JSON-2, as Odoo before 19', async () => {
    const transport = new Json2Transport({ url: plain.url });
    await expect(transport.offered()).resolves.toBe(false);
  });
});

describe('a run over JSON-2 on the lab', () => {
  it('seeds, runs a step and keeps the API key out of the run and the output', async () => {
    const runsDir = await mkdtemp(join(tmpdir(), 'oc-lab-json2-'));
    try {
      const env = cleanEnv({
        ODOO_URL: lab.url,
        ODOO_DB: 'lab19',
        ODOO_API_KEY: KEY,
        ODOO_TRANSPORT: 'json2',
        PGURL: databaseUrl(postgres.url, 'lab19'),
      });
      const seed = await runCli(
        [
          'seed',
          '--products',
          '5',
          '--customers',
          '2',
          '--ready-orders',
          '2',
          '--delivered-orders',
          '2',
        ],
        env,
        300_000,
      );
      expect(seed.code, seed.stderr).toBe(0);
      const run = await runCli(
        [
          'run',
          '--class',
          'order-wave',
          '--rates',
          '2',
          '--warmup',
          '1s',
          '--hold',
          '4s',
          '--runs-dir',
          runsDir,
          '--id',
          'json2',
          '--json',
        ],
        env,
        300_000,
      );
      expect(run.code, run.stderr).toBe(0);
      const dir = join(runsDir, 'json2');
      const { run: doc, steps } = await readRun(dir);
      expect(doc.target).toMatchObject({ auth: 'api_key', transport: 'json2' });
      expect(steps[0]!.step.classes['order-wave']!.errors.total).toBe(0);
      expect(steps[0]!.step.classes['order-wave']!.requests).toBeGreaterThan(0);
      const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((f) =>
        f.isFile(),
      );
      expect(files.length).toBeGreaterThan(5);
      for (const file of files) {
        const text = await readFile(join(file.parentPath, file.name), 'utf8');
        expect(text.includes(KEY), `${file.name} holds the API key`).toBe(false);
      }
      for (const text of [seed.stdout, seed.stderr, run.stdout, run.stderr])
        expect(text.includes(KEY)).toBe(false);
    } finally {
      await rm(runsDir, { recursive: true, force: true });
    }
  }, 600_000);
});
