// A small HTTP target for the runner's tests: the contract probe's calls answered after a chosen
// delay, with Odoo 17's recorded common.version and authenticate for the preflight.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { WIRE_DIR } from '../../helpers/fixture-server.js';

const recorded = (name: string) => readFileSync(join(WIRE_DIR, `${name}.response.xml`), 'utf8');

export interface LoadTargetOptions {
  /** Milliseconds to wait before answering, from the rate the probe sends (x-oc-rate). */
  delayMs?: (rate: number) => number;
  /** Answer a fault for this fraction of calls, deterministically (every n-th call). */
  faultFraction?: number;
  /** Which fault: an Odoo serialization failure (concurrency) or an application error. */
  faultKind?: 'concurrency' | 'application';
  /** The password authenticate accepts (default admin). */
  password?: string;
  /** Work each business call does before answering, e.g. an UPDATE in a tenant database. */
  onCall?: () => Promise<unknown>;
}

export interface LoadTarget {
  url: string;
  /** Calls answered so far. */
  readonly calls: number;
  close(): Promise<void>;
}

const OK =
  '<?xml version="1.0"?><methodResponse><params><param><value><int>1</int></value></param></params></methodResponse>';

function faultBody(kind: 'concurrency' | 'application'): string {
  const text =
    kind === 'concurrency'
      ? 'could not serialize access due to concurrent update'
      : 'The operation cannot be completed';
  return `<?xml version="1.0"?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member><member><name>faultString</name><value><string>${text}</string></value></member></struct></value></fault></methodResponse>`;
}

export async function startLoadTarget(options: LoadTargetOptions = {}): Promise<LoadTarget> {
  let calls = 0;
  const everyNth = options.faultFraction ? Math.round(1 / options.faultFraction) : 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/xmlrpc/2/common') {
        const body = Buffer.concat(chunks).toString('utf8');
        const params = [...body.matchAll(/<string>([^<]*)<\/string>/g)].map((m) => m[1]);
        const name = body.includes('<methodName>version</methodName>')
          ? 'common-version'
          : params[2] === (options.password ?? 'admin')
            ? 'common-authenticate-ok'
            : 'common-authenticate-wrong-password';
        res.writeHead(200, { 'content-type': 'text/xml' }).end(recorded(name));
        return;
      }
      calls += 1;
      const fault = everyNth > 0 && calls % everyNth === 0;
      const rate = Number(req.headers['x-oc-rate'] ?? 0);
      const delay = options.delayMs?.(rate) ?? 2;
      const answer = () =>
        res
          .writeHead(200, { 'content-type': 'text/xml' })
          .end(fault ? faultBody(options.faultKind ?? 'application') : OK);
      setTimeout(() => {
        if (!options.onCall) answer();
        else options.onCall().then(answer, () => res.writeHead(500).end());
      }, delay);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return calls;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
