// plan.json is read through its whole schema (src/core/plan-schema.ts): the plan the real `plan`
// command wrote reads back unchanged, every field of a plan with every section filled is checked
// (a wrong type anywhere is refused at that field), and `report` on such a plan prints one line
// naming the file and the field, exit 2, no stack trace, nothing written.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { planSchema, tenantPlacementSchema } from '../../src/core/plan-schema.js';
import { readPlanFile } from '../../src/report/read-run.js';
import { hasStackTrace, runCli } from '../helpers/cli.js';
import { writeSyntheticRun } from '../fixtures/report/synthetic-run.js';
import { ORDER_WAVE, syntheticRun, writeRunDir } from '../helpers/synthetic-run.js';

/** plan.json as `plan` wrote it for the golden demo run (test/golden/plan-report.test.ts). */
const GOLDEN_PLAN = join(import.meta.dirname, '..', 'fixtures', 'golden-expected', 'plan.json');
const MODELS = join(import.meta.dirname, '..', '..', 'models');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

let root: string;
let runDir: string;
let plan: { [key: string]: Json };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oc-plan-schema-'));
  // Every section filled: fits, tenants and posting collisions included.
  runDir = await writeSyntheticRun(root, 'q3');
  plan = JSON.parse(await readFile(join(runDir, 'plan.json'), 'utf8')) as typeof plan;
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Every leaf's path, once per field: of array items only the first is walked. */
function fieldPaths(value: Json, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.length === 0 ? [] : fieldPaths(value[0]!, [...path, 0]);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => fieldPaths(v, [...path, k]));
  return [path];
}

function withValue(doc: Json, path: Path, value: Json): Json {
  const copy = structuredClone(doc);
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  parent[path.at(-1)!] = value;
  return copy;
}

describe('plan.json schema', () => {
  it('reads the plan the real `plan` command wrote back unchanged', async () => {
    const written = JSON.parse(await readFile(GOLDEN_PLAN, 'utf8')) as unknown;
    expect(await readPlanFile(GOLDEN_PLAN)).toEqual(written);
  });

  it('takes what `plan` and `tenant --json` write for a two-tenant ladder with a USL fit', async () => {
    const dir = await writeRunDir(
      join(root, 'runs'),
      syntheticRun({
        id: 'two-tenants',
        classes: [ORDER_WAVE],
        rates: [1, 2, 3, 4],
        workers: 2,
        databases: [
          { name: 'lab', share: 0.8, dbMsFactor: 2 },
          { name: 'lab_b', share: 0.2 },
        ],
      }),
    );
    const planned = await runCli(['plan', '--run', dir, '--models', MODELS]);
    expect(planned.stderr).toBe('');
    const read = await readPlanFile(join(dir, 'plan.json'));
    expect(read.fits.length).toBeGreaterThan(0);
    expect(read.tenants?.length).toBe(2);
    const tenant = await runCli(['tenant', '--run', dir, '--models', MODELS, '--json']);
    expect(tenant.code).toBe(0);
    const placement = tenantPlacementSchema.safeParse(JSON.parse(tenant.stdout));
    expect(placement.error?.issues).toBeUndefined();
    expect(placement.data?.decisions.map((d) => d.database).sort()).toEqual(['lab', 'lab_b']);
  });

  it('checks every field of every section: a wrong type anywhere is refused at that field', () => {
    expect(planSchema.safeParse(plan).success).toBe(true);
    const paths = fieldPaths(plan);
    const sections = new Set(paths.map((p) => p[0]));
    for (const section of ['fits', 'workers', 'nodePools', 'database', 'tenants'])
      expect(sections).toContain(section);
    expect(sections).toContain('postingCollisions');
    expect(paths.length).toBeGreaterThan(200);
    const unchecked = paths.filter((path) => {
      const leaf = path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, plan);
      // A boolean where none is allowed, a string where only a boolean is.
      const wrong = withValue(plan, path, typeof leaf === 'boolean' ? 'yes' : true);
      const result = planSchema.safeParse(wrong);
      return (
        result.success || JSON.stringify(result.error.issues[0]!.path) !== JSON.stringify(path)
      );
    });
    expect(unchecked).toEqual([]);
  });

  it('reads null back as Infinity for a p95 no worker count bounds, as NaN for an undefined SE', () => {
    let doc = withValue(plan, ['workers', 0, 'predictions', 0, 'p95Ms'], null);
    doc = withValue(doc, ['fits', 0, 'standardErrors', 'kappa'], null);
    const read = planSchema.parse(doc);
    expect(read.workers[0]!.predictions[0]!.p95Ms).toBe(Infinity);
    expect(read.fits[0]!.standardErrors.kappa).toBeNaN();
  });

  it('refuses a tenant score contribution of a metric it does not know', () => {
    const doc = withValue(plan, ['tenants', 0, 'contributions', 'cpuShare'], 0.1);
    const result = planSchema.safeParse(doc);
    expect(result.error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      path: ['tenants', 0, 'contributions'],
    });
  });

  it('a wrong-typed field: one line naming the file and the field', async () => {
    const file = join(root, 'wrong-type.json');
    await writeFile(file, JSON.stringify(withValue(plan, ['workers', 0, 'pods'], '3')));
    const error = await readPlanFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toBe(
      `${file}: workers[0].pods: Invalid input: expected number, received string`,
    );
  });

  it('`report` on a hand-edited plan: one error line naming file and field, exit 2', async () => {
    const edited = await writeSyntheticRun(join(root, 'edited'), 'q3', {
      mutatePlan: (p) => Object.assign(p.database.memory, { sharedBuffersMiB: '4GB' }),
    });
    const out = join(root, 'out');
    const result = await runCli(['report', '--run', edited, '--out', out]);
    expect(result.code).toBe(2);
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([
      `error: ${join(edited, 'plan.json')}: database.memory.sharedBuffersMiB: Invalid input: expected number, received string`,
    ]);
    expect(result.stderr).toContain(`odoo-capacity plan --run ${edited}`);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });
});
