// A TestRun's step run as k6-operator's pods would run it, in real k6 on this machine: pod i of
// `parallelism` takes its execution segment, its env is the TestRun's runner env with $(POD_NAME)
// expanded as the kubelet would, k6-operator's tags instance_id and testrun_name on its samples,
// and the results claim is a local folder.
import { mkdir } from 'node:fs/promises';
import { segmentArgs } from '../../../src/runner/execution-segments.js';
import { startK6, type K6Outcome } from '../../../src/runner/k6-process.js';
import { k6Binary } from '../../runner/helpers/k6.js';

export interface TestRunSpec {
  parallelism: number;
  /** Appended to `k6 run` split at spaces, before the script, as k6-operator does. */
  arguments?: string;
  runner: { env: { name: string; value?: string }[] };
}

/** Runs `archive` as the TestRun's pods named `<podPrefix><i>`; `secret` stands for the Secret. */
export async function runAsPods(
  spec: TestRunSpec,
  archive: string,
  results: string,
  podPrefix: string,
  secret: Record<string, string>,
): Promise<K6Outcome[]> {
  await mkdir(results, { recursive: true });
  const n = spec.parallelism;
  return Promise.all(
    Array.from({ length: n }, (_, i) => {
      const pod = `${podPrefix}${i}`;
      const env = Object.fromEntries(
        spec.runner.env
          .filter((e) => e.value !== undefined)
          .map((e) => [
            e.name,
            e.value!.replaceAll('$(POD_NAME)', pod).replaceAll('/results/', `${results}/`),
          ]),
      );
      return startK6({
        binary: k6Binary(),
        args: [
          'run',
          '--quiet',
          ...segmentArgs(i, n),
          ...(spec.arguments ? spec.arguments.split(' ') : []),
          archive,
          ...['--tag', `instance_id=${i + 1}`, '--tag', `testrun_name=${podPrefix.slice(0, -1)}`],
        ],
        env: { ...env, ...secret },
        timeoutMs: 60_000,
        label: pod,
      }).done;
    }),
  );
}
