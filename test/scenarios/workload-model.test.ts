// models/workload/*.yaml and models/slo.yaml: shipped files validate, bad input is named, the
// scenarios' view matches the schemas, and models/README.md documents every field.
/* eslint-disable @typescript-eslint/no-explicit-any -- the tests edit and walk parsed YAML and JSON Schema documents */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { parseYaml } from '../../src/core/load-yaml.js';
import { loadSlo, sloSchema, type Slo as SloModel } from '../../src/core/models/slo.js';
import {
  loadWorkload,
  workloadEnvironment,
  workloadSchema,
  type WorkloadModel,
} from '../../src/core/models/workload.js';
import {
  TRANSACTION_CLASSES,
  checkEnvelope,
  type Slo,
  type Workload,
} from '../../scenarios/lib/workload.ts';

const MODELS = join(import.meta.dirname, '..', '..', 'models');
const WORKLOAD_FILE = join(MODELS, 'workload', 'default.yaml');
const SLO_FILE = join(MODELS, 'slo.yaml');

function editedWorkload(edit: (doc: Record<string, any>) => void): string {
  const doc = parse(readFileSync(WORKLOAD_FILE, 'utf8')) as Record<string, any>;
  edit(doc);
  return JSON.stringify(doc, null, 1);
}

describe('the shipped models', () => {
  it('default.yaml and slo.yaml validate and cover the four classes', async () => {
    const workload = await loadWorkload(WORKLOAD_FILE);
    const slo = await loadSlo(SLO_FILE);
    expect(Object.keys(workload.classes).sort()).toEqual([...TRANSACTION_CLASSES].sort());
    expect(Object.keys(slo.classes).sort()).toEqual([...TRANSACTION_CLASSES].sort());
    expect(workload.classes['carrier-burst'].burst?.peakRate).toBeGreaterThan(
      workload.classes['carrier-burst'].rate,
    );
  });

  it('the YAML as written is already the validated document (no defaults filled in)', async () => {
    // A direct `k6 run` reads the YAML without the schema, so it must mean the same thing.
    const raw = parse(readFileSync(WORKLOAD_FILE, 'utf8')) as unknown;
    expect(await loadWorkload(WORKLOAD_FILE)).toEqual(raw);
    expect(await loadSlo(SLO_FILE)).toEqual(parse(readFileSync(SLO_FILE, 'utf8')));
  });

  it('OC_WORKLOAD carries both documents in the shape the scenarios check', async () => {
    const json = workloadEnvironment(await loadWorkload(WORKLOAD_FILE), await loadSlo(SLO_FILE));
    const envelope = checkEnvelope(JSON.parse(json), 'peak-mix', 'OC_WORKLOAD');
    expect(envelope.workload.name).toBe('mid-size-3pl');
    expect(() => checkEnvelope({ workload: {}, slo: {} }, 'order-wave', 'OC_WORKLOAD')).toThrow(
      /schemaVersion/,
    );
  });
});

describe('the scenarios read what the schemas produce', () => {
  it('the validated workload and SLO types are the scenarios’ types', () => {
    expectTypeOf<WorkloadModel>().toExtend<Workload>();
    expectTypeOf<Workload>().toExtend<WorkloadModel>();
    expectTypeOf<SloModel>().toExtend<Slo>();
    expectTypeOf<Slo>().toExtend<SloModel>();
  });
});

