// `init`: a models/ folder for a new target; environment.yaml from prompts or flags, the other
// files copied from the package's models/ for the user to edit.
import { cp, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { parseDocument, stringify } from 'yaml';
import type { z } from 'zod';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { BadInputError } from '../../core/errors.js';
import {
  environmentSchema,
  LAB_NODE_TYPE,
  loadEnvironment,
  type Environment,
} from '../../core/models/environment.js';
import { packageRoot } from '../../core/package-root.js';
import { numberFlag } from '../flags.js';
import { printJson, printLines, type GlobalOptions } from '../output.js';

/** One fact of environment.yaml: where it goes, its flag and the question that asks for it. */
interface Fact {
  /** Section of environment.yaml ('' for the top level) and field. */
  section: '' | 'odoo' | 'nodes' | 'database';
  field: string;
  flag: string;
  question: string;
}

const FACTS: readonly Fact[] = [
  { section: '', field: 'name', flag: 'name', question: 'A name for this environment in reports' },
  {
    section: '',
    field: 'production',
    flag: 'production',
    question: 'Is it production (load needs --allow-production)?',
  },
  {
    section: '',
    field: 'tenancy',
    flag: 'tenancy',
    question: 'Tenancy: one Odoo for many tenant databases, or one stack per tenant',
  },
  { section: 'odoo', field: 'version', flag: 'odooVersion', question: 'Odoo series' },
  { section: 'odoo', field: 'pods', flag: 'pods', question: 'Odoo HTTP pods (replicas)' },
  {
    section: 'odoo',
    field: 'workersPerPod',
    flag: 'workersPerPod',
    question: 'Odoo --workers in each pod',
  },
  {
    section: 'odoo',
    field: 'cronWorkersPerPod',
    flag: 'cronWorkersPerPod',
    question: 'Odoo --max-cron-threads in each pod',
  },
  { section: 'odoo', field: 'dbMaxconn', flag: 'dbMaxconn', question: 'Odoo --db_maxconn' },
  {
    section: 'odoo',
    field: 'cpuPerPod',
    flag: 'cpuPerPod',
    question: 'CPU request per pod, cores',
  },
  {
    section: 'odoo',
    field: 'memoryPerPodMiB',
    flag: 'memoryPerPodMib',
    question: 'Memory request per pod, MiB',
  },
  {
    section: 'odoo',
    field: 'limitTimeRealSeconds',
    flag: 'limitTimeReal',
    question: 'Odoo --limit-time-real, seconds',
  },
  { section: 'nodes', field: 'type', flag: 'nodeType', question: 'Node type the pods run on' },
  { section: 'nodes', field: 'count', flag: 'nodes', question: 'Nodes' },
  { section: 'nodes', field: 'zones', flag: 'zones', question: 'Zones the nodes spread over' },
  {
    section: 'database',
    field: 'instance',
    flag: 'dbInstance',
    question: 'Database instance, e.g. db.r6g.xlarge or "4 vCPU / 16 GiB VM"',
  },
  { section: 'database', field: 'vcpu', flag: 'dbVcpu', question: 'Database vCPU' },
  {
    section: 'database',
    field: 'memoryGiB',
    flag: 'dbMemoryGib',
    question: 'Database memory, GiB',
  },
  {
    section: 'database',
    field: 'maxConnections',
    flag: 'dbMaxConnections',
    question: 'PostgreSQL max_connections',
  },
  { section: 'database', field: 'storage', flag: 'dbStorage', question: 'Database storage' },
];

type InitFlags = GlobalOptions & { force?: boolean } & Record<string, string | boolean | undefined>;

/** The kebab-case command-line flag of a fact. */
const flagName = (fact: Fact) => `--${fact.flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The schema of one fact, from environment.yaml's own schema: one definition of each rule. */
function factSchema(fact: Fact): z.ZodType {
  const shape = environmentSchema.shape;
  if (fact.section === '') return shape[fact.field as keyof typeof shape] as z.ZodType;
  const section = shape[fact.section].shape;
  return section[fact.field as keyof typeof section] as z.ZodType;
}

interface FactInfo {
  schema: z.ZodType;
  kind: 'string' | 'number' | 'boolean' | 'enum';
  choices?: readonly string[];
  /** The schema's default; undefined when the fact must be given. */
  fallback?: unknown;
}

function describeFact(fact: Fact): FactInfo {
  const schema = factSchema(fact);
  const parsed = schema.safeParse(undefined);
  const fallback = parsed.success ? parsed.data : undefined;
  let inner = schema as z.ZodType & { unwrap?: () => z.ZodType; options?: readonly string[] };
  while (inner.unwrap && inner.def.type !== 'enum') inner = inner.unwrap() as typeof inner;
  const type = inner.def.type;
  if (type === 'enum') return { schema, kind: 'enum', choices: inner.options, fallback };
  if (type === 'number' || type === 'boolean' || type === 'string')
    return { schema, kind: type, fallback };
  throw new Error(`init: no prompt for ${fact.section}.${fact.field} (${type})`);
}

/** Reads one answer (a flag's text or a typed line) into the fact's value, checked by its schema. */
function parseFact(info: FactInfo, raw: string | boolean, where: string): unknown {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (info.kind === 'number') value = numberFlag(where, raw);
    else if (info.kind === 'boolean') {
      if (/^(y|yes|true)$/i.test(text)) value = true;
      else if (/^(n|no|false)$/i.test(text)) value = false;
      else throw new BadInputError(`${where}: expected yes or no, got "${text}"`);
    } else value = text;
  }
  const result = info.schema.safeParse(value);
  if (!result.success) {
    throw new BadInputError(`${where}: ${result.error.issues[0]!.message}`);
  }
  return result.data;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Node type names of the package's catalog, for the question and the check of --node-type. */
async function catalogNodeTypes(): Promise<string[]> {
  const { loadNodes } = await import('../../core/models/nodes.js');
  const catalog = await loadNodes(join(packageRoot, 'models', 'nodes.yaml'));
  return catalog.nodeTypes.map((t) => t.name).filter((n) => n !== LAB_NODE_TYPE);
}

/** Asks on the terminal for every fact no flag gave, re-asking after an answer its schema refuses. */
async function ask(
  missing: readonly Fact[],
  nodeTypes: readonly string[],
): Promise<Map<Fact, unknown>> {
  const answers = new Map<Fact, unknown>();
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Lines typed ahead (or pasted) wait in the iterator's queue until their question is asked.
  const lines = rl[Symbol.asyncIterator]();
  try {
    process.stderr.write(
      'The stack under test, for environment.yaml (Enter keeps the value in brackets):\n',
    );
    for (const fact of missing) {
      const info = describeFact(fact);
      const choices =
        fact.field === 'type' && fact.section === 'nodes'
          ? ` (catalog: ${nodeTypes.join(', ')})`
          : info.choices
            ? ` (${info.choices.join(', ')})`
            : '';
      const fallback =
        info.fallback === undefined
          ? ''
          : ` [${info.kind === 'boolean' ? (info.fallback ? 'yes' : 'no') : String(info.fallback)}]`;
      for (;;) {
        rl.setPrompt(`${fact.question}${choices}${fallback}: `);
        rl.prompt();
        const next = await lines.next();
        if (next.done)
          throw new BadInputError(`init: input ended before "${fact.question}" was answered`, {
            hint: `Answer every question, or pass ${flagName(fact)} and the other flags.`,
          });
        const line = next.value;
        if (line.trim() === '' && info.fallback !== undefined) {
          answers.set(fact, info.fallback);
          break;
        }
        try {
          answers.set(fact, parseFact(info, line, 'answer'));
          break;
        } catch (error) {
          process.stderr.write(`  ${(error as Error).message}\n`);
        }
      }
    }
  } finally {
    rl.close();
  }
  return answers;
}

/** environment.yaml's text: the facts, with what each means beside it. */
function environmentYaml(environment: Environment): string {
  const doc = parseDocument(stringify(environment));
  doc.commentBefore =
    ` The environment under test, written by \`odoo-capacity init\` on ${new Date().toISOString().slice(0, 10)}.\n` +
    ` Keep it true to the stack: the plan sizes from it and runs record it. Fields: README.md.`;
  return doc.toString();
}

