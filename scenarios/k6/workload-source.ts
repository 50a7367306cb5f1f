// Where the workload and SLOs come from: OC_WORKLOAD, or for a direct `k6 run` the YAML in
// models/, read only in k6's first VU (scenarios/README.md).
import { checkEnvelope, type LoadProfile, type WorkloadEnvelope } from '../lib/workload.ts';
import { scenarioEnv } from './scenario-env.ts';

let cached: unknown;

function readOnce(): unknown {
  if (cached !== undefined) return cached;
  if (scenarioEnv.workloadJson !== undefined) {
    try {
      cached = JSON.parse(scenarioEnv.workloadJson);
    } catch (error) {
      throw new Error(`OC_WORKLOAD: not JSON (${(error as Error).message})`);
    }
  } else {
    // require(), unlike a static import, loads the parser only here, in VU 0.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yaml = require('../../node_modules/yaml/browser/index.js') as {
      parse(text: string): unknown;
    };
    cached = {
      workload: yaml.parse(open(import.meta.resolve('../../models/workload/default.yaml'))),
      slo: yaml.parse(open(import.meta.resolve('../../models/slo.yaml'))),
    };
  }
  return cached;
}

/** The workload and SLOs for `profile`; call it in the init context of VU 0 (options, setup). */
export function workloadEnvelope(profile: LoadProfile): WorkloadEnvelope {
  const source =
    scenarioEnv.workloadJson !== undefined
      ? 'OC_WORKLOAD'
      : 'models/workload/default.yaml and models/slo.yaml';
  return checkEnvelope(readOnce(), profile, source);
}
