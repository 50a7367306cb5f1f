// `k6 archive`: the scenario, every module it imports and its options, bundled into one tar with
// the step's OC_* variables, so a k6-operator pod runs exactly what a local step runs.
import { readFile } from 'node:fs/promises';
import type { K6Binary } from './k6-binary.js';
import { k6Failure, startK6 } from './k6-process.js';

/**
 * Archives script with env embedded (-e). env must hold no secret: an archive is a file that
 * travels (into a ConfigMap); secrets reach the pods from a Kubernetes Secret.
 */
export async function buildArchive(
  k6: K6Binary,
  script: string,
  env: Record<string, string>,
  out: string,
): Promise<Buffer> {
  const label = `k6 archive ${script}`;
  const outcome = await startK6({
    binary: k6.path,
    args: [
      'archive',
      '--quiet',
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      '-O',
      out,
      script,
    ],
    env: {},
    timeoutMs: 120_000,
    label,
  }).done;
  const failure = k6Failure(outcome, label);
  if (failure) throw failure;
  return readFile(out);
}