/** nodes.yaml without the lab's node type (priced 0, it would win every plan) unless in use. */
async function nodeCatalogYaml(keepLab: boolean): Promise<string> {
  const text = await readFile(join(packageRoot, 'models', 'nodes.yaml'), 'utf8');
  if (keepLab) return text;
  const doc = parseDocument(text);
  const types = doc.get('nodeTypes') as { items: { get(key: string): unknown }[] };
  types.items = types.items.filter((item) => item.get('name') !== LAB_NODE_TYPE);
  return doc.toString();
}

/** Files copied as they are from the package's models/ for the user to edit. */
const TEMPLATES = ['README.md', 'workload', 'slo.yaml', 'forecast.yaml', 'ladders', 'tenancy.yaml'];

export interface InitResult {
  dir: string;
  files: string[];
  environment: Environment;
}

async function init(dirArg: string, flags: InitFlags): Promise<InitResult> {
  const dir = resolve(dirArg);
  if (dir === resolve(packageRoot, 'models'))
    throw new BadInputError(`${dirArg}: the package's own models, which init copies from`, {
      hint: 'Name another folder: odoo-capacity init <dir>.',
    });
  if ((await exists(dir)) && !flags.force)
    throw new BadInputError(`${dirArg}: already exists; init writes a new models folder`, {
      hint: 'Pick another folder, or pass --force to overwrite the files init writes there.',
    });
  const nodeTypes = await catalogNodeTypes();
  const given = new Map<Fact, unknown>();
  for (const fact of FACTS) {
    const raw = flags[fact.flag];
    if (raw !== undefined) given.set(fact, parseFact(describeFact(fact), raw, flagName(fact)));
  }
  const missing = FACTS.filter((f) => !given.has(f));
  const required = missing.filter((f) => describeFact(f).fallback === undefined);
  let answers = new Map<Fact, unknown>();
  // Flags for every fact without a default: nothing to ask; the defaults stand.
  if (required.length > 0 && process.stdin.isTTY) answers = await ask(missing, nodeTypes);
  else if (required.length > 0)
    throw new BadInputError(
      `init: not a terminal, so nothing can be asked: missing ${required.map(flagName).join(', ')}`,
      {
        hint: 'Pass every fact as a flag (odoo-capacity init --help lists them), or run it in a terminal.',
      },
    );
  const document: Record<string, unknown> = {};
  const sections: Record<string, Record<string, unknown>> = { odoo: {}, nodes: {}, database: {} };
  for (const fact of FACTS) {
    const value = given.get(fact) ?? answers.get(fact) ?? describeFact(fact).fallback;
    if (fact.section === '') document[fact.field] = value;
    else sections[fact.section]![fact.field] = value;
  }
  const environment = environmentSchema.parse({ ...document, ...sections });

  const files: string[] = [];
  for (const name of TEMPLATES) {
    await cp(join(packageRoot, 'models', name), join(dir, name), { recursive: true, force: true });
    files.push(name);
  }
  const keepLab = environment.nodes.type === LAB_NODE_TYPE;
  await writeFileAtomic(join(dir, 'nodes.yaml'), await nodeCatalogYaml(keepLab));
  await writeFileAtomic(join(dir, 'environment.yaml'), environmentYaml(environment));
  files.push('nodes.yaml', 'environment.yaml');

  // What was written must load as every command loads it.
  const [{ loadForecast }, { loadNodes }, { loadSlo }, { loadTenancy }, ladders, workload] =
    await Promise.all([
      import('../../core/models/forecast.js'),
      import('../../core/models/nodes.js'),
      import('../../core/models/slo.js'),
      import('../../core/models/tenancy.js'),
      import('../../core/models/ladder.js'),
      import('../../core/models/workload.js'),
    ]);
  const [written] = await Promise.all([
    loadEnvironment(join(dir, 'environment.yaml')),
    loadForecast(join(dir, 'forecast.yaml')),
    loadNodes(join(dir, 'nodes.yaml')),
    loadSlo(join(dir, 'slo.yaml')),
    loadTenancy(join(dir, 'tenancy.yaml')),
    workload.loadWorkload(join(dir, 'workload', 'default.yaml')),
    ...['order-wave', 'peak-mix', 'usl-closed'].map((l) =>
      ladders.loadLadder(join(dir, 'ladders', `${l}.yaml`)),
    ),
  ]);
  return { dir, files: files.sort(), environment: written };
}

