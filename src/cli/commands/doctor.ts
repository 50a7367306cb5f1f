// `doctor`: checks Node, k6, the Odoo target and PostgreSQL statistics access, and says exactly
// what to fix. Exit 0 when all pass, else the worst failure's code (1 check, 2 input, 3 unreachable).
import type { Command } from 'commander';
import { ExitCode, isOcError } from '../../core/errors.js';
import { secretMaskingProblem } from '../../core/redact.js';
import type { Secret } from '../../core/secret.js';
import {
  resolvePgUrl,
  resolveTarget,
  TRANSPORTS,
  type OdooTarget,
  type TargetFlags,
  type TransportName,
} from '../../core/target.js';
import { printJson, printLines, type GlobalOptions } from '../output.js';
import { addTargetOptions } from '../target-options.js';

export type CheckStatus = 'ok' | 'failed' | 'skipped';

export interface DoctorCheck {
  name: 'node' | 'k6' | 'target' | 'transports' | 'authenticate' | 'pgstats';
  status: CheckStatus;
  detail: string;
  fix?: string;
  /** Something that works but deserves attention (printed after the detail). */
  warning?: string;
  exitCode?: ExitCode;
}

export interface DoctorResult {
  ok: boolean;
  exitCode: ExitCode;
  checks: DoctorCheck[];
}

const MIN_NODE = [20, 19] as const;

function failed(name: DoctorCheck['name'], error: unknown): DoctorCheck {
  if (isOcError(error))
    return {
      name,
      status: 'failed',
      detail: error.message,
      fix: error.hint,
      exitCode: error.exitCode,
    };
  return { name, status: 'failed', detail: (error as Error).message, exitCode: ExitCode.failed };
}

function checkNode(): DoctorCheck {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return ok
    ? { name: 'node', status: 'ok', detail: `Node ${process.versions.node}` }
    : {
        name: 'node',
        status: 'failed',
        detail: `Node ${process.versions.node} is too old`,
        fix: `Install Node ${MIN_NODE.join('.')} or later.`,
        exitCode: ExitCode.unreachable,
      };
}

async function checkK6(): Promise<DoctorCheck> {
  try {
    const { locateK6 } = await import('../../runner/k6-binary.js');
    const k6 = await locateK6({ install: false });
    return { name: 'k6', status: 'ok', detail: `k6 ${k6.version} at ${k6.path}` };
  } catch (error) {
    return failed('k6', error);
  }
}

/** Which protocols the target answers, and whether the one chosen is among them. */
async function checkTransports(
  target: OdooTarget,
): Promise<{ check: DoctorCheck; offered: TransportName[] }> {
  const { createTransport } = await import('../../odoo/client.js');
  const chosen = target.transport ?? 'xmlrpc';
  const offered = (
    await Promise.all(
      TRANSPORTS.map(async (name) =>
        (await createTransport(name, target.url, 10_000).offered()) ? name : undefined,
      ),
    )
  ).filter((name) => name !== undefined);
  return { check: transportsCheck(target, chosen, offered), offered };
}

function transportsCheck(
  target: OdooTarget,
  chosen: TransportName,
  offered: TransportName[],
): DoctorCheck {
  const detail = `offered: ${offered.join(', ') || 'none'}; using ${chosen}`;
  if (offered.includes(chosen)) {
    const apiKeyNeeded = chosen === 'json2' && target.secretKind !== 'api_key';
    return {
      name: 'transports',
      status: 'ok',
      detail,
      ...(apiKeyNeeded && {
        warning: 'json2 authenticates with an API key; ODOO_PASSWORD holds a password',
      }),
    };
  }
  return {
    name: 'transports',
    status: 'failed',
    detail,
    fix:
      chosen === 'json2'
        ? 'JSON-2 is Odoo 19 or later: use --transport xmlrpc (or ODOO_TRANSPORT=xmlrpc).'
        : 'This server does not answer XML-RPC: use --transport json2 with ODOO_API_KEY.',
    exitCode: ExitCode.badInput,
  };
}

