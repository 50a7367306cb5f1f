// k6's own outputs for a run (`run --out`, README "See a run in Grafana"): flags and the K6_*
// variables that configure them, masked in logs and run.json.
import { BadInputError } from '../core/errors.js';
import { redact, registerSecretValue, urlPasswords } from '../core/redact.js';
import { k6LogField } from './k6-process.js';

/** k6 v2's built-in outputs (`k6 run --out bogus` lists them). */
const K6_BUILTIN_OUTPUTS = [
  'cloud',
  'csv',
  'experimental-opentelemetry',
  'experimental-prometheus-rw',
  'influxdb',
  'json',
  'opentelemetry',
  'statsd',
  'web-dashboard',
] as const;

/** The K6_* variables that configure an output (or the TLS check), and so reach k6. */
const PASSED = [
  /^K6_PROMETHEUS_RW_/,
  /^K6_WEB_DASHBOARD(_|$)/,
  /^K6_INFLUXDB_/,
  /^K6_OTEL_/,
  /^K6_STATSD_/,
  /^K6_CSV_/,
  /^K6_CLOUD_/,
  /^K6_INSECURE_SKIP_TLS_VERIFY$/,
];
/** K6_* variables that are not k6's: the toolkit's own (K6_BIN) and docker-compose.yml's. */
const NOT_K6 = new Set(['K6_BIN', 'K6_VERSION', 'K6_NO_USAGE_REPORT']);
/** Variable names whose value is a credential. */
const SECRET_NAME = /PASSWORD|PASSWD|TOKEN|SECRET|API_?KEY|HEADERS?|AUTH|BEARER|CREDENTIAL/;

export interface K6OutputSettings {
  /** `--out` values, as given. */
  outputs: string[];
  /** The K6_* variables passed to k6's environment. */
  env: Record<string, string>;
  /** What run.json records: each output with its argument masked, the variables by name. */
  record: { outputs: string[]; variables: string[] };
  /** One line per K6_* variable left out, and per output k6 v2 does not have built in. */
  notes: string[];
}

/** True for a variable whose value is a credential (a password, token, key or auth header). */
export function isCredentialName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** True for the K6_* variables that reach k6: the ones that configure its outputs. */
function passesToK6(name: string): boolean {
  return PASSED.some((pattern) => pattern.test(name));
}

/** Masks a value wherever a log line would show it, when it can carry a credential. */
function registerSecrets(name: string, value: string): void {
  if (isCredentialName(name)) {
    registerSecretValue(value);
    // "Bearer <token>", "Basic <base64>": the token alone may be what an error line shows.
    for (const word of value.split(/\s+/)) registerSecretValue(word);
  }
  for (const password of urlPasswords(value)) registerSecretValue(password);
}

/** The Trend statistics sent to Prometheus unless K6_PROMETHEUS_RW_TREND_STATS says otherwise. */
export const PROMETHEUS_TREND_STATS = 'p(50),p(95),p(99),max,count';
const WEB_DASHBOARD_PORT = 5665;

function webDashboard(names: string[], env: Record<string, string>): boolean {
  return names.includes('web-dashboard') || env.K6_WEB_DASHBOARD === 'true';
}

const OUTPUT = /^([a-z][a-z0-9-]*)(?:=(.+))?$/s;

function checkOutput(value: string, flag = 'run --out'): { name: string; arg?: string } {
  const match = OUTPUT.exec(value);
  if (!match) {
    throw new BadInputError(
      `${flag} ${JSON.stringify(value)}: not a k6 output (expected <name> or <name>=<argument>)`,
      { hint: `k6 v2's outputs: ${K6_BUILTIN_OUTPUTS.join(', ')}.` },
    );
  }
  return { name: match[1]!, ...(match[2] !== undefined && { arg: match[2] }) };
}

/**
 * The outputs a run adds to k6's, and the K6_* variables of environ that configure them. Values
 * that can carry a credential are registered for masking before anything prints.
 */