function renderInit(result: InitResult, catalog: readonly string[]): string[] {
  const e = result.environment;
  const lines = [
    `wrote ${result.dir}: ${result.files.join(', ')}`,
    `environment ${e.name}: Odoo ${e.odoo.version}, ${e.odoo.pods} pod(s) × ${e.odoo.workersPerPod} workers on ${e.nodes.count} × ${e.nodes.type}; database ${e.database.instance} (${e.database.vcpu} vCPU, ${e.database.memoryGiB} GiB)`,
  ];
  if (e.nodes.type !== LAB_NODE_TYPE && !catalog.includes(e.nodes.type))
    lines.push(
      `note: node type ${e.nodes.type} is not in nodes.yaml: add its vCPU, memory and price there`,
    );
  if (e.tenancy === 'multi-tenant')
    lines.push(
      'note: describe your tenants in tenants.yaml (README.md, "Tenants") for tenant placement',
    );
  lines.push(
    'next: set forecast.yaml to your busy-hour rates and peaks, and nodes.yaml to your prices; then',
    `  odoo-capacity doctor && odoo-capacity run --models ${result.dir} --class order-wave --rates 2,4,8`,
  );
  return lines;
}

export function registerInit(program: Command): void {
  const command = program
    .command('init')
    .description(
      'write a models folder for a new target: environment.yaml from its facts, the rest to edit',
    )
    .argument('[dir]', 'the folder to create', 'models')
    .option('--force', 'write into an existing folder, overwriting the files init writes');
  for (const fact of FACTS) {
    const info = describeFact(fact);
    const choices = info.choices ? ` (${info.choices.join(', ')})` : '';
    const fallback = info.fallback === undefined ? '' : ` (default: ${String(info.fallback)})`;
    if (info.kind === 'boolean') command.option(flagName(fact), `${fact.question}${fallback}`);
    else
      command.option(
        `${flagName(fact)} <${info.kind === 'number' ? 'n' : 'value'}>`,
        `${fact.question}${choices}${fallback}`,
      );
  }
  command
    .option('--json', 'print what was written as one JSON document on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ odoo-capacity init                      # asks for the facts on a terminal
  $ odoo-capacity init models-staging --name staging-eu1 --tenancy dedicated --odoo-version 17.0 \\
      --pods 2 --workers-per-pod 4 --cpu-per-pod 2 --memory-per-pod-mib 4096 \\
      --node-type e2-standard-8 --nodes 3 --db-instance db.r6g.xlarge --db-vcpu 4 --db-memory-gib 32

On a terminal, init asks for each fact no flag gave; otherwise (CI) every fact without a default
must be a flag. The other files are the package's examples: edit forecast.yaml and nodes.yaml.
Exit: 0 written, 2 bad input or the folder exists (without --force).`,
    )
    .action(async (dir: string, flags: InitFlags) => {
      const result = await init(dir, flags);
      if (flags.json) printJson(result);
      else printLines(renderInit(result, await catalogNodeTypes()));
    });
}
