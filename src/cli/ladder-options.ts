// The ladder flags shared by `run` and `k8s`, and the scenario and workload they load: one
// parse of the same flags, so a distributed run is described exactly as a local one.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { LOAD_PROFILES } from '../core/classes.js';
import { BadInputError } from '../core/errors.js';
import { loadYamlFile } from '../core/load-yaml.js';
import type { WorkloadEnvelope } from '../core/models/workload.js';
import { packageRoot } from '../core/package-root.js';
import type { LadderSpec } from '../core/run-types.js';
import { durationFlag, numberFlag, numberListFlag } from './flags.js';

export interface LadderFlags {
  class?: string;
  rates?: string;
  vus?: string;
  hold?: string;
  warmup?: string;
  ladder?: string;
  segments?: string;
  maxRate?: string;
  maxVus?: string;
  maxDuration?: string;
  maxErrorRate?: string;
  sampleInterval?: string;
  /** Stop once a step's p50 is this many times the first step's (the ladder's stopAt). */
  p50Factor?: string;
}

/** The ladder from --ladder and the flags, flags overriding the file; validated once. */
export async function ladderFromFlags(flags: LadderFlags): Promise<LadderSpec> {
  const { loadLadder, toLadderSpec } = await import('../core/models/ladder.js');
  const overrides: Record<string, unknown> = {};
  if (flags.class !== undefined) overrides.profile = flags.class;
  if (flags.rates !== undefined && flags.vus !== undefined) {
    throw new BadInputError('--rates and --vus: give one (open model: rates; closed model: VUs)');
  }
  if (flags.rates !== undefined) {
    overrides.model = 'open';
    overrides.steps = numberListFlag('--rates', flags.rates, { above: 0 });
  }
  if (flags.vus !== undefined) {
    overrides.model = 'closed';
    overrides.steps = numberListFlag('--vus', flags.vus, { integer: true, min: 1 });
  }
  if (flags.hold !== undefined) overrides.hold = durationFlag('--hold', flags.hold);
  if (flags.warmup !== undefined) overrides.warmup = durationFlag('--warmup', flags.warmup);
  if (flags.segments !== undefined)
    overrides.segments = numberFlag('--segments', flags.segments, {
      integer: true,
      min: 1,
      max: 64,
    });
  if (flags.sampleInterval !== undefined)
    overrides.sampleInterval = durationFlag('--sample-interval', flags.sampleInterval);
  const caps: Record<string, unknown> = {};
  if (flags.maxRate !== undefined)
    caps.maxRate = numberFlag('--max-rate', flags.maxRate, { above: 0 });
  if (flags.maxVus !== undefined)
    caps.maxVus = numberFlag('--max-vus', flags.maxVus, { integer: true, min: 1 });
  if (flags.maxDuration !== undefined)
    caps.maxDuration = durationFlag('--max-duration', flags.maxDuration);
  if (flags.maxErrorRate !== undefined)
    caps.maxErrorRate = numberFlag('--max-error-rate', flags.maxErrorRate, { min: 0 });

  if (flags.p50Factor !== undefined)
    overrides.stopAt = { p50Factor: numberFlag('--p50-factor', flags.p50Factor, { above: 1 }) };

  if (flags.ladder && Object.keys(overrides).length === 0 && Object.keys(caps).length === 0) {
    return loadLadder(flags.ladder);
  }
  const base = flags.ladder
    ? ((await loadYamlFile(z.record(z.string(), z.unknown()), flags.ladder)) as Record<
        string,
        unknown
      >)
    : {};
  if (base.profile === undefined && overrides.profile === undefined) {
    throw new BadInputError('no load profile: pass --class or --ladder', {
      hint: `--class takes ${LOAD_PROFILES.join(', ')}`,
    });
  }
  if (base.steps === undefined && overrides.steps === undefined) {
    throw new BadInputError(
      'no steps: pass --rates (open model) or --vus (closed model), or --ladder',
    );
  }
  if (base.hold === undefined && overrides.hold === undefined) {
    throw new BadInputError('no hold: pass --hold (e.g. --hold 60s), or --ladder');
  }
  const merged = {
    ...base,
    ...overrides,
    caps: { ...((base.caps as Record<string, unknown> | undefined) ?? {}), ...caps },
    ...(overrides.stopAt !== undefined && {
      stopAt: {
        ...((base.stopAt as Record<string, unknown> | undefined) ?? {}),
        ...(overrides.stopAt as Record<string, unknown>),
      },
    }),
  };
  return toLadderSpec(merged, flags.ladder ? `${flags.ladder} with flags` : 'run flags');
}

/** The k6 script: --script, else the package's scenarios/<profile>.ts. */
export function scriptFor(flags: { script?: string }, profile: string): string {
  const script = flags.script
    ? resolve(flags.script)
    : join(packageRoot, 'scenarios', `${profile}.ts`);
  if (!existsSync(script)) {
    throw new BadInputError(`${flags.script ? '--script' : 'scenario'}: ${script} not found`, {
      hint: flags.script
        ? 'Check the path.'
        : 'The scenarios are not installed in this copy; pass --script <a k6 script following docs/contracts.md>.',
    });
  }
  return script;
}

/**
 * What OC_WORKLOAD carries (docs/contracts.md): the workload model (--workload, else
 * models/workload/default.yaml) and models/slo.yaml, both validated here, so a bad file stops
 * the run before any load with one line naming the file and field.
 */
export async function loadWorkloadEnvelope(flags: {
  workload?: string;
  models: string;
}): Promise<WorkloadEnvelope> {
  const [{ loadWorkload }, { loadSlo }] = await Promise.all([
    import('../core/models/workload.js'),
    import('../core/models/slo.js'),
  ]);
  const file = flags.workload ?? join(flags.models, 'workload', 'default.yaml');
  return { workload: await loadWorkload(file), slo: await loadSlo(join(flags.models, 'slo.yaml')) };
}

export function addLadderOptions(command: Command): Command {
  return command
    .option('--class <profile>', `what to drive: ${LOAD_PROFILES.join(', ')}`)
    .option('--rates <list>', 'open model: arrival rates per second, e.g. 2,4,8,16')
    .option('--vus <list>', 'closed model: VU counts, e.g. 1,2,4,8')
    .option('--hold <duration>', 'steady state held per step, e.g. 60s')
    .option('--warmup <duration>', 'warm-up before each hold, e.g. 10s (default 10s)')
    .option('--ladder <file>', 'a ladder from models/ladders/*.yaml (flags override its fields)')
    .option('--segments <n>', 'k6 processes per step, splitting it with --execution-segment')
    .option('--max-rate <n>', 'hard cap on any step rate (default 200/s)')
    .option('--max-vus <n>', 'hard cap on VUs (default 400)')
    .option('--max-duration <duration>', 'hard cap on the whole ladder (default 4h)')
    .option('--max-error-rate <fraction>', 'abort past this error rate (default 0.05)')
    .option('--sample-interval <duration>', 'PostgreSQL activity sampling period (default 5s)');
}
