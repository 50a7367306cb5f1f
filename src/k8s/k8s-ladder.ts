// `k8s run`: a ladder driven through k6-operator with the local runner's safety. Per step: top up
// the seeded pools, apply the step's ConfigMap and TestRun, wait for its stage, copy the pods'
// outputs off the results claim, and ingest them exactly as `run --import` does (importStep);
// then the same stops as a local ladder (stopAfter: knee, error cap, dropped iterations) and the
// same run directory. Ctrl-C deletes the running TestRun and leaves the run partial.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadInputError, ExitCode, isOcError, OcError, UnreachableError } from '../core/errors.js';
import { redact } from '../core/redact.js';
import { createRunDir, readStepJson, stepDirName, writeRunJson } from '../core/run-dir.js';
import type { LadderSpec, RunJson, StepJson, StopReason } from '../core/run-types.js';
import type { ActivitySampler } from '../pgstats/activity-sampler.js';
import type { PgStatsSession } from '../pgstats/stats-session.js';
import {
  importedRunJson,
  importStep,
  type ImportDescriptor,
  type StepPgEvidence,
} from '../runner/import-run.js';
import {
  databaseInfo,
  finish,
  reopenRun,
  type LadderEvents,
  type PrepareStep,
} from '../runner/run-ladder.js';
import { k6ExitMeaning } from '../runner/k6-exit-codes.js';
import { stopAfter } from '../runner/stop-criteria.js';
import { isTransientKubectlError, type Kubectl } from './kubectl.js';
import {
  collectorPod,
  k8sName,
  RESULTS_MOUNT,
  runLabels,
  stepManifests,
  type K8sCluster,
  type Manifest,
} from './manifests.js';

export interface K8sLadderRequest {
  kubectl: Kubectl;
  /** The --context given, if any: else kubectl's current context must be set. */
  context?: string;
  cluster: K8sCluster;
  /** What the run directory records: the ladder, the target, the script and the workload. */
  descriptor: ImportDescriptor;
  /** The Odoo version, when the target was reached from here (seeding): else run.json says unknown. */
  odoo?: RunJson['target']['odoo'];
  /** What run.json records of `--k6-out`: outputs masked, variables by name. */
  k6Outputs?: { outputs: string[]; variables: string[] };
  /**
   * A partial `k8s run` to continue (`--resume`): its steps stay, the ladder goes on from the
   * first step it lacks. Its run id and ladder are the descriptor's.
   */
  resume?: { dir: string; run: RunJson };
  /** Each step's k6 archive, in ladder order. */
  archives: Buffer[];
  runsDir: string;
  environment: RunJson['environment'];
  /** Seconds a TestRun may take to start (images pulled, pods scheduled) and to end. */
  startTimeoutSeconds: number;
  /** Keep each step's TestRun and ConfigMap in the cluster after it is collected. */
  keep?: boolean;
  prepareStep?: PrepareStep;
  /**
   * PostgreSQL statistics from this machine (`--pg-url`): snapshots around each TestRun, activity
   * sampled from `warmupSeconds` after it starts until it ends.
   */
  stats?: PgStatsSession;
  control: { interrupt: AbortSignal };
  events?: LadderEvents;
  /** How often the TestRun's stage is read (default 2 s). */
  pollMs?: number;
  /** How long the API server may stay unreachable during a step (default 60 s). */
  outageMs?: number;
  /**
   * Copies a step's folder on the claim (<run id>/<NN>-<label>) to a local folder. Default:
   * `kubectl cp` from the collector pod.
   */
  collect?: (claimPath: string, into: string) => Promise<void>;
}

const APPLY = ['apply', '--server-side', '--force-conflicts', '--field-manager', 'odoo-capacity'];

/**
 * Applies manifests server-side: a client-side apply copies each object into an annotation,
 * and annotations stop at 256 KiB, well under a ConfigMap's 1 MiB archive.
 */
export async function applyManifests(kubectl: Kubectl, manifests: Manifest[]): Promise<void> {
  await kubectl([...APPLY, '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }),
  });
}

