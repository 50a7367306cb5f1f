// k6 options for a scenario file, from the workload, the SLOs and the OC_* overrides. Only the
// first VU's options count in k6, so other VUs skip the work (and the YAML).
import type { Options } from 'k6/options';
import { planOptions } from '../lib/scenario-options.ts';
import type { LoadProfile } from '../lib/workload.ts';
import { abortTest } from './abort.ts';
import { scenarioEnv } from './scenario-env.ts';
import { workloadEnvelope } from './workload-source.ts';

export function optionsFor(profile: LoadProfile): Options {
  if (__VU !== 0) return {};
  try {
    const { workload, slo } = workloadEnvelope(profile);
    return {
      ...planOptions(profile, workload, slo, scenarioEnv.overrides),
      // Finding the pools reads a few thousand ids; a loaded target answers slowly.
      setupTimeout: '300s',
    } as Options;
  } catch (error) {
    return abortTest((error as Error).message);
  }
}
