// The test kube-apiserver: OC_TEST_KUBECONFIG names its kubeconfig, and without it the tests that
// need one skip. In CI (.ci/run) the server is still being built when the tests start:
// OC_TEST_K8S_PREPARE names the folder where `scripts/kube-apiserver.sh prepare` writes
// prepare.log and, once done, prepare.status ("ready <s>" or "failed <s>"). The suites wait for
// it, and a build or start that fails, or never ends, fails them with the log's last lines.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'vitest';

export const kubeconfig = process.env.OC_TEST_KUBECONFIG;

/** How long a suite waits for the background build: the cold build is minutes of compiling. */
export const PREPARE_WAIT_MS = 20 * 60_000;

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Resolves once the background kube-apiserver is ready (at once when none is being prepared). */
export async function apiServerReady(
  dir = process.env.OC_TEST_K8S_PREPARE,
  waitMs = PREPARE_WAIT_MS,
  pollMs = 2000,
): Promise<void> {
  if (!dir) return;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const status = (await readOrUndefined(join(dir, 'prepare.status')))?.trim();
    if (status?.startsWith('ready')) return;
    if (status !== undefined || Date.now() >= deadline) {
      const log = join(dir, 'prepare.log');
      const tail = ((await readOrUndefined(log)) ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .slice(-3)
        .join(' | ');
      const what = status
        ? `failed after ${status.split(' ')[1] ?? '?'} s`
        : `not ready after ${Math.round(waitMs / 1000)} s`;
      throw new Error(
        `kube-apiserver for test/k8s ${what} (scripts/kube-apiserver.sh prepare, ${log}): ${tail || 'no output'}`,
      );
    }
    await sleep(pollMs);
  }
}

/**
 * A suite needing the kube-apiserver: skipped without OC_TEST_KUBECONFIG. Its tests and hooks are
 * collected once the server is ready; a server that failed makes it one failing test, that line.
 */
export function describeWithApiServer(name: string, body: () => void): void {
  describe.skipIf(!kubeconfig)(name, async () => {
    const failure = await apiServerReady().then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    if (failure === undefined) body();
    else
      it('has its kube-apiserver', () => {
        throw Object.assign(new Error(failure), { stack: `Error: ${failure}` });
      });
  });
}
