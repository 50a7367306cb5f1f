// `k8s run`: a ladder through k6-operator, step by step, with the local runner's stops and the
// same run directory (src/k8s/k8s-ladder.ts); `--dry-run` prints the manifests instead, for a
// user to inspect or apply by hand (then `run --import`). docs/kubernetes.md.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic-write.js';
import { BadInputError } from '../../core/errors.js';
import { log } from '../../core/logger.js';
import { stepDirName } from '../../core/run-dir.js';
import { RUN_SCHEMA_VERSION } from '../../core/run-types.js';
import {
  parseHttpUrl,
  resolvePgUrl,
  resolveTarget,
  resolveTransport,
  type SecretKind,
} from '../../core/target.js';
import {
  addLadderOptions,
  ladderFromFlags,
  loadWorkloadEnvelope,
  scriptFor,
  type LadderFlags,
} from '../ladder-options.js';
import { collect, numberFlag } from '../flags.js';
import { printJson, printLines, type GlobalOptions } from '../output.js';
import {
  consoleLadderEvents,
  interruptControls,
  loadEnvironmentChecked,
  reportRun,
} from '../steps/ladder.js';
import {
  DEFAULT_RESOURCES,
  podOutputs,
  quantity,
  type K8sCluster,
  type Manifest,
} from '../../k8s/manifests.js';
import type { LadderSpec } from '../../core/run-types.js';
import type { WorkloadEnvelope } from '../../core/models/workload.js';
import type { K6Binary } from '../../runner/k6-binary.js';

interface K8sRunFlags extends LadderFlags, GlobalOptions {
  url?: string;
  db?: string;
  user?: string;
  auth?: string;
  transport?: string;
  passwordFile?: string;
  pgUrl?: string;
  k6Out?: string[];
  resume?: string;
  id?: string;
  parallelism?: string;
  namespace: string;
  context?: string;
  image?: string;
  secretName: string;
  secretKey?: string;
  resultsClaim: string;
  separate?: boolean;
  runnerCpu: string;
  runnerMemory: string;
  runnerCpuLimit?: string;
  runnerMemoryLimit?: string;
  startTimeout: string;
  keep?: boolean;
  seed: boolean;
  dryRun?: boolean;
  out?: string;
  runsDir: string;
  script?: string;
  workload?: string;
  models: string;
  environment?: string;
  allowProduction?: boolean;
}

/** The target as the pods see it: no secret here, the pods read it from the Secret. */
function podTarget(flags: K8sRunFlags) {
  const rawUrl = flags.url ?? process.env.ODOO_URL;
  const db = flags.db ?? process.env.ODOO_DB;
  if (!rawUrl || !db) {
    throw new BadInputError('no target: pass --url and --db (or set ODOO_URL and ODOO_DB)', {
      hint: 'The pods load the Odoo the cluster reaches, e.g. http://odoo.tenant-a.svc:8069.',
    });
  }
  const auth =
    flags.auth ?? (process.env.ODOO_API_KEY && !process.env.ODOO_PASSWORD ? 'api_key' : 'password');
  if (auth !== 'password' && auth !== 'api_key') {
    throw new BadInputError(`--auth: expected password or api_key, got "${auth}"`);
  }
  return {
    url: parseHttpUrl(rawUrl, flags.url ? '--url' : 'ODOO_URL'),
    db,
    user: flags.user ?? process.env.ODOO_USER ?? 'admin',
    auth: auth as SecretKind,
    transport: resolveTransport(flags),
  };
}

function clusterFrom(
  flags: K8sRunFlags,
  spec: LadderSpec,
  runId: string,
  k6Version: string,
): K8sCluster {
  const target = podTarget(flags);
  const cpuLimit = flags.runnerCpuLimit ?? flags.runnerCpu;
  const memoryLimit = flags.runnerMemoryLimit ?? flags.runnerMemory;
  const cluster: K8sCluster = {
    runId,
    namespace: flags.namespace,
    parallelism:
      flags.parallelism === undefined
        ? spec.segments
        : numberFlag('--parallelism', flags.parallelism, { integer: true, min: 1 }),
    image: flags.image ?? `grafana/k6:${k6Version.replace(/^v/, '')}`,
    target,
    secretName: flags.secretName,
    secretKey: flags.secretKey ?? (target.auth === 'api_key' ? 'api-key' : 'password'),
    resultsClaim: flags.resultsClaim,
    separate: Boolean(flags.separate),
    resources: {
      requests: {
        cpu: quantity('--runner-cpu', flags.runnerCpu),
        memory: quantity('--runner-memory', flags.runnerMemory),
      },
      limits: {
        ...(cpuLimit !== 'none' && { cpu: quantity('--runner-cpu-limit', cpuLimit) }),
        memory: quantity('--runner-memory-limit', memoryLimit),
      },
    },
  };
  return cluster;
}