describe('bad input names the file, the line and the field', () => {
  it('a negative rate', () => {
    const text = readFileSync(WORKLOAD_FILE, 'utf8').replace('rate: 2 #', 'rate: -2 #');
    const line = text.split('\n').findIndex((l) => l.includes('rate: -2')) + 1;
    expect(() => parseYaml(workloadSchema, text, 'default.yaml')).toThrow(
      new RegExp(`^default\\.yaml:${line}: classes\\.order-wave\\.rate: `),
    );
  });

  it('an unknown field, a bad duration, and a burst shorter than its ramps', () => {
    const cases: [(d: Record<string, any>) => void, RegExp][] = [
      [(d) => (d.classes['order-wave'].rat = 3), /classes\.order-wave: .*rat/],
      [
        (d) => (d.classes['stock-moves'].duration = '10 minutes'),
        /stock-moves\.duration: .*k6 duration/,
      ],
      [
        (d) => (d.classes['carrier-burst'].burst.periodSeconds = 11),
        /carrier-burst\.burst\.periodSeconds: .*spikeSeconds/,
      ],
      [
        (d) =>
          (d.classes['order-wave'].payload.linesPerOrder = {
            distribution: 'uniform',
            min: 5,
            max: 2,
          }),
        /linesPerOrder\.max: min must not exceed max/,
      ],
      [
        (d) => (d.classes['order-wave'].preAllocatedVUs = 1000),
        /preAllocatedVUs must not exceed maxVUs/,
      ],
      [(d) => delete d.classes['month-end-billing'], /classes\.month-end-billing: /],
      [
        (d) => (d.classes['month-end-billing'].payload.postRetry.backoffMs = 10_000),
        /month-end-billing\.payload\.postRetry\.backoffMs: backoffMs must not exceed maxBackoffMs/,
      ],
      [
        (d) => (d.classes['month-end-billing'].payload.postRetry.maxAttempts = 0),
        /month-end-billing\.payload\.postRetry\.maxAttempts: /,
      ],
      [
        (d) => delete d.classes['month-end-billing'].payload.postRetry,
        /month-end-billing\.payload\.postRetry: /,
      ],
    ];
    for (const [edit, message] of cases) {
      const run = (): unknown => parseYaml(workloadSchema, editedWorkload(edit), 'w.yaml');
      expect(run).toThrow(BadInputError);
      expect(run).toThrow(message);
    }
  });

  it('an SLO with p99 below p95, and an abort guard of 0', () => {
    const text = readFileSync(SLO_FILE, 'utf8');
    expect(() =>
      parseYaml(sloSchema, text.replace('p99Ms: 5000', 'p99Ms: 100'), 'slo.yaml'),
    ).toThrow(/^slo\.yaml:\d+: classes\.order-wave\.p99Ms: /);
    expect(() =>
      parseYaml(sloSchema, text.replace('maxErrorRate: 0.25', 'maxErrorRate: 0'), 'slo.yaml'),
    ).toThrow(/abort\.maxErrorRate/);
  });
});

describe('models/README.md', () => {
  /** Every property name in a JSON Schema, at any depth. */
  function fieldNames(schema: unknown, names = new Set<string>()): Set<string> {
    if (Array.isArray(schema)) schema.forEach((s) => fieldNames(s, names));
    else if (schema !== null && typeof schema === 'object') {
      for (const [key, value] of Object.entries(schema)) {
        if (key === 'properties') Object.keys(value as object).forEach((k) => names.add(k));
        fieldNames(value, names);
      }
    }
    return names;
  }

  it('documents every field of the workload and SLO schemas', () => {
    const readme = readFileSync(join(MODELS, 'README.md'), 'utf8');
    const names = new Set([
      ...fieldNames(z.toJSONSchema(workloadSchema)),
      ...fieldNames(z.toJSONSchema(sloSchema)),
    ]);
    const missing = [...names].filter((n) => !readme.includes(`\`${n}\``));
    expect(missing).toEqual([]);
  });

  it('every schema field carries a description', () => {
    const undocumented: string[] = [];
    const walk = (schema: any, path: string): void => {
      if (schema === null || typeof schema !== 'object') return;
      for (const [key, value] of Object.entries<any>(schema.properties ?? {})) {
        const described = value.description ?? value.anyOf?.[0]?.description;
        if (!described && !['schemaVersion', 'distribution'].includes(key)) {
          undocumented.push(`${path}${key}`);
        }
        walk(value, `${path}${key}.`);
        walk(value.items, `${path}${key}[].`);
        (value.anyOf ?? value.oneOf ?? []).forEach((v: unknown) => walk(v, `${path}${key}.`));
      }
    };
    walk(z.toJSONSchema(workloadSchema), 'workload.');
    walk(z.toJSONSchema(sloSchema), 'slo.');
    expect(undocumented).toEqual([]);
  });
});