/** The Secret and the results claim exist, and the cluster knows TestRuns (k6-operator). */
export async function preflight(
  kubectl: Kubectl,
  cluster: K8sCluster,
  context?: string,
): Promise<void> {
  // Without a context kubectl tries localhost:8080, which says nothing of the real cause.
  if (!context) await kubectl(['config', 'current-context']);
  await kubectl(['get', 'testruns.k6.io', '-o', 'name']);
  // Key names only: the secret's value never leaves the cluster.
  const needed = [cluster.secretKey, ...Object.values(cluster.outputs?.secretKeys ?? {})];
  const createSecret = `kubectl -n ${cluster.namespace} create secret generic ${cluster.secretName} ${needed.map((k) => `--from-literal=${k}=...`).join(' ')}`;
  const keys = await withHint(
    kubectl([
      'get',
      'secret',
      cluster.secretName,
      '-o',
      'go-template={{range $k, $v := .data}}{{$k}}{{"\\n"}}{{end}}',
    ]),
    `Create it: ${createSecret}`,
  );
  const present = keys.split('\n').filter(Boolean);
  const missing = needed.filter((k) => !present.includes(k));
  if (missing.length > 0) {
    throw new BadInputError(
      `secret ${cluster.secretName} has no key ${missing.map((k) => `"${k}"`).join(', ')} (keys: ${present.join(', ') || 'none'})`,
      { hint: createSecret },
    );
  }
  await withHint(
    kubectl(['get', 'persistentvolumeclaim', cluster.resultsClaim, '-o', 'name']),
    'The runner pods write their outputs to a ReadWriteMany PersistentVolumeClaim: create it, or name yours with --results-claim.',
  );
}

/** A missing object's error, with what to do about it. */
async function withHint<T>(call: Promise<T>, hint: string): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof OcError && /\(NotFound\)/.test(error.message))
      throw new BadInputError(error.message, { hint });
    throw error;
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

export type WaitOutcome = 'finished' | 'interrupted';

export interface WaitOptions {
  /** Seconds until the TestRun must have finished. */
  timeoutSeconds: number;
  signal: AbortSignal;
  /** How often the stage is read (default 2 s). */
  pollMs?: number;
  onStage?: (stage: string) => void;
  /** One line per API outage the wait rides out. */
  onNote?: (line: string) => void;
  /** How long the API may stay unreachable before the run fails (default 60 s). */
  outageMs?: number;
}

/**
 * Waits until the TestRun is finished; its `error` stage, or no end in time, is an error. The
 * API server may be briefly unreachable (a control-plane upgrade, a load balancer's failover):
 * the wait rides out `outageMs` of failed reads before it gives up, the step's pods running on.
 */
export async function waitForTestRun(
  kubectl: Kubectl,
  name: string,
  options: WaitOptions,
): Promise<WaitOutcome> {
  const { timeoutSeconds, signal, pollMs = 2000, onStage, onNote, outageMs = 60_000 } = options;
  const deadline = Date.now() + timeoutSeconds * 1000;
  let stage = '';
  let outageSince: number | undefined;
  while (!signal.aborted) {
    const seen = stage;
    try {
      stage = (await kubectl(['get', 'testrun', name, '-o', 'jsonpath={.status.stage}'])).trim();
      if (outageSince !== undefined)
        onNote?.(
          `TestRun ${name}: the API server answers again after ${Math.round((Date.now() - outageSince) / 1000)} s`,
        );
      outageSince = undefined;
    } catch (error) {
      if (!isTransientKubectlError(error)) throw error;
      if (outageSince === undefined) {
        outageSince = Date.now();
        onNote?.(
          `${(error as Error).message}; retrying for up to ${Math.round(outageMs / 1000)} s`,
        );
      } else if (Date.now() - outageSince > outageMs) throw error;
      await sleep(pollMs, signal);
      continue;
    }
    if (stage !== seen) onStage?.(stage);
    if (stage === 'finished') return 'finished';
    // k6-operator: … started → stopped (every runner pod ended) → finished; error on failure.
    if (stage === 'error') {
      throw new UnreachableError(`TestRun ${name}: k6-operator says stage "${stage}"`, {
        hint: `kubectl describe testrun ${name}, and the logs of its pods (kubectl logs -l k6_cr=${name}).`,
      });
    }
    if (Date.now() > deadline) {
      throw new UnreachableError(
        `TestRun ${name}: not finished after ${timeoutSeconds} s (stage "${stage || 'none'}")`,
        {
          hint: 'Is k6-operator running, and can the pods be scheduled? Raise --start-timeout for slow image pulls.',
        },
      );
    }
    await sleep(pollMs, signal);
  }
  return 'interrupted';
}

/**
 * The highest exit code of a finished TestRun's k6 pods. k6-operator calls a TestRun finished
 * whether its runner Jobs succeeded or failed, so a pod whose k6 ended in a script error, a
 * crash or a stop before the step's end fails the run here, in one line naming the pod; failed
 * thresholds (99) are measurements, as in a local run.
 */
