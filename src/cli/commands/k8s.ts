// `k8s`: k6-operator manifests for a distributed ladder — a ConfigMap with each step's k6 archive
// and the workload, one TestRun per step with parallelism N — plus import.json, so that the pods'
// outputs come back through `run --import` and the same ingest as a local run.
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
import { parseHttpUrl, type SecretKind } from '../../core/target.js';
import {
  addLadderOptions,
  ladderFromFlags,
  loadWorkloadEnvelope,
  scriptFor,
  type LadderFlags,
} from '../ladder-options.js';
import { numberFlag } from '../flags.js';
import { printJson, printLines, type GlobalOptions } from '../output.js';

interface K8sFlags extends LadderFlags, GlobalOptions {
  url?: string;
  db?: string;
  user?: string;
  auth: string;
  id?: string;
  parallelism?: string;
  namespace: string;
  image?: string;
  secretName: string;
  secretKey?: string;
  resultsClaim: string;
  separate?: boolean;
  out?: string;
  script?: string;
  workload?: string;
  models: string;
}

function targetFrom(flags: K8sFlags) {
  const rawUrl = flags.url ?? process.env.ODOO_URL;
  const db = flags.db ?? process.env.ODOO_DB;
  if (!rawUrl || !db) {
    throw new BadInputError('no target: pass --url and --db (or set ODOO_URL and ODOO_DB)', {
      hint: 'The pods load the Odoo the cluster reaches, e.g. http://odoo.tenant-a.svc:8069.',
    });
  }
  if (flags.auth !== 'password' && flags.auth !== 'api_key') {
    throw new BadInputError(`--auth: expected password or api_key, got "${flags.auth}"`);
  }
  return {
    url: parseHttpUrl(rawUrl, flags.url ? '--url' : 'ODOO_URL'),
    db,
    user: flags.user ?? process.env.ODOO_USER ?? 'admin',
    auth: flags.auth as SecretKind,
  };
}

