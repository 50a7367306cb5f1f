// step.json from a step's figures and database deltas, with its validity: the one place that
// decides whether a step's measurements stand, for local runs and imported ones alike.
import { RUN_SCHEMA_VERSION, type LadderSpec, type StepJson } from '../core/run-types.js';
import type { StepFigures } from './step-stats.js';
import { loadProblems } from './stop-criteria.js';

export interface StepDocumentInput {
  index: number;
  spec: LadderSpec;
  figures: StepFigures;
  database: StepJson['database'];
  k6ExitCode: number;
  /** Problems the caller saw (an abort, a k6 exit): they come first in invalidReasons. */
  problems?: string[];
}

export function stepDocument(input: StepDocumentInput): StepJson {
  const { spec, figures } = input;
  const step = spec.steps[input.index - 1]!;
  const doc: StepJson = {
    schemaVersion: RUN_SCHEMA_VERSION,
    index: input.index,
    label: step.label,
    load: { ...step, model: spec.model },
    window: figures.window,
    valid: true,
    invalidReasons: [],
    classes: figures.classes,
    database: input.database,
    k6ExitCode: input.k6ExitCode,
  };
  doc.invalidReasons = [...(input.problems ?? []), ...figures.problems, ...loadProblems(doc, spec)];
  doc.valid = doc.invalidReasons.length === 0;
  return doc;
}
