// models/ladders/*.yaml, or the same fields from `run` flags: the load steps of a capacity run,
// validated once here into the LadderSpec that run.json records.
import { z } from 'zod';
import { parseDuration } from '../../../scenarios/lib/duration.js';
import { LOAD_PROFILES, type LoadProfile } from '../classes.js';
import { BadInputError } from '../errors.js';
import { loadYamlFile, validate } from '../load-yaml.js';
import type { LadderSpec, LadderStepSpec } from '../run-types.js';

/** The caps a ladder gets when it names none: generous for a lab, and still a hard ceiling. */
export const DEFAULT_CAPS = {
  maxRate: 200,
  maxVus: 400,
  maxSeconds: 4 * 3600,
  maxErrorRate: 0.05,
} as const;
export const DEFAULT_STOP_AT = { p50Factor: 2, maxDroppedFraction: 0.01 } as const;
export const DEFAULT_SAMPLE_INTERVAL_SECONDS = 5;

/** Seconds from a k6-style duration ("90s", "1m30s", "2h") or a bare number of seconds. */
export function parseDurationSeconds(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : parseDuration(text);
}

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration such as 60s, 1m30s or 2h, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return seconds;
});

const stepSchema = z.union([
  z.number().positive(),
  z
    .object({
      rate: z.number().positive().optional(),
      vus: z.number().int().positive().optional(),
      label: z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, dots and dashes')
        .optional(),
    })
    .strict(),
]);

export const ladderSchema = z
  .object({
    profile: z.enum(LOAD_PROFILES as [LoadProfile, ...LoadProfile[]]),
    model: z.enum(['open', 'closed']).default('open'),
    steps: z
      .array(stepSchema)
      .min(1)
      .describe('Arrival rates per second (open) or VU counts (closed), lowest first'),
    warmup: duration.default(10),
    hold: duration.refine((s) => s > 0, 'the hold must be longer than 0s'),
    segments: z.number().int().min(1).max(64).default(1),
    caps: z
      .object({
        maxRate: z.number().positive().default(DEFAULT_CAPS.maxRate),
        maxVus: z.number().int().positive().default(DEFAULT_CAPS.maxVus),
        maxDuration: duration.default(DEFAULT_CAPS.maxSeconds),
        maxErrorRate: z.number().min(0).max(1).default(DEFAULT_CAPS.maxErrorRate),
      })
      .strict()
      .default({
        maxRate: DEFAULT_CAPS.maxRate,
        maxVus: DEFAULT_CAPS.maxVus,
        maxDuration: DEFAULT_CAPS.maxSeconds,
        maxErrorRate: DEFAULT_CAPS.maxErrorRate,
      }),
    stopAt: z
      .object({
        p50Factor: z.number().gt(1).default(DEFAULT_STOP_AT.p50Factor),
        maxDroppedFraction: z.number().min(0).max(1).default(DEFAULT_STOP_AT.maxDroppedFraction),
      })
      .strict()
      .default({ ...DEFAULT_STOP_AT }),
    sampleInterval: duration
      .refine((s) => s >= 1, 'sample at most once a second')
      .default(DEFAULT_SAMPLE_INTERVAL_SECONDS),
  })
  .strict();

export type LadderInput = z.input<typeof ladderSchema>;

function formatNumber(n: number): string {
  return String(Number(n.toFixed(3)));
}

function toStep(
  raw: z.infer<typeof stepSchema>,
  model: 'open' | 'closed',
  where: string,
): LadderStepSpec {
  const load = typeof raw === 'number' ? (model === 'open' ? { rate: raw } : { vus: raw }) : raw;
  if (model === 'open' && (load.rate === undefined || load.vus !== undefined)) {
    throw new BadInputError(`${where}: an open-model step takes a rate (arrivals per second)`);
  }
  if (model === 'closed' && (load.vus === undefined || load.rate !== undefined)) {
    throw new BadInputError(`${where}: a closed-model step takes vus (a whole number)`);
  }
  if (model === 'closed' && !Number.isInteger(load.vus)) {
    throw new BadInputError(`${where}: vus must be a whole number, got ${load.vus}`);
  }
  const label =
    ('label' in load && load.label) ||
    (model === 'open' ? `rate-${formatNumber(load.rate!)}` : `vus-${load.vus}`);
  return model === 'open' ? { label, rate: load.rate! } : { label, vus: load.vus! };
}

/** Seconds a ladder lasts when every step runs: warm-up plus hold, per step. */
export function plannedSeconds(spec: Pick<LadderSpec, 'steps' | 'warmupSeconds' | 'holdSeconds'>) {
  return spec.steps.length * (spec.warmupSeconds + spec.holdSeconds);
}

/**
 * Validates ladder input (a parsed YAML file, or flags assembled into the same shape) into the
 * LadderSpec run.json records; `where` names the file or the flags in errors.
 */
export function toLadderSpec(input: unknown, where: string): LadderSpec {
  return fromParsed(validate(ladderSchema, input, where), where);
}

function fromParsed(parsed: z.infer<typeof ladderSchema>, where: string): LadderSpec {
  const steps = parsed.steps.map((s, i) => toStep(s, parsed.model, `${where}: steps[${i}]`));
  const labels = new Set<string>();
  for (const [i, step] of steps.entries()) {
    if (labels.has(step.label)) {
      throw new BadInputError(`${where}: steps[${i}]: label ${step.label} appears twice`);
    }
    labels.add(step.label);
  }
  const spec: LadderSpec = {
    profile: parsed.profile,
    model: parsed.model,
    steps,
    warmupSeconds: parsed.warmup,
    holdSeconds: parsed.hold,
    segments: parsed.segments,
    caps: {
      maxRate: parsed.caps.maxRate,
      maxVus: parsed.caps.maxVus,
      maxSeconds: parsed.caps.maxDuration,
      maxErrorRate: parsed.caps.maxErrorRate,
    },
    stopAt: parsed.stopAt,
    sampleIntervalSeconds: parsed.sampleInterval,
  };
  checkCaps(spec, where);
  return spec;
}

/** The hard caps: every step and the whole ladder must fit under them (docs/architecture.md). */
export function checkCaps(spec: LadderSpec, where: string): void {
  const hint = 'Lower the step, or raise the cap deliberately (ladder caps, or --max-* flags).';
  for (const [i, step] of spec.steps.entries()) {
    if (step.rate !== undefined && step.rate > spec.caps.maxRate) {
      throw new BadInputError(
        `${where}: steps[${i}]: rate ${step.rate}/s is over the cap maxRate ${spec.caps.maxRate}/s`,
        { hint },
      );
    }
    if (step.vus !== undefined && step.vus > spec.caps.maxVus) {
      throw new BadInputError(
        `${where}: steps[${i}]: ${step.vus} VUs is over the cap maxVus ${spec.caps.maxVus}`,
        { hint },
      );
    }
  }
  const seconds = plannedSeconds(spec);
  if (seconds > spec.caps.maxSeconds) {
    throw new BadInputError(
      `${where}: the ladder lasts ${seconds}s (${spec.steps.length} steps × (warm-up + hold)), over the cap maxDuration ${spec.caps.maxSeconds}s`,
      { hint },
    );
  }
}

/** Reads models/ladders/<name>.yaml; errors name the file, the line and the field. */
export async function loadLadder(file: string): Promise<LadderSpec> {
  return fromParsed(await loadYamlFile(ladderSchema, file), file);
}
