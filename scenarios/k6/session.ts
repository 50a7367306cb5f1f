// One authentication per test, in setup(): read common.version, log in, find the seeded pools;
// setup data carries only the uid and what the version implies, never the secret.
import { featuresOf, type OdooFeatures } from '../lib/odoo-version.ts';
import {
  TRANSACTION_CLASSES,
  type LoadProfile,
  type TransactionClass,
  type Workload,
} from '../lib/workload.ts';
import { abortTest } from './abort.ts';
import { OdooClient, createTransport } from './client.ts';
import { scenarioEnv } from './scenario-env.ts';
import { workloadEnvelope } from './workload-source.ts';

export interface Session {
  uid: number;
  serverVersion: string;
  features: OdooFeatures;
  /** The target says it is odoo-capacity's lab (common.version's `lab` key). */
  lab: boolean;
  /** Distinguishes this k6 run's records from other runs' with the same OC_RUN_ID. */
  runToken: string;
}

export interface SetupData {
  session: Session;
  classes: Partial<Record<TransactionClass, unknown>>;
}

/** Finds a class's records and packs what its VUs need; throws with a line saying what is missing. */
export type Preparer = (client: OdooClient, session: Session, workload: Workload) => unknown;

function connect(): { client: OdooClient; session: Session } {
  const { target } = scenarioEnv;
  const transport = createTransport(scenarioEnv);
  let version;
  try {
    version = transport.version();
  } catch (error) {
    return abortTest(
      `${target.url}: common.version failed (${(error as Error).message}); is the target up? For the lab: odoo-capacity lab start`,
    );
  }
  let features: OdooFeatures;
  try {
    features = featuresOf(version);
  } catch (error) {
    return abortTest((error as Error).message);
  }
  const uid = transport.authenticate();
  if (uid === false) {
    return abortTest(
      `authenticate: ${target.url} refused user "${target.user}" on database "${target.db}"; check ODOO_DB, ODOO_USER and ODOO_PASSWORD or ODOO_API_KEY`,
    );
  }
  const session: Session = {
    uid,
    serverVersion: String(version.server_version ?? version.server_serie),
    features,
    lab: version.lab !== undefined && version.lab !== false,
    runToken: Date.now().toString(36),
  };
  return { client: new OdooClient(transport, uid), session };
}

/**
 * setup() of a scenario file: one login, then each class's preparer. A class's script stops with
 * one line when its preparer finds something missing; the peak mix instead warns once, skips that
 * class (its exec function does nothing, see `unlessSkipped`) and runs the others, and stops only
 * when no class can run.
 */
export function setupRun(
  profile: LoadProfile,
  preparers: Partial<Record<TransactionClass, Preparer>>,
): SetupData {
  if (scenarioEnv.profile !== undefined && scenarioEnv.profile !== profile) {
    abortTest(`OC_PROFILE is ${scenarioEnv.profile}, but this script runs ${profile}`);
  }
  const { workload } = workloadEnvelope(profile);
  const { client, session } = connect();
  const classes: SetupData['classes'] = {};
  const skipped: string[] = [];
  for (const cls of profile === 'peak-mix' ? TRANSACTION_CLASSES : [profile]) {
    try {
      classes[cls] = preparers[cls]!(client, session, workload);
    } catch (error) {
      const line = `${cls}: ${(error as Error).message}`;
      if (profile !== 'peak-mix') abortTest(line);
      console.warn(`peak-mix runs without ${line}`);
      skipped.push(line);
    }
  }
  if (Object.keys(classes).length === 0)
    abortTest(`peak-mix: no class can run (${skipped.join('; ')})`);
  return { session, classes };
}

/** A class's exec function in the peak mix: does nothing when setup skipped the class. */
export function unlessSkipped(
  cls: TransactionClass,
  exec: (data: SetupData) => void,
): (data: SetupData) => void {
  return (data) => {
    if (data.classes[cls] !== undefined) exec(data);
  };
}

/** client_order_ref / origin of a record this run creates: OC-LOAD-<run id>-… (docs/contracts.md). */
export function loadMarker(session: Session, kind: string, n: number): string {
  return `OC-LOAD-${scenarioEnv.runId}-${session.runToken}-${kind}-${n}`;
}

let vuClient: OdooClient | undefined;

/** The VU's client, made on its first iteration from the uid setup() found. */
export function clientFor(session: Session): OdooClient {
  vuClient ??= new OdooClient(createTransport(scenarioEnv), session.uid);
  return vuClient;
}
