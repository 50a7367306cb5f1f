// A real Prometheus for tests, as a remote-write receiver with the metrics profile's own
// configuration (deploy/prometheus): PROMETHEUS_BIN, else `prometheus` on PATH, else absent.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '../../src/pg-local/postgres-provider.js';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** PROMETHEUS_BIN (which must then work), or `prometheus` on PATH; else a one-line skip notice. */
export function findPrometheus(suite: string): string | undefined {
  const explicit = process.env.PROMETHEUS_BIN;
  if (explicit) {
    if (!executable(explicit))
      throw new Error(`PROMETHEUS_BIN=${explicit} is not an executable file`);
    return explicit;
  }
  const found = (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'prometheus'))
    .find(executable);
  if (!found) {
    console.warn(
      `${suite}: skipped: no Prometheus (set PROMETHEUS_BIN, or run scripts/ensure-prometheus.sh)`,
    );
  }
  return found;
}

export interface Series {
  __name__: string;
  [label: string]: string;
}

export interface PrometheusHandle {
  /** http://127.0.0.1:<port>; remote write at /api/v1/write. */
  url: string;
  series(match: string): Promise<Series[]>;
  query(expr: string): Promise<{ metric: Series; value: [number, string] }[]>;
  stop(): Promise<void>;
}

async function api<T>(url: string): Promise<T> {
  const body = (await (await fetch(url)).json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus ${url}: ${body.error ?? body.status}`);
  return body.data;
}

/** Starts `binary` on a free loopback port and waits until it is ready (30 s at most). */
export async function startPrometheus(binary: string): Promise<PrometheusHandle> {
  const root = await mkdtemp(join(tmpdir(), 'oc-prometheus-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(import.meta.dirname, '..', '..', 'deploy', 'prometheus', 'prometheus.yml');
  const child = spawn(
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(root, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
    ],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    child.kill('SIGTERM');
    await rm(root, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prometheus at ${url} was not ready in time`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    series: (match) => api(`${url}/api/v1/series?${new URLSearchParams({ 'match[]': match })}`),
    query: async (expr) =>
      (
        await api<{ result: { metric: Series; value: [number, string] }[] }>(
          `${url}/api/v1/query?${new URLSearchParams({ query: expr })}`,
        )
      ).result,
    stop,
  };
}
