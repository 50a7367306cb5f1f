// `odoo-capacity k8s run --dry-run --out` and `run --import`: the TestRun manifests validate against k6-operator's
// own CRD schema; the step archives run in real k6 split the way k6-operator splits them, and
// the per-pod outputs come back through the same ingest.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRun } from '../../src/core/run-dir.js';
import { cleanEnv, hasStackTrace, runCli } from '../helpers/cli.js';
import { startK6 } from '../../src/runner/k6-process.js';
import { k6Binary, PROBE_SCRIPT } from '../runner/helpers/k6.js';
import { runAsPods } from './helpers/pods.js';
import { startLoadTarget, type LoadTarget } from '../runner/helpers/load-target.js';

const PASSWORD = 'k8s-odoo-pw-4b7e';

// k6-operator's TestRun CustomResourceDefinition (k6.io/v1alpha1) as the grafana/k6-operator
// project publishes it (config/crd/bases/k6.io_testruns.yaml, Apache-2.0).
const CRD = join(import.meta.dirname, '..', 'fixtures', 'k6-operator', 'k6.io_testruns.yaml');

let dir: string;
let target: LoadTarget;
let manifests: Record<string, unknown>[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oc-k8s-'));
  target = await startLoadTarget({ password: PASSWORD });
  const result = await runCli(
    [
      'k8s',
      'run',
      '--dry-run',
      '--class',
      'order-wave',
      '--rates',
      '8,12',
      '--warmup',
      '1s',
      '--hold',
      '2s',
      '--parallelism',
      '2',
      '--script',
      PROBE_SCRIPT,
      '--id',
      'dist',
      '--out',
      join(dir, 'k8s'),
    ],
    cleanEnv({ ODOO_URL: target.url, ODOO_DB: 'lab', ODOO_PASSWORD: PASSWORD }),
  );
  expect(result.code, result.stderr).toBe(0);
  manifests = (await readdir(join(dir, 'k8s')))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parse(readFileSync(join(dir, 'k8s', f), 'utf8')) as Record<string, unknown>);
});
afterAll(async () => {
  await target?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('odoo-capacity k8s run --dry-run', () => {
  it('emits TestRuns that validate against k6-operator’s CRD schema', () => {
    const doc = parseAllDocuments(readFileSync(CRD, 'utf8'))[0]!.toJS() as {
      spec: { versions: { name: string; schema: { openAPIV3Schema: object } }[] };
    };
    const schema = doc.spec.versions.find((v) => v.name === 'v1alpha1')!.schema.openAPIV3Schema;
    // The CRD uses Kubernetes' OpenAPI extensions (x-kubernetes-*) and formats such as int32.
    const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(
      schema,
    );
    const testRuns = manifests.filter((m) => m.kind === 'TestRun');
    expect(testRuns).toHaveLength(2);
    for (const testRun of testRuns) {
      expect(validate(testRun), JSON.stringify(validate.errors)).toBe(true);
      expect(testRun).toMatchObject({
        apiVersion: 'k6.io/v1alpha1',
        spec: {
          parallelism: 2,
          runner: {
            resources: {
              requests: { cpu: '1', memory: '1Gi' },
              limits: { cpu: '1', memory: '1Gi' },
            },
          },
        },
      });
    }
    // The schema does judge: a TestRun with a wrong type fails it.
    const broken = structuredClone(testRuns[0]!) as { spec: Record<string, unknown> };
    broken.spec.parallelism = 'two';
    expect(validate(broken)).toBe(false);
    // And so does a resource quantity k6-operator would refuse.
    const badCpu = structuredClone(testRuns[0]!) as {
      spec: { runner: { resources: { requests: { cpu: string } } } };
    };
    badCpu.spec.runner.resources.requests.cpu = '2x';
    expect(validate(badCpu)).toBe(false);
  });
  it('passes k6 its outputs in the env, so k6-operator’s initializer can archive the script', async () => {
    // k6-operator's initializer runs `k6 archive` with the TestRun's arguments (through `sh -c`
    // for .spec.arguments) and the runner's env: no arguments, and k6 archive takes the env.
    const testRun = manifests.find((m) => m.kind === 'TestRun') as {
      spec: { runner: { env: { name: string; value?: string }[] } } & Record<string, unknown>;
    };
    expect(testRun.spec).not.toHaveProperty('arguments');
    expect(testRun.spec).not.toHaveProperty('args');
    const configMap = manifests.find((m) => m.kind === 'ConfigMap') as {
      binaryData: Record<string, string>;
    };
    const [key, data] = Object.entries(configMap.binaryData)[0]!;
    await writeFile(join(dir, key), Buffer.from(data, 'base64'));
    const env = Object.fromEntries(
      testRun.spec.runner.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]),
    );
    expect(env.K6_SUMMARY_TREND_STATS).toContain('p(95)');
    const outcome = await startK6({
      binary: k6Binary(),
      args: ['archive', join(dir, key), '-O', join(dir, 'initializer.tar')],
      env: { ...env, POD_NAME: 'initializer' },
      timeoutMs: 60_000,
      label: 'initializer',
    }).done;
    expect(outcome.exitCode).toBe(0);
  });

  it('puts no secret in the manifests: the pods read it from a Kubernetes Secret', async () => {
    for (const file of await readdir(join(dir, 'k8s'))) {
      expect(await readFile(join(dir, 'k8s', file), 'utf8'), file).not.toContain(PASSWORD);
    }
    const testRun = manifests.find((m) => m.kind === 'TestRun') as {
      spec: { runner: { env: { name: string; valueFrom?: unknown }[] } };
    };
    expect(testRun.spec.runner.env.find((e) => e.name === 'ODOO_PASSWORD')).toEqual({
      name: 'ODOO_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'odoo-capacity-target', key: 'password' } },
    });
  });

  it('holds each step’s archive in a ConfigMap of its own, and the pods’ outputs come back through --import', async () => {
    const configMaps = manifests.filter((m) => m.kind === 'ConfigMap') as {
      binaryData: Record<string, string>;
    }[];
    expect(configMaps.map((c) => Object.keys(c.binaryData))).toEqual([
      ['01-rate-8.tar'],
      ['02-rate-12.tar'],
    ]);
    const configMap = configMaps[0]!;
    const testRun = manifests.find(
      (m) => m.kind === 'TestRun' && JSON.stringify(m).includes('01-rate-8.tar'),
    ) as { spec: { runner: { env: { name: string; value?: string }[] } } };

    // Run the archive as two k6-operator pods would: segments of one sequence, the TestRun's
    // env with $(POD_NAME) expanded, the target from its env and the secret from ours.
    const archive = join(dir, '01-rate-8.tar');
    await writeFile(archive, Buffer.from(configMap.binaryData['01-rate-8.tar']!, 'base64'));
    const results = join(dir, 'k8s', '01-rate-8');
    const outcomes = await runAsPods(
      { parallelism: 2, runner: testRun.spec.runner },
      archive,
      results,
      'oc-dist-01-rate-8-',
      { ODOO_PASSWORD: PASSWORD },
    );
    expect(outcomes.map((o) => o.exitCode)).toEqual([0, 0]);

    const runs = join(dir, 'runs');
    const imported = await runCli(
      ['run', '--import', join(dir, 'k8s'), '--runs-dir', runs, '--json'],
      cleanEnv(),
    );
    // Only step 1 has outputs: the run is partial, and says so.
    expect(imported.code).toBe(1);
    expect(hasStackTrace(imported.stderr)).toBe(false);
    const { run: runDir } = JSON.parse(imported.stdout) as { run: string };
    const onDisk = await readRun(runDir);
    expect(onDisk.run.source).toBe('import');
    expect(onDisk.run.status).toBe('partial');
    expect(onDisk.run.target.url).toBe(target.url);
    expect(onDisk.steps).toHaveLength(1);
    const c = onDisk.steps[0]!.step.classes['order-wave']!;
    const iterations = await Promise.all(
      [0, 1].map(async (i) => {
        const summary = JSON.parse(
          await readFile(join(results, `oc-dist-01-rate-8-${i}.summary.json`), 'utf8'),
        ) as { metrics: { iterations: { count: number } } };
        return summary.metrics.iterations.count;
      }),
    );
    expect(iterations.every((n) => n > 0)).toBe(true);
    // k6's own count across both pods covers the warm-up's 8 arrivals and the hold's 8 × 2.
    expect(iterations[0]! + iterations[1]!).toBeGreaterThanOrEqual(8 + 16);
    expect(c.transactions + c.errors.total).toBe(16);
    expect(onDisk.steps[0]!.step.database.cluster.note).toMatch(/not collected/);
  });
});
