// `lab start|stop|status|check`: runs the lab (the Odoo-compatible target over PostgreSQL) in the
// foreground or detached, reads its live status, and runs its data invariants.
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { BadInputError, CheckFailedError, UnreachableError } from '../../core/errors.js';
import { log } from '../../core/logger.js';
import { Secret } from '../../core/secret.js';
import { LAB_SERIES, type OdooSerie } from '../../lab/contract.js';
import type { LabCheckResult, LabStatus } from '../../lab/server/index.js';
import { numberFlag } from '../flags.js';
import { printJson, printLines, type GlobalOptions } from '../output.js';

/** Secrets reach a detached lab through these variables, never through its argv. */
const ADMIN_PASSWORD_ENV = 'LAB_ADMIN_PASSWORD';
const API_KEY_ENV = 'LAB_API_KEY';
const PG_URL_ENV = 'LAB_PG_URL';

interface StartFlags {
  port: string;
  workers: string;
  databases: string;
  pgUrl?: string;
  serie: string;
  adminPassword?: string;
  adminPasswordFile?: string;
  limitTimeReal: string;
  costScale: string;
  json2?: boolean;
  detach?: boolean;
  ormModule?: string;
  checkModule?: string;
}

interface PortFlags extends GlobalOptions {
  port: string;
}

const integer = (flag: string, raw: string, min: number, max?: number): number =>
  numberFlag(flag, raw, { integer: true, min, max });

/**
 * The lab's secrets: never from argv, where `ps` shows them to every user of the machine. The
 * admin password from $LAB_ADMIN_PASSWORD or --admin-password-file, the PostgreSQL URL from
 * --pg-url without a password (PGPASSWORD or ~/.pgpass give it) or $LAB_PG_URL.
 */
