// The k6 side's Odoo client in real k6 against exchanges recorded from Odoo 17: the same calls,
// the same decoding, fault tags as src/odoo/faults.ts, transport failures tagged.
import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFault } from '../../src/odoo/faults.js';
import {
  decodeCall,
  decodeResponse,
  loadExchanges,
  startFixtureServer,
  type Exchange,
  type FixtureServer,
} from '../helpers/fixture-server.js';
import { REPO, newTempDir, runK6 } from '../scenarios/run-k6.js';

const serializer = createRequire(import.meta.url)('xmlrpc/lib/serializer') as {
  serializeMethodCall(method: string, params: unknown[]): string;
  serializeFault(fault: unknown): string;
};

const NONE_TRACEBACK =
  'Traceback (most recent call last):\n  File "/opt/odoo/odoo/addons/base/controllers/rpc.py", line 151, in xmlrpc_2\nTypeError: cannot marshal None unless allow_none is enabled\n';
const SERIALIZATION_TRACEBACK =
  'Traceback (most recent call last):\n  File "/opt/odoo/odoo/service/model.py", line 156, in retrying\npsycopg2.errors.SerializationFailure: could not serialize access due to concurrent update\n';

/** An extra exchange: an execute_kw call and the fault Odoo answers it with. */
function faultExchange(name: string, method: string, faultString: string): Exchange {
  return {
    name,
    path: '/xmlrpc/2/object',
    method: 'execute_kw',
    request: serializer.serializeMethodCall('execute_kw', [
      'lab17',
      2,
      'admin',
      'sale.advance.payment.inv',
      method,
      [[1]],
    ]),
    response: serializer.serializeFault({ faultCode: 1, faultString }),
  };
}

const EXTRA = [
  faultExchange('create-invoices-committed-none', 'create_invoices', NONE_TRACEBACK),
  faultExchange('post-serialization-failure', 'post_after_retries', SERIALIZATION_TRACEBACK),
];

interface Call {
  name: string;
  kind: 'version' | 'authenticate' | 'execute_kw';
  url?: string;
  db?: string;
  user?: string;
  secret?: string;
  uid?: number;
  model?: string;
  method?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
}

interface Outcome {
  name: string;
  value?: unknown;
  tag?: string;
  faultCode?: number | string | null;
  error?: string;
}

const SCRIPT = `
import { XmlRpcTransport } from '${REPO}/scenarios/k6/xmlrpc-transport.ts';
import { CallFailure } from '${REPO}/scenarios/lib/call-failure.ts';
const calls = JSON.parse(open(__ENV.CALLS_FILE));
export const options = { vus: 1, iterations: 1 };
export default function () {
  const outcomes = [];
  for (const c of calls) {
    const target = { url: c.url ?? __ENV.URL, db: c.db ?? 'lab17', user: c.user ?? 'admin', secret: c.secret ?? 'admin', secretKind: 'password' };
    const transport = new XmlRpcTransport(target, '2s');
    try {
      const value = c.kind === 'version' ? transport.version()
        : c.kind === 'authenticate' ? transport.authenticate()
        : transport.executeKw(c.uid, c.model, c.method, c.args, c.kwargs);
      outcomes.push({ name: c.name, value });
    } catch (e) {
      outcomes.push(e instanceof CallFailure
        ? { name: c.name, tag: e.tag, faultCode: e.faultCode ?? null }
        : { name: c.name, error: String(e) });
    }
  }
  console.log(JSON.stringify(outcomes));
}
`;

async function toCall(exchange: Exchange): Promise<Call> {
  const [method, params] = await decodeCall(exchange.request);
  if (method === 'version') return { name: exchange.name, kind: 'version' };
  if (method === 'authenticate') {
    const [db, user, secret] = params as string[];
    return { name: exchange.name, kind: 'authenticate', db, user, secret };
  }
  const [db, uid, secret, model, m, args, kwargs] = params as [
    string,
    number,
    string,
    string,
    string,
    unknown[],
    Record<string, unknown>?,
  ];
  return {
    name: exchange.name,
    kind: 'execute_kw',
    db,
    uid,
    secret,
    model,
    method: m,
    args,
    kwargs,
  };
}