export async function runnerExitCode(
  kubectl: Kubectl,
  testRun: string,
  events?: LadderEvents,
): Promise<number> {
  const pods = JSON.parse(
    await kubectl(['get', 'pods', '-l', `k6_cr=${testRun},runner=true`, '-o', 'json']),
  ) as { items: RunnerPod[] };
  const codes: number[] = [];
  for (const pod of pods.items) {
    const name = pod.metadata.name;
    const k6 =
      pod.status?.containerStatuses?.find((c) => c.name === 'k6') ??
      pod.status?.containerStatuses?.[0];
    const code = k6?.state?.terminated?.exitCode;
    const meaning = k6ExitMeaning(code ?? null);
    if (!meaning.measured) {
      const reason = k6?.state?.terminated?.reason;
      throw new OcError(
        code === undefined
          ? `TestRun ${testRun}: pod ${name} has no k6 exit code (phase ${pod.status?.phase ?? 'unknown'}): its outputs are not a whole step`
          : `TestRun ${testRun}: pod ${name}: k6 exited ${code} (${meaning.name}${reason && reason !== 'Error' ? `, ${reason}` : ''})`,
        meaning.error ?? ExitCode.unreachable,
        { hint: `kubectl logs ${name} -c k6; kubectl describe pod ${name}` },
      );
    }
    codes.push(code!);
  }
  if (codes.length === 0)
    events?.onNote?.(
      `TestRun ${testRun}: no runner pods left to read k6's exit codes from; step.json records 0`,
      'warning',
    );
  return Math.max(0, ...codes);
}

interface RunnerPod {
  metadata: { name: string };
  status?: {
    phase?: string;
    containerStatuses?: {
      name: string;
      state?: { terminated?: { exitCode: number; reason?: string } };
    }[];
  };
}

async function deleteStep(kubectl: Kubectl, runId: string, folder: string, wait: boolean) {
  const labels = { ...runLabels(runId), 'odoo-capacity/step': k8sName(folder) };
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  await kubectl([
    'delete',
    'testruns.k6.io,configmap',
    '-l',
    selector,
    '--ignore-not-found',
    `--wait=${wait}`,
  ]);
}

export interface K8sLadderOutcome {
  dir: string;
  run: RunJson;
}

export async function runK8sLadder(request: K8sLadderRequest): Promise<K8sLadderOutcome> {
  const { kubectl, cluster, descriptor } = request;
  const spec = descriptor.ladder;
  await preflight(kubectl, cluster, request.context);
  const { dir, run } = request.resume ?? {
    dir: await createRunDir(request.runsDir, descriptor.runId),
    run: { ...importedRunJson(descriptor.runId, spec, descriptor), source: 'k8s' as const },
  };
  await reopenRun(dir, run, request.k6Outputs);
  if (request.resume) {
    request.events?.onNote?.(
      `resuming ${run.id} after step ${run.steps.length} of ${spec.steps.length}`,
      'info',
    );
  } else run.environment = request.environment;
  if (request.stats) run.database = databaseInfo(request.stats);
  if (request.odoo) run.target.odoo = request.odoo;
  await writeRunJson(dir, run);
  request.events?.onStart?.(run, dir);
  const scratch = await mkdtemp(join(tmpdir(), 'oc-k8s-collect-'));
  // A resumed run's step folders on the claim and its collector pod are its own (climb).
  const attempt = request.resume ? `resumed-${Date.now().toString(36)}` : undefined;
  const collector = collectorPod(cluster, attempt);
  try {
    await applyManifests(kubectl, [collector]);
    await kubectl(
      [
        'wait',
        '--for=condition=Ready',
        `pod/${collector.metadata.name}`,
        `--timeout=${request.startTimeoutSeconds}s`,
      ],
      { timeoutMs: (request.startTimeoutSeconds + 30) * 1000 },
    );
    await climb(request, dir, run, spec, collector.metadata.name, scratch, attempt);
    return { dir, run };
  } catch (error) {
    run.status = 'failed';
    run.stopReason = {
      kind: 'failed',
      detail: redact(isOcError(error) ? error.message : String(error)),
    };
    run.finishedAt = new Date().toISOString();
    await writeRunJson(dir, run);
    throw error;
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await kubectl([
      'delete',
      'pod',
      collector.metadata.name,
      '--ignore-not-found',
      '--wait=false',
    ]).catch(() => undefined);
  }
}

