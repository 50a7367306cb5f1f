// Installs k6-operator's TestRun CRD on a test kube-apiserver and waits until it is served.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';

export const CRD = join(
  import.meta.dirname,
  '..',
  '..',
  'fixtures',
  'k6-operator',
  'k6.io_testruns.yaml',
);

/** Applies the CRD and waits for Established; test files applying it at once may race, so retried. */
export async function installTestRunCrd(kubectlBin: string, kubeconfig: string): Promise<void> {
  const kc = (args: string[]) =>
    execFileSync(kubectlBin, args, {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  for (let attempt = 1; ; attempt++) {
    try {
      kc(['apply', '--server-side', '--force-conflicts', '-f', CRD]);
      kc(['wait', '--for=condition=Established', 'crd/testruns.k6.io', '--timeout=60s']);
      return;
    } catch (error) {
      if (attempt === 5) throw error;
      await sleep(1000);
    }
  }
}