let server: FixtureServer;
let silent: Server;
const sockets: Socket[] = [];
let silentUrl: string;
let outcomes: Map<string, Outcome>;

beforeAll(async () => {
  server = await startFixtureServer(EXTRA);
  // A server that accepts connections and never answers: the request must time out.
  silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;

  const calls: Call[] = await Promise.all([...loadExchanges(), ...EXTRA].map(toCall));
  calls.push(
    {
      name: 'unrecorded-call',
      kind: 'execute_kw',
      uid: 2,
      model: 'res.partner',
      method: 'nothing_recorded',
      args: [],
    },
    { name: 'no-answer', kind: 'version', url: silentUrl },
    { name: 'nothing-listens', kind: 'version', url: 'http://127.0.0.1:9' },
  );
  const dir = newTempDir('client');
  writeFileSync(join(dir, 'calls.json'), JSON.stringify(calls));
  writeFileSync(join(dir, 'script.js'), SCRIPT);
  const result = await runK6(join(dir, 'script.js'), {
    URL: server.url,
    CALLS_FILE: join(dir, 'calls.json'),
  });
  expect(result.exitCode, result.stderr).toBe(0);
  const line = result.console.find((l) => l.msg.startsWith('['))!;
  outcomes = new Map((JSON.parse(line.msg) as Outcome[]).map((o) => [o.name, o]));
});

afterAll(async () => {
  await server?.close();
  sockets.forEach((s) => s.destroy());
  await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
});

describe('the k6 XML-RPC client against the recorded Odoo 17 exchanges', () => {
  it('sends every recorded call so that the recorded server recognises it', () => {
    const recorded = loadExchanges().map((e) => e.name);
    for (const name of recorded) expect(outcomes.get(name)?.error, name).toBeUndefined();
    // Only the deliberately unrecorded call missed.
    expect(server.unmatched).toHaveLength(1);
    expect(server.unmatched[0]).toContain('nothing_recorded');
  });

  it('decodes each answer as the xmlrpc package does', async () => {
    for (const exchange of loadExchanges()) {
      const expected = await decodeResponse(exchange.response);
      if (expected.fault) continue;
      const outcome = outcomes.get(exchange.name)!;
      const value =
        exchange.path === '/xmlrpc/2/object'
          ? { status: 'value', value: expected.value }
          : exchange.method === 'authenticate' && expected.value === false
            ? false
            : expected.value;
      expect(outcome.value, exchange.name).toEqual(value);
    }
  });

  it('authenticate gives the uid, and false for a wrong password', () => {
    expect(outcomes.get('common-authenticate-ok')!.value).toBe(2);
    expect(outcomes.get('common-authenticate-wrong-password')!.value).toBe(false);
  });

  it('tags each recorded fault as the Node client does', async () => {
    for (const exchange of loadExchanges()) {
      const expected = await decodeResponse(exchange.response);
      if (!expected.fault) continue;
      const { faultCode, faultString } = expected.fault as {
        faultCode: number;
        faultString: string;
      };
      expect(outcomes.get(exchange.name), exchange.name).toMatchObject({
        tag: classifyFault('x', faultCode, faultString).tag,
        faultCode,
      });
    }
  });

  it('treats "committed, then fault 1" (None) as a committed call, and a lost race as concurrency', () => {
    expect(outcomes.get('create-invoices-committed-none')!.value).toEqual({ status: 'none' });
    expect(outcomes.get('post-serialization-failure')).toMatchObject({
      tag: 'concurrency',
      faultCode: 1,
    });
  });

  it('tags transport failures: HTTP errors, no answer in time, nothing listening', () => {
    expect(outcomes.get('unrecorded-call')).toMatchObject({ tag: 'http' });
    expect(outcomes.get('no-answer')).toMatchObject({ tag: 'timeout' });
    expect(outcomes.get('nothing-listens')).toMatchObject({ tag: 'http' });
  });
});
