// `run --import <dir>`: a run directory from a distributed run's per-pod k6 outputs (see
// src/k8s/manifests.ts), through the same ingest and histogram merge as local segments.
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../core/errors.js';
import { packageJson } from '../core/package-root.js';
import { z } from 'zod';
import { beginStep, commitStep, createRunDir, stepDirName, writeRunJson } from '../core/run-dir.js';
import { workloadEnvelopeSchema } from '../core/models/workload.js';
import { readVersionedJson } from '../core/versioned-json.js';
import {
  ladderSchema,
  RUN_SCHEMA_VERSION,
  targetSchema,
  type LadderSpec,
  type RunJson,
  type StepJson,
  type StopReason,
} from '../core/run-types.js';
import { databaseDeltas } from '../pgstats/delta.js';
import type { ActivitySample } from '../pgstats/activity-sampler.js';
import type { PgSnapshot } from '../pgstats/snapshot.js';
import { ingestFile } from './k6-output-ingest.js';
import { emptyDatabase } from './run-step.js';
import { mergeMeasurements } from './step-measurements.js';
import { stepFigures } from './step-stats.js';
import { stepDocument } from './step-document.js';
import { stopAfter } from './stop-criteria.js';

export const IMPORT_FILE = 'import.json';
const IMPORTED_NOTE =
  'imported from a distributed run: PostgreSQL statistics were not collected by the runner';

export interface ImportRequest {
  from: string;
  runsDir: string;
  id?: string;
  /** The ladder, when the folder has no import.json (or to override it). */
  spec?: LadderSpec;
}

const descriptorSchema = z.looseObject({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  runId: z.string().min(1),
  ladder: ladderSchema,
  target: targetSchema,
  script: z.string(),
  workload: workloadEnvelopeSchema.optional(),
  k6Version: z.string(),
});

/** import.json: what `k8s run --dry-run --out` knows that the pods' outputs do not say. */
export type ImportDescriptor = z.infer<typeof descriptorSchema>;

async function readDescriptor(from: string): Promise<ImportDescriptor | undefined> {
  const file = join(from, IMPORT_FILE);
  if (!existsSync(file)) return undefined;
  const remedy =
    'write it again with `odoo-capacity k8s run --dry-run --out`, or pass the ladder instead';
  return readVersionedJson(file, descriptorSchema, RUN_SCHEMA_VERSION, {
    missing: remedy,
    invalid: remedy,
  });
}

/** A pod's *.summary.json, kept as k6 wrote it. */
async function readSummary(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BadInputError(`${file}: not valid JSON (${(error as Error).message})`, {
      hint: 'Give the file k6 wrote with --summary-export, unchanged, or remove it: it is optional.',
    });
  }
}

const OUTPUT = /\.ndjson(\.gz)?$/;
const SUMMARY = /\.summary\.json$/;

/** A step's folder, <dir>/<NN>-<label>/ or <dir>/<label>/: each pod's output and summary. */
async function stepFolder(from: string, index: number, label: string): Promise<string | undefined> {
  for (const name of [stepDirName(index, label), label]) {
    if (existsSync(join(from, name))) return join(from, name);
  }
  return undefined;
}

/** run.json of a run built from pods' outputs: what the descriptor says, no database, running. */
export function importedRunJson(
  id: string,
  spec: LadderSpec,
  descriptor: ImportDescriptor | undefined,
): RunJson {
  return {
    schemaVersion: RUN_SCHEMA_VERSION,
    id,
    tool: { name: 'odoo-capacity', version: packageJson().version },
    k6: { version: descriptor?.k6Version ?? 'unknown' },
    target: {
      ...(descriptor?.target ?? { url: '', db: '', user: '', auth: 'password' }),
      odoo: { serverVersion: 'unknown', serverSerie: 'unknown', lab: false },
    },
    environment: {},
    ladder: spec,
    status: 'running',
    startedAt: new Date().toISOString(),
    steps: [],
    ...(descriptor && {
      scenario: {
        script: descriptor.script,
        ...(descriptor.workload !== undefined && { workload: descriptor.workload }),
      },
    }),
    source: 'import',
  };
}