function labSecrets(flags: StartFlags): { adminPassword: Secret; pgUrl?: Secret } {
  if (flags.adminPassword !== undefined) {
    throw new BadInputError(
      '--admin-password is refused: no secret is taken from the command line',
      {
        hint: `Set ${ADMIN_PASSWORD_ENV}, or put it in a file and pass --admin-password-file.`,
      },
    );
  }
  let raw = process.env[ADMIN_PASSWORD_ENV] ?? 'admin';
  let where = ADMIN_PASSWORD_ENV;
  if (flags.adminPasswordFile !== undefined) {
    where = `--admin-password-file ${flags.adminPasswordFile}`;
    try {
      raw = readFileSync(flags.adminPasswordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new BadInputError(`${where}: cannot read (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  if (raw === '') throw new BadInputError(`${where}: the admin password must not be empty`);
  let pgUrl = process.env[PG_URL_ENV] || undefined;
  if (flags.pgUrl !== undefined) {
    let password: string;
    try {
      password = new URL(flags.pgUrl).password;
    } catch {
      throw new BadInputError('--pg-url: not a valid URL (postgres://user@host:port/db)');
    }
    if (password) {
      throw new BadInputError(
        '--pg-url: a password inside the URL is not accepted on the command line',
        {
          hint: `Set ${PG_URL_ENV} instead, or leave the password out and set PGPASSWORD (or use ~/.pgpass).`,
        },
      );
    }
    pgUrl = flags.pgUrl;
  }
  return { adminPassword: new Secret(raw), pgUrl: pgUrl ? new Secret(pgUrl) : undefined };
}

async function startForeground(flags: StartFlags, port: number): Promise<void> {
  const workers = integer('--workers', flags.workers, 0, 256);
  if (workers === 0) {
    throw new BadInputError('--workers 0 (threaded mode) is not available in the lab', {
      hint: 'Use --workers 1 or more: the prefork model is what the lab emulates.',
    });
  }
  if (!(LAB_SERIES as readonly string[]).includes(flags.serie)) {
    throw new BadInputError(
      `--serie: expected one of ${LAB_SERIES.join(', ')}, got "${flags.serie}"`,
    );
  }
  const limitTimeRealSeconds = numberFlag('--limit-time-real', flags.limitTimeReal, { min: 0 });
  const costScale = numberFlag('--cost-scale', flags.costScale, { min: 0 });
  const { parseDatabases } = await import('../../lab/server/databases.js');
  const databases = parseDatabases(flags.databases);
  const { adminPassword, pgUrl } = labSecrets(flags);
  const { pathToFileURL } = await import('node:url');
  const { startLab } = await import('../../lab/server/index.js');
  const lab = await startLab({
    port,
    workers,
    databases,
    serie: flags.serie as OdooSerie,
    adminPassword,
    pgUrl,
    limitTimeRealSeconds,
    costScale,
    json2: flags.json2 === true,
    apiKey: process.env[API_KEY_ENV] ? new Secret(process.env[API_KEY_ENV]) : undefined,
    ormModule: flags.ormModule ? pathToFileURL(flags.ormModule).href : undefined,
    checkModule: flags.checkModule ? pathToFileURL(flags.checkModule).href : undefined,
  });
  log.info(`lab: ready at ${lab.url} (databases: ${databases.join(', ')}); Ctrl-C stops it`);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log.info(`lab: ${signal}, stopping workers and PostgreSQL`);
      lab.stop().then(resolve, resolve);
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  log.info('lab: stopped');
}

/** Starts `lab start` again as a detached process (src/lab/supervisor.ts) with these flags. */
async function startInBackground(flags: StartFlags, port: number) {
  const { adminPassword, pgUrl } = labSecrets(flags);
  const args = [
    process.argv[1]!,
    'lab',
    'start',
    '--port',
    String(port),
    '--workers',
    flags.workers,
    '--databases',
    flags.databases,
    '--serie',
    flags.serie,
    '--limit-time-real',
    flags.limitTimeReal,
    '--cost-scale',
    flags.costScale,
    ...(flags.json2 ? ['--json2'] : []),
    ...(flags.ormModule ? ['--orm-module', flags.ormModule] : []),
    ...(flags.checkModule ? ['--check-module', flags.checkModule] : []),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, [ADMIN_PASSWORD_ENV]: adminPassword.reveal() };
  if (pgUrl) env[PG_URL_ENV] = pgUrl.reveal();
  else delete env[PG_URL_ENV];
  const { startDetached } = await import('../../lab/supervisor.js');
  return startDetached({ port, args, env });
}

function renderStatus(status: LabStatus): string[] {
  const w = status.workers;
  return [
    `lab on port ${status.lab.port} (pid ${status.lab.pid}), serie ${status.lab.serie}, cost scale ${status.lab.cost_scale}, up ${Math.round(status.lab.uptime_s)} s`,
    `databases: ${status.databases.join(', ')}`,
    `workers: ${w.busy} busy, ${w.idle} idle of ${w.configured} (peak concurrent ${w.peak_concurrent})`,
    `queue: ${status.queue.length} waiting (peak ${status.queue.peak})`,
    `requests: ${status.requests.served} served, faults ${JSON.stringify(status.requests.faults)}, killed by limit_time_real ${status.requests.killed_limit_time_real}`,
    `retries: ${status.retries.total} ${JSON.stringify(status.retries.by_code)}`,
  ];
}

/** One line per violation: the ORM's checker returns { invariant, record, detail }. */
function describeViolation(violation: unknown): string {
  if (typeof violation === 'string') return violation;
  const v = violation as Partial<Record<'invariant' | 'record' | 'detail', string>>;
  return v.invariant && v.detail
    ? `${v.invariant}: ${v.record ?? ''} ${v.detail}`.replace(/\s+/g, ' ')
    : JSON.stringify(violation);
}

/** A subcommand that talks to a running lab on --port, with --json output. */
function portCommand(lab: Command, name: string, description: string, examples: string): Command {
  return lab
    .command(name)
    .description(description)
    .option('--port <port>', 'the lab port', '8069')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText('after', `\nExamples:\n${examples}`);
}

export function registerLab(program: Command): void {
  const lab = program
    .command('lab')
    .description('run the lab: an Odoo-compatible target over PostgreSQL, for demos and CI')
    .addHelpText(
      'after',
      `
The lab is not Odoo: it serves Odoo's XML-RPC API with Odoo's runtime behaviour (prefork
workers, REPEATABLE READ, retries), and each call burns the CPU time real Odoo 17.0 took.

Examples:
  $ odoo-capacity lab start                          foreground on 127.0.0.1:8069, Ctrl-C stops
  $ odoo-capacity lab start --workers 4 --databases a,b,c --detach
  $ odoo-capacity lab status --json
  $ odoo-capacity lab check
  $ odoo-capacity lab stop`,
    );

  const start = lab
    .command('start')
    .description('start the lab (embedded PostgreSQL unless --pg-url) and serve until interrupted')
    .option('--port <port>', 'HTTP port on 127.0.0.1', '8069')
    .option('--workers <n>', 'prefork worker processes, each serving one request at a time', '2')
    .option('--databases <names>', 'tenant databases, comma-separated', 'lab')
    .option(
      '--pg-url <url>',
      `PostgreSQL to use, without a password (PGPASSWORD or ~/.pgpass; default: $${PG_URL_ENV}, which may hold one, else an embedded one)`,
    )
    .option('--serie <serie>', `Odoo series to emulate: ${LAB_SERIES.join(', ')}`, '17.0')
    .option(
      '--admin-password-file <file>',
      `file holding the password of user admin in new databases (default: $${ADMIN_PASSWORD_ENV}, else admin)`,
    )
    .addOption(
      new Option('--admin-password <password>', 'refused: secrets never go on argv').hideHelp(),
    )
    .option('--limit-time-real <seconds>', 'kill a request running longer (0: no limit)', '120')
    .option('--cost-scale <factor>', "multiply Odoo 17.0's per-call CPU times", '1')
    .option(
      '--json2',
      `also serve Odoo 19's JSON-2 (/json/2/<model>/<method>) whatever the serie; $${API_KEY_ENV} gives admin an API key for it`,
    )
    .option('--detach', 'run in the background; `lab stop` ends it')
    .addOption(new Option('--orm-module <file>', 'module exporting the ORM (tests)').hideHelp())
    .addOption(
      new Option('--check-module <file>', 'module exporting checkDatabase (tests)').hideHelp(),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ odoo-capacity lab start
  $ odoo-capacity lab start --port 8070 --workers 4 --databases t1,t2 --serie 16.0
  $ LAB_ADMIN_PASSWORD=s3cret odoo-capacity lab start --detach
  $ odoo-capacity lab start --admin-password-file ~/.lab-admin --pg-url postgres://me@db:5432/postgres
  $ LAB_API_KEY=$(openssl rand -hex 20) odoo-capacity lab start --json2   # JSON-2 with that key

Exit: 0 after a clean stop, 2 bad flags, 3 port in use or PostgreSQL unreachable.`,
    );
  start.action(async (flags: StartFlags) => {
    const port = integer('--port', flags.port, 1, 65535);
    if (flags.detach) {
      const pidFile = await startInBackground(flags, port);
      printLines([
        `lab: running in the background at ${pidFile.url} (pid ${pidFile.pid}, log ${pidFile.log})`,
      ]);
      return;
    }
    await startForeground(flags, port);
  });

  portCommand(
    lab,
    'stop',
    'stop a lab started with --detach',
    '  $ odoo-capacity lab stop --port 8069',
  ).action(async (flags: PortFlags) => {
    const { stopDetached } = await import('../../lab/supervisor.js');
    const result = await stopDetached(integer('--port', flags.port, 1, 65535));
    if (flags.json) printJson(result);
    else printLines([`lab: stopped (pid ${result.pid})`]);
  });

  portCommand(
    lab,
    'status',
    "print a running lab's workers, queue, retries and faults",
    '  $ odoo-capacity lab status\n  $ odoo-capacity lab status --port 8070 --json',
  ).action(async (flags: PortFlags) => {
    const { getLabJson } = await import('../../lab/supervisor.js');
    const { body } = await getLabJson<LabStatus>(
      integer('--port', flags.port, 1, 65535),
      '/lab/status',
    );
    if (flags.json) printJson(body);
    else printLines(renderStatus(body));
  });

  portCommand(
    lab,
    'check',
    "check the running lab's data invariants; exit 1 listing each violation",
    '  $ odoo-capacity lab check\n  $ odoo-capacity lab check --port 8070 --json\n\nExit: 0 no violation, 1 violations, 3 no lab answers.',
  ).action(async (flags: PortFlags) => {
    const port = integer('--port', flags.port, 1, 65535);
    const { getLabJson } = await import('../../lab/supervisor.js');
    const { status, body } = await getLabJson<LabCheckResult & { error?: string }>(
      port,
      '/lab/check',
    );
    if (status !== 200) {
      throw new UnreachableError(
        `lab check on port ${port} failed: ${body.error ?? `HTTP ${status}`}`,
      );
    }
    if (flags.json) printJson(body);
    else {
      printLines(
        body.databases.flatMap((d) =>
          d.violations.length === 0
            ? [`ok   ${d.db}: no violation`]
            : [
                `FAIL ${d.db}: ${d.violations.length} violation(s)`,
                ...d.violations.map((v) => `  - ${describeViolation(v)}`),
              ],
        ),
      );
    }
    if (!body.ok) {
      const count = body.databases.reduce((n, d) => n + d.violations.length, 0);
      throw new CheckFailedError(`lab check: ${count} invariant violation(s)`);
    }
  });
}
