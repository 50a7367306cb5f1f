// What a k6 scenario is told about its step (docs/contracts.md, "k6 side ↔ runner"): OC_* and
// ODOO_*; the secret goes in k6's environment only, never its command line or run.json.
import type { LoadProfile } from '../core/classes.js';
import type { LadderSpec, LadderStepSpec } from '../core/run-types.js';
import type { OdooTarget } from '../core/target.js';
import { workloadEnvironment, type WorkloadEnvelope } from '../core/models/workload.js';

export interface K6StepEnvironment {
  runId: string;
  profile: LoadProfile;
  ladder: Pick<LadderSpec, 'model' | 'warmupSeconds' | 'holdSeconds'>;
  step: LadderStepSpec;
  /** The validated workload from models/ (OC_WORKLOAD), or undefined for the script's default. */
  workload?: WorkloadEnvelope;
}

/** The non-secret variables: also what a k6-operator TestRun sets on its runners. */
export function loadVariables(e: K6StepEnvironment): Record<string, string> {
  const open = e.ladder.model === 'open';
  return {
    OC_PROFILE: e.profile,
    OC_EXECUTOR: open ? 'open' : 'closed',
    // Open model: OC_RATE arrivals per second. Closed model: OC_VUS. Only the one that applies
    // is set: in a peak-mix, the scenarios split each over the classes of its own model.
    ...(open ? { OC_RATE: String(e.step.rate) } : { OC_VUS: String(e.step.vus) }),
    OC_WARMUP: `${e.ladder.warmupSeconds}s`,
    OC_DURATION: `${e.ladder.holdSeconds}s`,
    OC_RUN_ID: e.runId,
    ...(e.workload !== undefined && {
      OC_WORKLOAD: workloadEnvironment(e.workload.workload, e.workload.slo),
    }),
  };
}

export function targetVariables(target: OdooTarget): Record<string, string> {
  return {
    ODOO_URL: target.url,
    ODOO_DB: target.db,
    ODOO_USER: target.user,
    ODOO_TRANSPORT: target.transport ?? 'xmlrpc',
    [target.secretKind === 'api_key' ? 'ODOO_API_KEY' : 'ODOO_PASSWORD']: target.secret.reveal(),
  };
}