export function k6OutputSettings(
  outputs: readonly string[],
  environ: NodeJS.ProcessEnv,
  flag = 'run --out',
): K6OutputSettings {
  const notes: string[] = [];
  const record: string[] = [];
  for (const value of outputs) {
    const { name, arg } = checkOutput(value, flag);
    if (arg !== undefined) registerSecrets(name, arg);
    record.push(arg === undefined ? name : `${name}=${redact(arg)}`);
    if (!(K6_BUILTIN_OUTPUTS as readonly string[]).includes(name)) {
      notes.push(
        `${flag.split(' ').at(-1)} ${name}: not an output built into k6 v2 (${K6_BUILTIN_OUTPUTS.join(', ')}); passed as is, for a k6 built with an extension`,
      );
    }
  }
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(environ)) {
    if (!name.startsWith('K6_') || value === undefined || NOT_K6.has(name)) continue;
    if (passesToK6(name)) {
      registerSecrets(name, value);
      env[name] = value;
    } else if (name === 'K6_OUT') {
      notes.push(`K6_OUT is not passed to k6: name each output with ${flag}`);
    } else {
      notes.push(
        `${name} is not passed to k6: the runner sets the load and k6's flags; only output settings (K6_PROMETHEUS_RW_*, K6_WEB_DASHBOARD*, K6_INFLUXDB_*, K6_OTEL_*, ...) and K6_INSECURE_SKIP_TLS_VERIFY are`,
      );
    }
  }
  const names = outputs.map((o) => checkOutput(o, flag).name);
  // What the dashboard (deploy/grafana) plots: k6's default sends only p(99) of each Trend.
  if (names.includes('experimental-prometheus-rw'))
    env.K6_PROMETHEUS_RW_TREND_STATS ??= PROMETHEUS_TREND_STATS;
  // k6 serves its dashboard on every interface unless told otherwise; the toolkit keeps to loopback.
  if (webDashboard(names, env)) env.K6_WEB_DASHBOARD_HOST ??= '127.0.0.1';
  return {
    outputs: [...outputs],
    env,
    record: { outputs: record, variables: Object.keys(env).sort() },
    notes,
  };
}

/**
 * k6's command-line arguments for the outputs: each `--out`, and tags `run` and `step` (and
 * `segment` when a step runs in several k6 processes, so that their series stay apart) on every
 * sample, so that a dashboard tells runs and steps apart. None without outputs.
 */
export function k6OutputArgs(
  settings: K6OutputSettings | undefined,
  tags: { run: string; step: string; segment?: string },
): string[] {
  if (!settings || (settings.outputs.length === 0 && Object.keys(settings.env).length === 0))
    return [];
  return [...settings.outputs.flatMap((o) => ['--out', o]), ...outputTagArgs(tags)];
}

/** `--tag name=value` for each tag given: what tells runs, steps and segments apart in outputs. */
export function outputTagArgs(tags: Record<string, string | undefined>): string[] {
  return Object.entries(tags)
    .filter(([, value]) => value !== undefined)
    .flatMap(([name, value]) => ['--tag', `${name}=${value}`]);
}

/**
 * The K6_* variables of one k6 process of a step. With several execution segments, each k6
 * serves its web dashboard on its own port (the port, the port + 1, ...): two cannot share one.
 */
export function k6OutputEnv(
  settings: K6OutputSettings | undefined,
  segment: number,
): Record<string, string> {
  if (!settings) return {};
  const env = { ...settings.env };
  const names = settings.outputs.map((o) => checkOutput(o).name);
  const port = Number(env.K6_WEB_DASHBOARD_PORT ?? WEB_DASHBOARD_PORT);
  if (segment > 0 && webDashboard(names, env) && port > 0)
    env.K6_WEB_DASHBOARD_PORT = String(port + segment);
  return env;
}

// logrus quotes a field only when it holds spaces: output="Prometheus remote write", output=InfluxDBv1.
const OUTPUT_LINE = /level=(?:error|warning) .*\boutput=(?:"([^"]+)"|([^\s"]+))/;

/**
 * What k6 said about an output that failed while the step still ran (k6 goes on, and exits 0,
 * when Prometheus cannot be reached): one line per output, its last error, from k6's stderr
 * tail (already masked). Without them a dashboard stays empty with no word why.
 */
export function outputProblems(tail: readonly string[], label: string): string[] {
  const last = new Map<string, string>();
  for (const line of tail) {
    const match = OUTPUT_LINE.exec(line);
    if (!match) continue;
    const output = (match[1] ?? match[2])!;
    const what = [k6LogField(line, 'msg'), k6LogField(line, 'error')].filter(Boolean);
    last.set(output, what.join(': '));
  }
  return [...last].map(([output, what]) => `${label}: k6 output ${output}: ${what}`);
}