/**
 * The ladder's error cap as the pods' own guard. A local run stops a step as soon as its error
 * rate passes --max-error-rate; pods cannot be watched from here, so the cap (when lower) becomes
 * the scenarios' abortOnFail threshold, judged after the SLO's `abort.after`. Their k6 exits 99,
 * the step is measured, and the ladder stops on its errors as a local one does.
 */
function withErrorCap(workload: WorkloadEnvelope, spec: LadderSpec): WorkloadEnvelope {
  const cap = spec.caps.maxErrorRate;
  const { abort } = workload.slo;
  if (!(cap > 0 && cap < abort.maxErrorRate)) return workload;
  return { ...workload, slo: { ...workload.slo, abort: { ...abort, maxErrorRate: cap } } };
}

/** Each step's archive, built by the local k6 with the step's OC_* variables (no secret). */
async function buildArchives(
  k6: K6Binary,
  script: string,
  runId: string,
  spec: LadderSpec,
  workload: WorkloadEnvelope,
): Promise<Buffer[]> {
  const { loadVariables } = await import('../../runner/k6-environment.js');
  const { buildArchive } = await import('../../runner/k6-archive.js');
  const { checkArchiveSize } = await import('../../k8s/manifests.js');
  const scratch = await mkdtemp(join(tmpdir(), 'oc-k8s-'));
  try {
    const archives: Buffer[] = [];
    for (const [i, step] of spec.steps.entries()) {
      const env = loadVariables({ runId, profile: spec.profile, ladder: spec, step, workload });
      const archive = await buildArchive(k6, script, env, join(scratch, `${i}.tar`));
      checkArchiveSize(archive.length, stepDirName(i + 1, step.label));
      archives.push(archive);
    }
    return archives;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * `--resume <id|dir>`: a partial `k8s run` to continue, with its ladder, script and workload;
 * the target defaults to the run's, and must be it. Ladder flags and --id do not apply.
 */
async function resumable(flags: K8sRunFlags) {
  const { openResumable } = await import('../../runner/run-ladder.js');
  if (flags.dryRun) throw new BadInputError('--resume and --dry-run do not go together');
  const given = ['class', 'rates', 'vus', 'ladder', 'hold', 'warmup', 'id', 'script', 'workload']
    .filter((f) => flags[f as keyof K8sRunFlags] !== undefined)
    .map((f) => `--${f}`);
  if (given.length > 0) {
    throw new BadInputError(
      `--resume continues the run as it started: ${given.join(', ')} cannot change it`,
      { hint: 'Leave them out, or start a new run.' },
    );
  }
  const opened = await openResumable(flags.resume!, flags.runsDir, 'k8s');
  const { target } = opened.run;
  flags.url ??= process.env.ODOO_URL ?? target.url;
  flags.db ??= process.env.ODOO_DB ?? target.db;
  if (flags.url !== target.url || flags.db !== target.db) {
    throw new BadInputError(
      `resume: the target ${flags.url} (${flags.db}) is not this run's ${target.url} (${target.db})`,
      { hint: 'Leave out --url and --db (and ODOO_URL, ODOO_DB): the run keeps its target.' },
    );
  }
  return opened;
}

function seedTarget(flags: K8sRunFlags, cluster: K8sCluster) {
  const hint =
    'Pools are topped up from this machine before consuming steps: set ODOO_PASSWORD (or ODOO_API_KEY) here, or pass --no-seed and seed the target yourself.';
  try {
    const target = resolveTarget({ ...flags, url: cluster.target.url, db: cluster.target.db });
    if (target) return target;
  } catch (error) {
    if (error instanceof BadInputError && /no secret/.test(error.message))
      throw new BadInputError(error.message, { hint });
    throw error;
  }
  throw new BadInputError('no target', { hint });
}

async function action(flags: K8sRunFlags): Promise<void> {
  const { locateK6 } = await import('../../runner/k6-binary.js');
  const { newRunId } = await import('../../runner/run-ladder.js');
  const { stepManifests } = await import('../../k8s/manifests.js');
  const resume = flags.resume ? await resumable(flags) : undefined;
  const spec = resume?.run.ladder ?? (await ladderFromFlags(flags));
  const runId = resume?.run.id ?? flags.id ?? newRunId(spec.profile);
  const k6 = await locateK6({ install: false });
  const cluster = clusterFrom(flags, spec, runId, k6.version);
  const { k6OutputSettings } = await import('../../runner/k6-outputs.js');
  const outputs = k6OutputSettings(flags.k6Out ?? [], process.env, 'k8s run --k6-out');
  const tagged = outputs.outputs.length > 0 || Object.keys(outputs.env).length > 0;
  if (tagged) cluster.outputs = podOutputs(outputs, cluster.secretName);
  for (const note of outputs.notes) log.warn(note);
  const script = resume?.run.scenario!.script ?? scriptFor(flags, spec.profile);
  const workload = resume?.run.scenario!.workload ?? (await loadWorkloadEnvelope(flags));
  const environment = flags.dryRun ? undefined : await loadEnvironmentChecked(flags);
  const archives = await buildArchives(k6, script, runId, spec, withErrorCap(workload, spec));
  const descriptor = {
    schemaVersion: RUN_SCHEMA_VERSION,
    runId,
    ladder: { ...spec, segments: cluster.parallelism },
    target: { ...cluster.target },
    script,
    ...(workload !== undefined && { workload }),
    k6Version: k6.version,
  };
  if (flags.dryRun) {
    const manifests = spec.steps.flatMap((_, i) => {
      const m = stepManifests(cluster, spec, i + 1, archives[i]!);
      return [m.configMap, m.testRun];
    });
    await printDryRun(flags, manifests, descriptor, archives);
    return;
  }

  let prepareStep;
  let odoo;
  if (flags.seed) {
    // The pools are topped up from here, through the same URL: the secret must be here too.
    const target = seedTarget(flags, cluster);
    const { OdooClient } = await import('../../odoo/client.js');
    const { poolTopUp } = await import('../../runner/pool-top-up.js');
    const { preflight } = await import('../../runner/run-ladder.js');
    // As a local run does: the credentials work, and run.json names the Odoo version measured
    // (plan --format writes odoo.conf and the Deployments' image for that series).
    odoo = (await preflight(target)).odoo;
    prepareStep = poolTopUp(new OdooClient(target));
  } else {
    log.warn(
      'with --no-seed the target is not reached from here: run.json records its Odoo version as unknown',
    );
  }
  const pgUrl = resolvePgUrl(flags);
  const { kubectl } = await import('../../k8s/kubectl.js');
  const { runK8sLadder } = await import('../../k8s/k8s-ladder.js');
  const { openStats } = await import('../../runner/run-ladder.js');
  const events = consoleLadderEvents(Boolean(flags.json));
  const stats = await openStats(pgUrl, events);
  const controls = interruptControls();
  try {
    const { dir, run } = await runK8sLadder({
      kubectl: kubectl({ namespace: flags.namespace, context: flags.context }),
      context: flags.context,
      cluster,
      descriptor,
      archives,
      runsDir: flags.runsDir,
      environment: environment!,
      startTimeoutSeconds: numberFlag('--start-timeout', flags.startTimeout, { min: 1 }),
      keep: flags.keep,
      prepareStep,
      stats,
      ...(resume && { resume }),
      ...(odoo && { odoo }),
      k6Outputs: outputs.record,
      control: controls.control,
      events,
    });
    reportRun(dir, run, Boolean(flags.json));
  } finally {
    controls.dispose();
    await stats?.close();
  }
}

/** YAML a user reads and kubectl applies: no anchors, no folded lines. */
const toYaml = (m: Manifest) => stringify(m, { aliasDuplicateObjects: false, lineWidth: 0 });

async function printDryRun(
  flags: K8sRunFlags,
  manifests: Manifest[],
  descriptor: { runId: string },
  archives: Buffer[],
): Promise<void> {
  const { IMPORT_FILE } = await import('../../runner/import-run.js');
  if (!flags.out) {
    if (flags.json) printJson({ manifests, import: descriptor });
    else process.stdout.write(manifests.map((m) => toYaml(m)).join('---\n'));
    return;
  }
  const files: string[] = [];
  for (const m of manifests) {
    const name = `${m.metadata.labels['odoo-capacity/step']!.replace(/^oc-/, '')}-${m.kind.toLowerCase()}.yaml`;
    await writeFileAtomic(join(flags.out, name), toYaml(m));
    files.push(name);
  }
  await writeJsonAtomic(join(flags.out, IMPORT_FILE), descriptor);
  files.push(IMPORT_FILE);
  if (flags.json) {
    printJson({
      out: flags.out,
      runId: descriptor.runId,
      files,
      archiveBytes: archives.map((a) => a.length),
    });
    return;
  }
  const ns = flags.namespace;
  printLines([
    `wrote ${files.length} files to ${flags.out} (run ${descriptor.runId})`,
    `1. the Secret: kubectl -n ${ns} create secret generic ${flags.secretName} --from-literal=<key>=...`,
    `2. per step, in order: kubectl -n ${ns} apply --server-side -f <NN-step>-configmap.yaml -f <NN-step>-testrun.yaml, then kubectl -n ${ns} wait --for=jsonpath='{.status.stage}'=finished testrun/<name>`,
    `3. copy the claim ${flags.resultsClaim}'s ${descriptor.runId}/ folders into ${flags.out}/, then: odoo-capacity run --import ${flags.out}`,
  ]);
}

export function registerK8s(program: Command): void {
  const k8s = program
    .command('k8s')
    .description('distributed ladders on Kubernetes through k6-operator (see `k8s run --help`)');
  const run = k8s
    .command('run')
    .description(
      'run a ladder through k6-operator: a TestRun per step, the runner’s stops, runs/<id>/ as a local run',
    );
  addLadderOptions(run)
    .option('--parallelism <n>', 'k6 pods per step (default: the ladder’s segments)')
    .option('--namespace <ns>', 'namespace of the TestRuns', 'default')
    .option('--context <name>', 'kubectl context (default: the current one)')
    .option('--image <image>', 'k6 runner image (default: grafana/k6 at the local k6 version)')
    .option('--runner-cpu <q>', 'CPU request of each k6 pod', DEFAULT_RESOURCES.requests.cpu)
    .option(
      '--runner-memory <q>',
      'memory request of each k6 pod',
      DEFAULT_RESOURCES.requests.memory,
    )
    .option('--runner-cpu-limit <q>', 'CPU limit, or none (default: the request)')
    .option('--runner-memory-limit <q>', 'memory limit (default: the request)')
    .option('--url <url>', 'Odoo address as the pods reach it (default: $ODOO_URL)')
    .option('--db <name>', 'Odoo database (default: $ODOO_DB)')
    .option('--user <login>', 'Odoo login (default: $ODOO_USER, else admin)')
    .option('--auth <kind>', 'password or api_key: which secret the pods get (default: from env)')
    .option('--transport <name>', 'xmlrpc, or json2 for Odoo 19+ (default: $ODOO_TRANSPORT)')
    .option('--password-file <file>', 'the secret, for topping up pools from here (default: env)')
    .option(
      '--pg-url <url>',
      'PostgreSQL for statistics, as this machine reaches it, without a password (default: $PGURL)',
    )
    .option(
      '--k6-out <output>',
      'also send the pods’ k6 metrics to this k6 output, repeatable, as run --out (settings: K6_* variables; credentials from the Secret)',
      collect,
    )
    .option(
      '--secret-name <name>',
      'Kubernetes Secret with the password or API key',
      'odoo-capacity-target',
    )
    .option('--secret-key <key>', 'key inside the Secret (default: password, or api-key)')
    .option(
      '--results-claim <pvc>',
      'ReadWriteMany PVC the pods write their outputs to',
      'odoo-capacity-results',
    )
    .option('--separate', 'one k6 pod per node')
    .option('--start-timeout <s>', 'seconds a step may take beyond warm-up and hold', '300')
    .option('--keep', 'keep each step’s TestRun and ConfigMap in the cluster')
    .option('--no-seed', 'do not top up the seeded pools from here before consuming steps')
    .option('--id <id>', 'run id (default: UTC time and profile)')
    .option('--resume <id>', 'continue a partial k8s run from its first missing step')
    .option('--runs-dir <dir>', 'where run directories go', 'runs')
    .option('--script <file>', 'k6 script (default: scenarios/<profile>.ts)')
    .option(
      '--workload <file>',
      'workload passed as OC_WORKLOAD (default: <models>/workload/default.yaml)',
    )
    .option('--models <dir>', 'models folder', 'models')
    .option('--environment <file>', 'environment under test (default: <models>/environment.yaml)')
    .option('--allow-production', 'allow load against an environment marked production')
    .option('--dry-run', 'print the ConfigMaps and TestRuns as YAML; apply nothing')
    .option('--out <dir>', 'with --dry-run: write one file per manifest and import.json there')
    .option('--json', 'print {"run": "<dir>", ...} (with --dry-run: the manifests) as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ odoo-capacity k8s run --class order-wave --rates 20,40,80,120 --hold 120s --parallelism 4 \\
      --url http://odoo.tenant-a.svc:8069 --db tenant_a --namespace loadtest
  $ odoo-capacity k8s run --ladder models/ladders/peak-mix.yaml --parallelism 8 --runner-cpu 2 --runner-memory 2Gi --json
  $ odoo-capacity k8s run --class order-wave --rates 20,40 --url http://odoo:8069 --db lab --dry-run > testruns.yaml
  $ odoo-capacity k8s run --resume 20261204-160913-order-wave --namespace loadtest

Needs k6-operator in the cluster, the Secret (kubectl create secret generic odoo-capacity-target
--from-literal=password=...) and a ReadWriteMany PVC for the pods' outputs. The secret is never in
the manifests. Each step's k6 archive goes in its own ConfigMap; one over 1 MiB is refused.
With PGURL (or --pg-url) the database's statistics are read from this machine around each step,
as in a local run.
Exit: 0 complete, 1 interrupted or no valid step, 2 bad input, 3 cluster or k6 unreachable.`,
    )
    .action(action);
}