async function checkTarget(flags: TargetFlags): Promise<DoctorCheck[]> {
  let target;
  try {
    target = resolveTarget(flags);
  } catch (error) {
    return [failed('target', error)];
  }
  if (!target) {
    return [
      {
        name: 'target',
        status: 'skipped',
        detail: 'no target given',
        fix: 'Set ODOO_URL (or --url) to check an Odoo server.',
      },
    ];
  }
  const { OdooClient, createTransport } = await import('../../odoo/client.js');
  const client = new OdooClient(target);
  const transports = await checkTransports(target);
  const checks: DoctorCheck[] = [];
  try {
    // Read over a protocol the server answers, so that a wrong --transport is told apart from
    // an unreachable server.
    const chosen = client.transport.name;
    const reader = transports.offered.includes(chosen)
      ? client.transport
      : createTransport(transports.offered[0] ?? chosen, target.url);
    const version = await reader.version();
    const kind = version.lab ? 'odoo-capacity lab emulating Odoo' : 'Odoo';
    checks.push({
      name: 'target',
      status: 'ok',
      detail: `${kind} ${version.server_version} at ${target.url}`,
    });
  } catch (error) {
    return [failed('target', error)];
  }
  checks.push(transports.check);
  if (transports.check.status === 'failed') return checks;
  try {
    const uid = await client.authenticate();
    const weak = secretMaskingProblem(target.secret.reveal());
    checks.push({
      name: 'authenticate',
      status: 'ok',
      detail: `user ${target.user} on ${target.db} is uid ${uid} (${target.secretKind} over ${client.transport.name})`,
      ...(weak && {
        warning: `the ${target.secretKind} is ${weak}, so logs cannot mask it; use a longer, uncommon one or an API key`,
      }),
    });
  } catch (error) {
    checks.push(failed('authenticate', error));
  }
  return checks;
}

/** A warning when PGURL's password is too short or too common to be masked in logs. */
function pgPasswordWarning(url: Secret): Pick<DoctorCheck, 'warning'> {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url.reveal()).password);
  } catch {
    return {};
  }
  const weak = password === '' ? undefined : secretMaskingProblem(password);
  return weak
    ? {
        warning: `the PGURL password is ${weak}, so logs cannot mask it; use a longer, uncommon one`,
      }
    : {};
}

async function checkPgStats(flags: TargetFlags): Promise<DoctorCheck> {
  let url;
  try {
    url = resolvePgUrl(flags);
  } catch (error) {
    return failed('pgstats', error);
  }
  if (!url)
    return {
      name: 'pgstats',
      status: 'skipped',
      detail: 'no PGURL given',
      fix: 'Set PGURL (or --pg-url) to check statistics access.',
    };
  const { checkStatsAccess } = await import('../../pgstats/access.js');
  try {
    const access = await checkStatsAccess(url);
    return access.problem
      ? {
          name: 'pgstats',
          status: 'failed',
          detail: access.problem,
          fix: access.fix,
          exitCode: ExitCode.failed,
        }
      : { name: 'pgstats', status: 'ok', detail: access.summary, ...pgPasswordWarning(url) };
  } catch (error) {
    return failed('pgstats', error);
  }
}

async function runDoctor(flags: TargetFlags): Promise<DoctorResult> {
  const [k6, target, pgstats] = await Promise.all([
    checkK6(),
    checkTarget(flags),
    checkPgStats(flags),
  ]);
  const checks = [checkNode(), k6, ...target, pgstats];
  const exitCode = checks.reduce<ExitCode>(
    (worst, c) =>
      c.status === 'failed' ? (Math.max(worst, c.exitCode ?? ExitCode.failed) as ExitCode) : worst,
    ExitCode.ok,
  );
  return { ok: exitCode === ExitCode.ok, exitCode, checks };
}

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', failed: 'FAIL', skipped: 'skip' };

function renderDoctor(result: DoctorResult): string[] {
  return result.checks.map((c) => {
    const fix = c.status === 'failed' && c.fix ? ` Fix: ${c.fix}` : '';
    const warning = c.warning ? ` (warning: ${c.warning})` : '';
    return `${MARK[c.status]} ${c.name.padEnd(12)} ${c.detail}${warning}${fix}`;
  });
}

export function registerDoctor(program: Command): void {
  const command = program
    .command('doctor')
    .description(
      'check Node, k6, the Odoo target and PostgreSQL statistics access, and say what to fix',
    )
    .option('--json', 'print the checks as one JSON document on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ odoo-capacity doctor
  $ ODOO_URL=http://127.0.0.1:8069 ODOO_DB=lab ODOO_PASSWORD=admin odoo-capacity doctor
  $ PGURL=postgres://monitor:***@db:5432/postgres odoo-capacity doctor --json
  $ ODOO_API_KEY=... odoo-capacity doctor --transport json2      # Odoo 19+: JSON-2 with an API key

Exit: 0 all checks pass, 1 a check failed, 2 bad input (e.g. wrong credentials), 3 unreachable.`,
    );
  addTargetOptions(command).action(async (options: TargetFlags & GlobalOptions) => {
    const result = await runDoctor(options);
    if (options.json) printJson(result);
    else printLines(renderDoctor(result));
    process.exitCode = result.exitCode;
  });
}
