// Test helpers for the lab server: start a lab on a free port with the probe ORM, and speak
// XML-RPC to it over real HTTP (the xmlrpc package encodes, fetch carries, the package decodes).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Logger } from '../../../../src/core/logger.js';
import { startLab, type LabHandle, type LabOptions } from '../../../../src/lab/server/index.js';
import { decodeResponse } from '../../../helpers/fixture-server.js';

export const PROBE_ORM = join(import.meta.dirname, 'probe-orm.mjs');
export { PROBE_API_KEY } from './probe-orm.mjs';

const serializer = createRequire(import.meta.url)('xmlrpc/lib/serializer') as {
  serializeMethodCall(method: string, params: unknown[]): string;
};

export interface Captured {
  lines: string[];
}

/** A lab over the probe ORM on a free port; its log lines are captured, not printed. */
export async function startProbeLab(
  options: LabOptions = {},
): Promise<LabHandle & { logs: Captured }> {
  const logs: Captured = { lines: [] };
  const lab = await startLab({
    port: 0,
    ormModule: pathToFileURL(PROBE_ORM).href,
    log: new Logger('debug', { write: (line) => logs.lines.push(line) }),
    ...options,
  });
  return Object.assign(lab, { logs });
}

export interface RpcAnswer {
  value?: unknown;
  fault?: { faultCode: unknown; faultString: string };
}

export async function postXml(
  url: string,
  path: string,
  body: string,
): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: await response.text(),
  };
}

export async function rpc(
  url: string,
  service: string,
  method: string,
  params: unknown[],
): Promise<RpcAnswer> {
  const { status, text } = await postXml(
    url,
    `/xmlrpc/2/${service}`,
    serializer.serializeMethodCall(method, params),
  );
  if (status !== 200) throw new Error(`HTTP ${status}: ${text.slice(0, 200)}`);
  return decodeResponse(text);
}

/** execute_kw as admin on `db`, with the lab's default password unless given. */
export function executeKw(
  url: string,
  db: string,
  model: string,
  method: string,
  args: unknown[],
  kwargs?: Record<string, unknown>,
  secret = 'admin',
): Promise<RpcAnswer> {
  return rpc(url, 'object', 'execute_kw', [
    db,
    2,
    secret,
    model,
    method,
    args,
    ...(kwargs ? [kwargs] : []),
  ]);
}

/** Polls `probe` until it returns true, or fails after `timeoutMs`. */
export async function waitFor(
  probe: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