async function climb(
  request: K8sLadderRequest,
  dir: string,
  run: RunJson,
  spec: LadderSpec,
  collector: string,
  scratch: string,
  attempt: string | undefined,
): Promise<void> {
  const { kubectl, cluster } = request;
  const total = spec.steps.length;
  const start = run.steps.length;
  let baseline: StepJson | undefined =
    start > 0 ? await readStepJson(dir, run.steps[0]!.dir) : undefined;
  let stop: StopReason | undefined;
  for (let i = start; i < total && !stop; i++) {
    const step = spec.steps[i]!;
    const folder = stepDirName(i + 1, step.label);
    request.events?.onStepStart?.(i + 1, total, step.label);
    // A resumed step's TestRun may still be in the cluster, and its pods' outputs on the claim:
    // the objects are deleted, and this attempt writes to a folder of its own (claimFolder).
    if (request.resume && i === start) await deleteStep(kubectl, cluster.runId, folder, true);
    const note = await request.prepareStep?.(step, i + 1, run);
    if (note) request.events?.onNote?.(note, 'info');
    const claimFolder = attempt ? `${folder}.${attempt}` : folder;
    const { configMap, testRun } = stepManifests(
      cluster,
      spec,
      i + 1,
      request.archives[i]!,
      claimFolder,
    );
    const pg = request.stats && pgAroundStep(request.stats, spec);
    await pg?.begin();
    await applyManifests(kubectl, [configMap, testRun]);
    request.events?.onNote?.(
      `${step.label}: TestRun ${testRun.metadata.name} applied (${cluster.parallelism} pods)`,
      'info',
    );
    const timeout = spec.warmupSeconds + spec.holdSeconds + request.startTimeoutSeconds;
    let outcome: WaitOutcome;
    try {
      outcome = await waitForTestRun(kubectl, testRun.metadata.name, {
        timeoutSeconds: timeout,
        signal: request.control.interrupt,
        pollMs: request.pollMs,
        onStage: (stage) => {
          pg?.onStage(stage);
          // k6-operator's stages, as progress: initialization … started … stopped, finished.
          request.events?.onNote?.(`${step.label}: TestRun ${stage || 'applied'}`, 'info');
        },
        onNote: (line) => request.events?.onNote?.(line, 'warning'),
        outageMs: request.outageMs,
      });
    } finally {
      await pg?.stopSampling();
    }
    if (outcome === 'interrupted') {
      await deleteStep(kubectl, cluster.runId, folder, false);
      run.status = 'partial';
      run.stopReason = {
        kind: 'interrupted',
        detail: `interrupted during step ${i + 1} (${step.label}); its TestRun was deleted`,
      };
      await writeRunJson(dir, run);
      return;
    }
    const k6ExitCode = await runnerExitCode(kubectl, testRun.metadata.name, request.events);
    const local = join(scratch, folder);
    const claimPath = `${cluster.runId}/${claimFolder}`;
    if (request.collect) await request.collect(claimPath, local);
    else
      await kubectl(['cp', `${collector}:${RESULTS_MOUNT}/${claimPath}`, local], {
        timeoutMs: 600_000,
      });
    const stepJson = await importStep(
      dir,
      run,
      spec,
      { index: i + 1, label: step.label, path: local },
      { pg: await pg?.end(), k6ExitCode },
    );
    await rm(local, { recursive: true, force: true });
    request.events?.onStepEnd?.(
      { kind: 'measured', step: stepJson, dir: run.steps.at(-1)!.dir },
      i + 1,
    );
    if (!request.keep) await deleteStep(kubectl, cluster.runId, folder, false);
    baseline ??= stepJson;
    stop = stopAfter(baseline, stepJson, spec);
    await writeRunJson(dir, run);
  }
  finish(run, stop ?? { kind: 'complete' });
  await writeRunJson(dir, run);
}

/**
 * PostgreSQL around one TestRun: a snapshot before it is applied, samples from the end of its
 * warm-up (its `started` stage plus warmupSeconds; k6-operator starts the pods together) until it
 * ends, and a snapshot once it has finished.
 */
function pgAroundStep(stats: PgStatsSession, spec: LadderSpec) {
  let before: StepPgEvidence['before'] | undefined;
  let sampler: ActivitySampler | undefined;
  let timer: NodeJS.Timeout | undefined;
  let samples: StepPgEvidence['samples'] = [];
  return {
    async begin() {
      before = await stats.snapshot();
    },
    onStage(stage: string) {
      if (stage !== 'started' || timer || sampler) return;
      timer = setTimeout(() => {
        sampler = stats.startSampler(spec.sampleIntervalSeconds ?? 5);
      }, spec.warmupSeconds * 1000);
    },
    async stopSampling() {
      clearTimeout(timer);
      samples = (await sampler?.stop()) ?? [];
    },
    async end(): Promise<StepPgEvidence> {
      return { before: before!, after: await stats.snapshot(), samples };
    },
  };
}