async function action(flags: K8sFlags): Promise<void> {
  const spec = await ladderFromFlags(flags);
  const target = targetFrom(flags);
  const parallelism =
    flags.parallelism === undefined
      ? spec.segments
      : numberFlag('--parallelism', flags.parallelism, { integer: true, min: 1 });
  const script = scriptFor(flags, spec.profile);
  const workload = await loadWorkloadEnvelope(flags);
  const { locateK6 } = await import('../../runner/k6-binary.js');
  const { newRunId } = await import('../../runner/run-ladder.js');
  const { loadVariables } = await import('../../runner/k6-environment.js');
  const { buildArchive } = await import('../../runner/k6-archive.js');
  const { buildManifests } = await import('../../runner/k8s-manifests.js');
  const { IMPORT_FILE } = await import('../../runner/import-run.js');

  const k6 = await locateK6({ install: false });
  const runId = flags.id ?? newRunId(spec.profile);
  const scratch = await mkdtemp(join(tmpdir(), 'oc-k8s-'));
  let archives: Buffer[];
  try {
    archives = [];
    for (const [i, step] of spec.steps.entries()) {
      const env = loadVariables({ runId, profile: spec.profile, ladder: spec, step, workload });
      archives.push(await buildArchive(k6, script, env, join(scratch, `${i}.tar`)));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const manifests = buildManifests({
    runId,
    spec,
    namespace: flags.namespace,
    parallelism,
    image: flags.image ?? `grafana/k6:${k6.version.replace(/^v/, '')}`,
    target,
    secretName: flags.secretName,
    secretKey: flags.secretKey ?? (target.auth === 'api_key' ? 'api-key' : 'password'),
    resultsClaim: flags.resultsClaim,
    separate: Boolean(flags.separate),
    archives,
    workload,
  });
  const descriptor = {
    schemaVersion: RUN_SCHEMA_VERSION,
    runId,
    ladder: { ...spec, segments: parallelism },
    target,
    script,
    ...(workload !== undefined && { workload }),
    k6Version: k6.version,
  };

  if (!flags.out) {
    if (flags.json) printJson({ manifests, import: descriptor });
    else process.stdout.write(manifests.map((m) => stringify(m)).join('---\n'));
    return;
  }
  const files: string[] = [];
  for (const m of manifests) {
    const name =
      m.kind === 'ConfigMap'
        ? 'configmap.yaml'
        : `testrun-${String(m.metadata.labels && (m.metadata.labels as Record<string, string>)['odoo-capacity/step']).replace(/^oc-/, '')}.yaml`;
    await writeFileAtomic(join(flags.out, name), stringify(m));
    files.push(name);
  }
  await writeJsonAtomic(join(flags.out, IMPORT_FILE), descriptor);
  files.push(IMPORT_FILE);
  if (flags.json) {
    printJson({ out: flags.out, runId, files });
    return;
  }
  const first = stepDirName(1, spec.steps[0]!.label);
  printLines([
    `wrote ${files.length} files to ${flags.out} (run ${runId}, ${spec.steps.length} TestRuns × ${parallelism} pods)`,
    `1. kubectl -n ${flags.namespace} create secret generic ${flags.secretName} --from-literal=${flags.secretKey ?? (target.auth === 'api_key' ? 'api-key' : 'password')}=...`,
    `2. kubectl apply -f ${join(flags.out, 'configmap.yaml')}; then apply each testrun-*.yaml in order, waiting for each to finish (kubectl wait --for=jsonpath='{.status.stage}'=finished testrun/<name>)`,
    `3. copy ${flags.resultsClaim}:/${runId}/* into ${flags.out}/ (e.g. ${flags.out}/${first}/), then: odoo-capacity run --import ${flags.out}`,
  ]);
  log.debug(`archives: ${archives.map((a) => a.length).join(', ')} bytes`);
}

export function registerK8s(program: Command): void {
  const command = program
    .command('k8s')
    .description('emit k6-operator TestRun and ConfigMap manifests for a distributed ladder');
  addLadderOptions(command)
    .option('--parallelism <n>', 'k6 pods per step (default: the ladder’s segments)')
    .option('--namespace <ns>', 'namespace of the manifests', 'default')
    .option('--image <image>', 'k6 runner image (default: grafana/k6 at the local k6 version)')
    .option('--url <url>', 'Odoo address as the pods reach it (default: $ODOO_URL)')
    .option('--db <name>', 'Odoo database (default: $ODOO_DB)')
    .option('--user <login>', 'Odoo login (default: $ODOO_USER, else admin)')
    .option('--auth <kind>', 'password or api_key: which secret the pods get', 'password')
    .option(
      '--secret-name <name>',
      'Kubernetes Secret holding the password or API key',
      'odoo-capacity-target',
    )
    .option('--secret-key <key>', 'key inside the Secret (default: password, or api-key)')
    .option(
      '--results-claim <pvc>',
      'ReadWriteMany PVC the pods write their outputs to',
      'odoo-capacity-results',
    )
    .option('--separate', 'one k6 pod per node')
    .option('--id <id>', 'run id (default: UTC time and profile)')
    .option('--script <file>', 'k6 script (default: scenarios/<profile>.ts)')
    .option(
      '--workload <file>',
      'workload passed as OC_WORKLOAD (default: <models>/workload/default.yaml; with <models>/slo.yaml)',
    )
    .option('--models <dir>', 'models folder', 'models')
    .option(
      '--out <dir>',
      'write configmap.yaml, testrun-*.yaml and import.json there (default: YAML on stdout)',
    )
    .option('--json', 'print the manifests (or, with --out, the files written) as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ odoo-capacity k8s --class order-wave --rates 20,40,80 --hold 120s --parallelism 4 --url http://odoo:8069 --db tenant_a --out k8s/
  $ odoo-capacity k8s --ladder models/ladders/peak-mix.yaml --parallelism 8 --url http://odoo:8069 --db lab > testruns.yaml

Apply one TestRun at a time (each is one ladder step). The secret is never in the manifests:
create the Secret yourself. Afterwards, copy the claim's <run id>/ folder into --out and run
  $ odoo-capacity run --import k8s/`,
    )
    .action(action);
}