export async function importRun(request: ImportRequest): Promise<{ dir: string; run: RunJson }> {
  const descriptor = await readDescriptor(request.from);
  const spec = request.spec ?? descriptor?.ladder;
  if (!spec) {
    throw new BadInputError(`${request.from}: no ${IMPORT_FILE} and no ladder`, {
      hint: 'Pass the ladder the pods ran (--ladder or --class/--rates/--hold), or import the folder `k8s run --dry-run --out` wrote.',
    });
  }
  const folders: StepFolder[] = [];
  for (const [i, step] of spec.steps.entries()) {
    const path = await stepFolder(request.from, i + 1, step.label);
    if (!path) break;
    folders.push({ index: i + 1, label: step.label, path });
  }
  if (folders.length === 0) {
    const first = stepDirName(1, spec.steps[0]!.label);
    throw new BadInputError(
      `${request.from}: no step folder (expected ${first}/ or ${spec.steps[0]!.label}/ holding the pods' outputs)`,
    );
  }

  const id = request.id ?? descriptor?.runId ?? `import-${Date.now()}`;
  const dir = await createRunDir(request.runsDir, id);
  const run = importedRunJson(id, spec, descriptor);
  await writeRunJson(dir, run);
  try {
    await importSteps(dir, run, spec, folders, request.from);
  } catch (error) {
    // A run left `running` would read as interrupted, and an import cannot be resumed.
    run.status = 'failed';
    run.stopReason = { kind: 'failed', detail: (error as Error).message };
    run.finishedAt = new Date().toISOString();
    await writeRunJson(dir, run);
    throw error;
  }
  return { dir, run };
}

export interface StepFolder {
  index: number;
  label: string;
  /** The folder holding the step's pods' outputs. */
  path: string;
}

/** What `k8s run` knows of a step beyond its pods' outputs. */
export interface StepEvidence {
  /** PostgreSQL around the step, when the database was reachable (`k8s run --pg-url`). */
  pg?: StepPgEvidence;
  /** The highest exit code of the step's k6 pods (default 0: unknown, as in `run --import`). */
  k6ExitCode?: number;
}

/** PostgreSQL around a step: snapshots before and after, samples during the hold. */
export interface StepPgEvidence {
  before: PgSnapshot;
  after: PgSnapshot;
  /** Activity samples taken during the hold. */
  samples: ActivitySample[];
}

/**
 * One step from its pods' outputs: ingested, merged exactly, committed to the run directory
 * like a local step, and listed in run.json (not yet written).
 */
export async function importStep(
  dir: string,
  run: RunJson,
  spec: LadderSpec,
  folder: StepFolder,
  { pg, k6ExitCode = 0 }: StepEvidence = {},
): Promise<StepJson> {
  const entries = (await readdir(folder.path)).sort();
  const outputs = entries.filter((e) => OUTPUT.test(e)).map((e) => join(folder.path, e));
  if (outputs.length === 0) {
    throw new BadInputError(`${folder.path}: no k6 output (*.ndjson or *.ndjson.gz)`);
  }
  const measured = mergeMeasurements(await Promise.all(outputs.map((o) => ingestFile(o))));
  const figures = stepFigures(measured, spec.holdSeconds);
  const stepJson = stepDocument({
    index: folder.index,
    spec,
    figures,
    database: pg ? databaseDeltas(pg.before, pg.after, pg.samples) : emptyDatabase(IMPORTED_NOTE),
    k6ExitCode,
  });
  const summaries = await Promise.all(
    entries
      .filter((e) => SUMMARY.test(e))
      .map(async (e) => ({
        pod: e.replace(SUMMARY, ''),
        summary: await readSummary(join(folder.path, e)),
      })),
  );
  const staging = await beginStep(dir, folder.index, folder.label);
  const rel = await commitStep(dir, staging, {
    step: stepJson,
    histograms: figures.histograms,
    k6Summary: { pods: summaries, outputs: outputs.length },
    ...(pg && { pgBefore: pg.before, pgAfter: pg.after, pgSamples: pg.samples }),
  });
  run.steps.push({ index: folder.index, label: folder.label, dir: rel, valid: stepJson.valid });
  return stepJson;
}

async function importSteps(
  dir: string,
  run: RunJson,
  spec: LadderSpec,
  folders: StepFolder[],
  from: string,
): Promise<void> {
  let baseline: StepJson | undefined;
  let stop: StopReason | undefined;
  for (const folder of folders) {
    const stepJson = await importStep(dir, run, spec, folder);
    baseline ??= stepJson;
    stop ??= stopAfter(baseline, stepJson, spec);
  }
  run.finishedAt = new Date().toISOString();
  if (folders.length < spec.steps.length && !stop) {
    run.status = 'partial';
    run.stopReason = {
      kind: 'interrupted',
      detail: `only ${folders.length} of ${spec.steps.length} steps have outputs in ${from}`,
    };
  } else {
    run.status = run.steps.some((s) => s.valid) ? 'complete' : 'failed';
    run.stopReason = stop ?? { kind: 'complete' };
  }
  await writeRunJson(dir, run);
}
