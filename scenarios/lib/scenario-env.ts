// The one typed reader of the environment k6 gives a scenario (__ENV): ODOO_* and OC_*
// (docs/contracts.md). Pure: the k6 side passes __ENV in; errors name the variable.
import { parseDuration } from './duration.ts';

export type LoadModel = 'open' | 'closed';

/** What OC_EXECUTOR, OC_RATE, OC_VUS, OC_DURATION and OC_WARMUP change in the workload's load. */
export interface LoadOverrides {
  executor?: LoadModel;
  /** Mean arrival rate, transactions/s: the class's, or for peak-mix the total split by the mix. */
  rate?: number;
  /** Closed model: VUs for the class, or for peak-mix the total split by the mix. */
  vus?: number;
  /** Hold duration in seconds (the measured part, after the warm-up). */
  durationSeconds?: number;
  /** Warm-up in seconds before the hold; its requests carry phase=warmup. */
  warmupSeconds?: number;
}

export interface ScenarioTarget {
  url: string;
  db: string;
  user: string;
  /** Password or API key. Kept out of setup data, logs and tags. */
  secret: string;
  secretKind: 'password' | 'api_key';
}

export interface ScenarioEnv {
  target: ScenarioTarget;
  transport: 'xmlrpc' | 'json2';
  /** OC_RUN_ID, or "adhoc": marks load-generated records (client_order_ref OC-LOAD-<id>-…). */
  runId: string;
  /** OC_PROFILE: the class or peak-mix the runner means to drive. */
  profile?: string;
  overrides: LoadOverrides;
  /** OC_WORKLOAD: the validated workload and SLOs as JSON (`{"workload": …, "slo": …}`). */
  workloadJson?: string;
  /** Per-request timeout (OC_REQUEST_TIMEOUT): above Odoo's limit_time_real of 120 s by default. */
  requestTimeout: string;
}

export class ScenarioEnvError extends Error {
  override readonly name = 'ScenarioEnvError';
}

/** The lab's defaults, used when ODOO_URL is not set. */
export const LAB_TARGET: ScenarioTarget = {
  url: 'http://127.0.0.1:8069',
  db: 'lab',
  user: 'admin',
  secret: 'admin',
  secretKind: 'password',
};

type Env = Readonly<Record<string, string | undefined>>;

function get(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function positiveNumber(env: Env, name: string, integer = false): number | undefined {
  const raw = get(env, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new ScenarioEnvError(
      `${name}: expected a positive ${integer ? 'integer' : 'number'}, got "${raw}"`,
    );
  }
  return n;
}

function duration(env: Env, name: string, allowZero = false): number | undefined {
  const raw = get(env, name);
  if (raw === undefined) return undefined;
  const seconds = parseDuration(raw);
  if (seconds === undefined || (seconds === 0 && !allowZero)) {
    throw new ScenarioEnvError(`${name}: expected a k6 duration such as 30s or 5m, got "${raw}"`);
  }
  return seconds;
}

function target(env: Env): ScenarioTarget {
  const password = get(env, 'ODOO_PASSWORD');
  const apiKey = get(env, 'ODOO_API_KEY');
  const secret = apiKey ?? password;
  const secretKind = apiKey !== undefined ? 'api_key' : 'password';
  const url = get(env, 'ODOO_URL');
  if (url === undefined) {
    return {
      ...LAB_TARGET,
      db: get(env, 'ODOO_DB') ?? LAB_TARGET.db,
      user: get(env, 'ODOO_USER') ?? LAB_TARGET.user,
      ...(secret === undefined ? {} : { secret, secretKind }),
    };
  }
  if (!/^https?:\/\/[^/@\s]+(\/\S*)?$/.test(url)) {
    throw new ScenarioEnvError(
      'ODOO_URL: expected http(s)://host[:port] without credentials, e.g. http://127.0.0.1:8069',
    );
  }
  const db = get(env, 'ODOO_DB');
  if (db === undefined) throw new ScenarioEnvError('ODOO_DB: not set; name the database to load');
  if (secret === undefined) {
    throw new ScenarioEnvError('ODOO_PASSWORD or ODOO_API_KEY: not set; the target needs a secret');
  }
  return {
    url: url.replace(/\/+$/, ''),
    db,
    user: get(env, 'ODOO_USER') ?? 'admin',
    secret,
    secretKind,
  };
}

export function parseScenarioEnv(env: Env): ScenarioEnv {
  const executor = get(env, 'OC_EXECUTOR');
  if (executor !== undefined && executor !== 'open' && executor !== 'closed') {
    throw new ScenarioEnvError(`OC_EXECUTOR: expected open or closed, got "${executor}"`);
  }
  // ODOO_TRANSPORT, as the CLI reads it; OC_TRANSPORT is its earlier name.
  const transportName =
    get(env, 'ODOO_TRANSPORT') !== undefined ? 'ODOO_TRANSPORT' : 'OC_TRANSPORT';
  const transport = get(env, transportName) ?? 'xmlrpc';
  if (transport !== 'xmlrpc' && transport !== 'json2') {
    throw new ScenarioEnvError(`${transportName}: expected xmlrpc or json2, got "${transport}"`);
  }
  const runId = get(env, 'OC_RUN_ID') ?? 'adhoc';
  if (!/^[\w.-]+$/.test(runId)) {
    throw new ScenarioEnvError(
      `OC_RUN_ID: expected letters, digits, ".", "_" or "-", got "${runId}"`,
    );
  }
  const requestTimeout = get(env, 'OC_REQUEST_TIMEOUT') ?? '130s';
  duration(env, 'OC_REQUEST_TIMEOUT');
  const parsed: ScenarioEnv = {
    target: target(env),
    transport,
    runId,
    overrides: {
      executor,
      rate: positiveNumber(env, 'OC_RATE'),
      vus: positiveNumber(env, 'OC_VUS', true),
      durationSeconds: duration(env, 'OC_DURATION'),
      warmupSeconds: duration(env, 'OC_WARMUP', true),
    },
    requestTimeout,
  };
  const profile = get(env, 'OC_PROFILE');
  if (profile !== undefined) parsed.profile = profile;
  const workloadJson = get(env, 'OC_WORKLOAD');
  if (workloadJson !== undefined) parsed.workloadJson = workloadJson;
  return parsed;
}
