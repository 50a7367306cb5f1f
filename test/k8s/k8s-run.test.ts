// `k8s run` with the real kubectl and real k6 archives: the ConfigMap is the one kubectl itself
// builds from the archive, an archive over 1 MiB is refused in one line, and kubectl's failures
// (not installed, no context) end with one line and the toolkit's exit codes. With a
// kube-apiserver (OC_TEST_KUBECONFIG), the server validates the manifests against the installed
// CRD, refuses a ConfigMap over the limit, and a TestRun's stage drives the wait.
import { execFileSync } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/logger.js';
import { CONFIGMAP_LIMIT_BYTES } from '../../src/k8s/manifests.js';
import { startLab } from '../../src/lab/server/index.js';
import { cleanEnv, hasStackTrace, runCli } from '../helpers/cli.js';
import { installTestRunCrd } from './helpers/crd.js';
import { describeWithApiServer, kubeconfig } from './helpers/apiserver.js';

const KUBECTL = process.env.KUBECTL ?? 'kubectl';
const TARGET = ['--url', 'http://odoo.loadtest.svc:8069', '--db', 'tenant_a'];
const LADDER = ['--class', 'order-wave', '--rates', '8,12', '--warmup', '1s', '--hold', '2s'];

interface Manifest {
  kind: string;
  metadata: { name: string };
  binaryData?: Record<string, string>;
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oc-k8s-run-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function dryRun(args: string[], env = cleanEnv()) {
  const result = await runCli(['k8s', 'run', '--dry-run', '--json', ...TARGET, ...args], env);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { manifests: Manifest[] }).manifests;
}

describe('k8s run, the real kubectl and k6 archive', () => {
  it('puts each step’s archive in a ConfigMap exactly as kubectl create configmap --from-file does', async () => {
    const manifests = await dryRun(LADDER);
    const configMap = manifests.find((m) => m.kind === 'ConfigMap')!;
    const [key, data] = Object.entries(configMap.binaryData!)[0]!;
    const archive = join(dir, key);
    await writeFile(archive, Buffer.from(data, 'base64'));
    const byKubectl = JSON.parse(
      execFileSync(
        KUBECTL,
        [
          'create',
          'configmap',
          configMap.metadata.name,
          `--from-file=${key}=${archive}`,
          '--dry-run=client',
          '-o',
          'json',
        ],
        { env: { ...process.env, KUBECONFIG: join(dir, 'none') } },
      ).toString(),
    ) as Manifest;
    // kubectl keeps a UTF-8 file (a tar of scripts is one) in data, other bytes in binaryData.
    const theirs = byKubectl.data?.[key]
      ? Buffer.from(byKubectl.data[key], 'utf8')
      : Buffer.from(byKubectl.binaryData![key]!, 'base64');
    expect(theirs.equals(Buffer.from(data, 'base64'))).toBe(true);
  });

  it('keeps the peak-mix archive, the largest scenario, under the ConfigMap limit', async () => {
    const manifests = await dryRun(['--class', 'peak-mix', '--rates', '8', '--hold', '2s']);
    const bytes = Buffer.from(
      Object.values(manifests.find((m) => m.kind === 'ConfigMap')!.binaryData!)[0]!,
      'base64',
    ).length;
    expect(bytes).toBeGreaterThan(10_000);
    expect(bytes).toBeLessThan(CONFIGMAP_LIMIT_BYTES);
  });

  it('refuses an archive over 1 MiB with one line naming its size and the limit', async () => {
    // A script importing 1.2 MB of data: k6 archive bundles it, uncompressed.
    await writeFile(
      join(dir, 'big.js'),
      `export const big = '${randomBytes(600_000).toString('hex')}';\n`,
    );
    const script = join(dir, 'big-script.js');
    await writeFile(
      script,
      "import { big } from './big.js';\nexport const options = { vus: 1, iterations: 1 };\nexport default function () { if (big.length === 0) throw new Error('empty'); }\n",
    );
    const result = await runCli(
      ['k8s', 'run', '--dry-run', ...TARGET, ...LADDER, '--script', script],
      cleanEnv(),
    );
    expect(result.code).toBe(2);
    expect(hasStackTrace(result.stderr)).toBe(false);
    const line = result.stderr.split('\n').find((l) => l.includes('ConfigMap limit'))!;
    expect(line).toMatch(
      /step 01-rate-8: the k6 archive is 1\.\d\d MiB \((\d+) bytes\), over the ConfigMap limit of 1 MiB \(1048576 bytes\)/,
    );
    const bytes = Number(/\((\d+) bytes\)/.exec(line)![1]);
    expect(bytes).toBeGreaterThan(1_200_000);
    expect(result.stdout).toBe('');
  });

  it('sends the pods’ metrics to --k6-out outputs too, credentials from the Secret only', async () => {
    const password = 'rw-pw-k8s-3f9a1c';
    const env = cleanEnv({
      K6_PROMETHEUS_RW_SERVER_URL: 'http://prometheus.monitoring.svc:9090/api/v1/write',
      K6_PROMETHEUS_RW_USERNAME: 'k6',
      K6_PROMETHEUS_RW_PASSWORD: password,
    });
    const args = [
      ...LADDER,
      '--k6-out',
      'experimental-prometheus-rw',
      '--k6-out',
      'csv=/tmp/k6.csv',
    ];
    const manifests = await dryRun(args, env);
    const testRun = manifests.find((m) => m.kind === 'TestRun')!;
    const runner = testRun.spec!.runner as {
      env: { name: string; value?: string; valueFrom?: unknown }[];
    };
    const byName = Object.fromEntries(runner.env.map((e) => [e.name, e]));
    // k6 splits K6_OUT at commas: the toolkit's own JSON output, then each --k6-out.
    expect(byName.K6_OUT!.value).toBe(
      'json=/results/$(POD_NAME).ndjson.gz,experimental-prometheus-rw,csv=/tmp/k6.csv',
    );
    expect(byName.K6_PROMETHEUS_RW_SERVER_URL!.value).toBe(
      'http://prometheus.monitoring.svc:9090/api/v1/write',
    );
    expect(byName.K6_PROMETHEUS_RW_TREND_STATS!.value).toBe('p(50),p(95),p(99),max,count');
    expect(byName.K6_PROMETHEUS_RW_PASSWORD).toEqual({
      name: 'K6_PROMETHEUS_RW_PASSWORD',
      valueFrom: {
        secretKeyRef: { name: 'odoo-capacity-target', key: 'k6-prometheus-rw-password' },
      },
    });
    expect(JSON.stringify(manifests)).not.toContain(password);
    // Every sample is tagged run and step, as a local run's: as arguments, since k6-operator's
    // own --tag flags on `k6 run` replace an archive's tags.
    expect(testRun.spec!.arguments).toMatch(/^--tag run=\S+-order-wave --tag step=rate-8$/);

    // A password inside a URL, or an output k6 would split, is refused in one line.
    const inUrl = await runCli(
      ['k8s', 'run', '--dry-run', ...TARGET, ...args],
      cleanEnv({
        K6_PROMETHEUS_RW_SERVER_URL: `http://k6:${password}@prometheus:9090/api/v1/write`,
      }),
    );
    expect(inUrl.code).toBe(2);
    expect(inUrl.stderr).toMatch(
      /^error: K6_PROMETHEUS_RW_SERVER_URL: a password inside its URL would be written into the TestRun$/m,
    );
    expect(inUrl.stderr + inUrl.stdout).not.toContain(password);
    const comma = await runCli(
      ['k8s', 'run', '--dry-run', ...TARGET, ...LADDER, '--k6-out', 'csv=a.csv,b'],
      cleanEnv(),
    );
    expect(comma.code).toBe(2);
    expect(comma.stderr).toContain(
      '--k6-out "csv=a.csv,b": k6-operator\'s pods get their outputs in K6_OUT, which k6 splits at commas',
    );
  });

  it('makes the ladder’s error cap the pods’ own abortOnFail guard, when below the SLO’s', async () => {
    // Pods cannot be stopped from here mid-step as a local k6 is: their k6 stops itself.
    const guard = async (cap: string) => {
      const manifests = await dryRun([...LADDER, '--max-error-rate', cap]);
      const configMap = manifests.find((m) => m.kind === 'ConfigMap')!;
      const archive = join(dir, `cap-${cap}.tar`);
      await writeFile(archive, Buffer.from(Object.values(configMap.binaryData!)[0]!, 'base64'));
      const options = JSON.parse(
        execFileSync(process.env.K6_BIN!, ['inspect', archive]).toString(),
      ) as { thresholds: Record<string, unknown> };
      return options.thresholds.oc_transaction_failed;
    };
    expect(await guard('0.1')).toEqual([
      { threshold: 'rate<0.1', abortOnFail: true, delayAbortEval: '30s' },
    ]);
    // Over models/slo.yaml's abort guard (25 %): the SLO's stays.
    expect(await guard('0.5')).toEqual([
      { threshold: 'rate<0.25', abortOnFail: true, delayAbortEval: '30s' },
    ]);
  });

  it('resumes only a partial k8s run, as it started, in one line otherwise', async () => {
    const golden = join(import.meta.dirname, '..', 'fixtures', 'golden-run');
    const copy = async (name: string, change: Record<string, unknown>) => {
      const to = join(dir, name);
      await cp(golden, to, { recursive: true });
      const run = JSON.parse(await readFile(join(to, 'run.json'), 'utf8')) as object;
      await writeFile(join(to, 'run.json'), JSON.stringify({ ...run, ...change }));
      return to;
    };
    const resume = (run: string, more: string[] = []) =>
      runCli(['k8s', 'run', '--resume', run, ...more], cleanEnv({ KUBECONFIG: join(dir, 'none') }));
    const local = await copy('resume-local', { status: 'partial' });
    const refused = await resume(local);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^error: .*resume-local: this run was driven by `run`, not `k8s run`$/m,
    );
    expect(refused.stderr).toContain(
      'hint: Continue it with: odoo-capacity run --resume 20261204-111038-peak-mix',
    );
    expect(hasStackTrace(refused.stderr)).toBe(false);
    const done = await resume(await copy('resume-done', { source: 'k8s' }));
    expect(done.code).toBe(2);
    expect(done.stderr).toMatch(/this run is complete; there is nothing to resume$/m);
    const partial = await copy('resume-k8s', { source: 'k8s', status: 'partial' });
    const changed = await resume(partial, ['--rates', '1,2']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(
      /^error: --resume continues the run as it started: --rates cannot change it$/m,
    );
    const elsewhere = await resume(partial, ['--url', 'http://odoo.other.svc:8069']);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(
      /^error: resume: the target http:\/\/odoo\.other\.svc:8069 \(demo\) is not this run's http:\/\/127\.0\.0\.1:40169 \(demo\)$/m,
    );
  });

  it('keeps each step’s objects apart under a run id too long for a Kubernetes name', async () => {
    const id = `quarterly-sizing-${'tenant-acme-distribution-'.repeat(2)}2026q4`;
    const manifests = await dryRun([...LADDER, '--id', id]);
    const names = manifests.filter((m) => m.kind === 'TestRun').map((m) => m.metadata.name);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    for (const name of names) expect(name.length, name).toBeLessThanOrEqual(50);
    expect(names[0]).toMatch(/^oc-quarterly-sizing-[a-z0-9-]+-[0-9a-f]{7}$/);
  });

  it('refuses a resource quantity Kubernetes would refuse, naming the flag', async () => {
    const result = await runCli(
      ['k8s', 'run', '--dry-run', ...TARGET, ...LADDER, '--runner-memory', '2GB'],
      cleanEnv(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--runner-memory: not a Kubernetes quantity: "2GB"');
  });

  it('ends with one line when kubectl is missing (exit 3) or has no context (exit 2)', async () => {
    const args = ['k8s', 'run', ...TARGET, ...LADDER, '--no-seed', '--runs-dir', join(dir, 'runs')];
    const missing = await runCli(args, cleanEnv({ KUBECTL: join(dir, 'no-kubectl') }));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(`kubectl not found: ${join(dir, 'no-kubectl')}`);
    expect(hasStackTrace(missing.stderr)).toBe(false);

    await writeFile(join(dir, 'empty-kubeconfig'), '');
    const noContext = await runCli(
      args,
      cleanEnv({ KUBECONFIG: join(dir, 'empty-kubeconfig'), KUBECTL }),
    );
    expect(noContext.code).toBe(2);
    expect(noContext.stderr).toMatch(/kubectl: no Kubernetes context/);
    expect(hasStackTrace(noContext.stderr)).toBe(false);
    // Nothing was applied, so no run directory was started.
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });
});

if (!kubeconfig) {
  console.log(
    'k8s end-to-end: skipped, no kube-apiserver (OC_TEST_KUBECONFIG; scripts/kube-apiserver.sh)',
  );
}

describeWithApiServer('k8s run against a kube-apiserver', () => {
  const ns = `oc-e2e-${process.pid}`;
  const kc = (args: string[], input?: string) =>
    execFileSync(KUBECTL, args, {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
    }).toString();
  const kcFails = (args: string[], input?: string): string => {
    try {
      kc(args, input);
    } catch (error) {
      return String((error as { stderr: Buffer }).stderr);
    }
    throw new Error(`kubectl ${args.join(' ')} succeeded`);
  };

  /** What k6-operator would write: the TestRun's status.stage. */
  const setTestRunStage = (name: string, stage: string) =>
    kc([
      'patch',
      'testrun',
      name,
      '-n',
      ns,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { stage } }),
    ]);

  beforeAll(async () => {
    await installTestRunCrd(KUBECTL, kubeconfig!);
    kc(['create', 'namespace', ns]);
  });
  afterAll(() => {
    if (kubeconfig) kc(['delete', 'namespace', ns, '--wait=false']);
  });

  it('accepts the manifests in a server-side dry run, and refuses a broken TestRun', async () => {
    const manifests = await dryRun([...LADDER, '--namespace', ns]);
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests });
    const applied = kc(
      ['apply', '--server-side', '--dry-run=server', '-f', '-', '-o', 'name'],
      list,
    );
    expect(applied.trim().split('\n')).toHaveLength(4);
    const broken = structuredClone(manifests.find((m) => m.kind === 'TestRun')!);
    broken.spec!.parallelism = 'two';
    expect(
      kcFails(['apply', '--server-side', '--dry-run=server', '-f', '-'], JSON.stringify(broken)),
    ).toMatch(/parallelism/);
  });

  it('refuses a ConfigMap one byte over the limit the toolkit checks, and takes one at it', () => {
    const configMap = (bytes: number) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cm-${bytes}`, namespace: ns },
        binaryData: { 'a.tar': Buffer.alloc(bytes, 1).toString('base64') },
      });
    expect(
      kcFails(['apply', '--server-side', '-f', '-'], configMap(CONFIGMAP_LIMIT_BYTES + 1)),
    ).toMatch(/too long: may not be more than 1048576 bytes/i);
    kc(['apply', '--server-side', '-f', '-'], configMap(CONFIGMAP_LIMIT_BYTES));
    // A client-side apply copies the object into an annotation (at most 256 KiB): why k8s run
    // applies server-side.
    expect(kcFails(['apply', '-f', '-'], configMap(300_000))).toMatch(/annotations|too long/i);
  });

  it('checks the Secret and the claim before applying anything, in one line each', async () => {
    const args = ['k8s', 'run', ...TARGET, ...LADDER, '--no-seed', '--namespace', ns];
    const env = cleanEnv({ KUBECONFIG: kubeconfig!, KUBECTL });
    const noSecret = await runCli([...args, '--runs-dir', join(dir, 'runs-a')], env);
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain(
      'kubectl get secret odoo-capacity-target: Error from server (NotFound): secrets "odoo-capacity-target" not found',
    );
    expect(noSecret.stderr).toContain(
      `kubectl -n ${ns} create secret generic odoo-capacity-target`,
    );
    kc([
      '-n',
      ns,
      'create',
      'secret',
      'generic',
      'odoo-capacity-target',
      '--from-literal=api-key=x',
    ]);
    const wrongKey = await runCli([...args, '--runs-dir', join(dir, 'runs-b')], env);
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr).toContain(
      'secret odoo-capacity-target has no key "password" (keys: api-key)',
    );
    expect(wrongKey.stderr).not.toMatch(/\bx\b.*keys/);
    const noClaim = await runCli(
      [...args, '--auth', 'api_key', '--runs-dir', join(dir, 'runs-c')],
      env,
    );
    expect(noClaim.code).toBe(2);
    expect(noClaim.stderr).toContain('persistentvolumeclaims "odoo-capacity-results" not found');
    for (const r of [noSecret, wrongKey, noClaim]) expect(hasStackTrace(r.stderr)).toBe(false);
    expect(existsSync(join(dir, 'runs-c'))).toBe(false);
  });

  it('fails in one line (exit 3) when the collector pod never gets Ready, and removes it', async () => {
    const ns2 = `${ns}-wait`;
    kc(['create', 'namespace', ns2]);
    kc([
      '-n',
      ns2,
      'create',
      'secret',
      'generic',
      'odoo-capacity-target',
      '--from-literal=password=x',
    ]);
    kc(
      ['-n', ns2, 'apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'odoo-capacity-results' },
        spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } },
      }),
    );
    const runs = join(dir, 'runs-wait');
    // Pools are topped up from here, so the target is reached from here too: the lab stands in.
    const lab = await startLab({
      port: 0,
      workers: 1,
      databases: ['k8s'],
      costScale: 0,
      log: new Logger('warn'),
    });
    let result;
    try {
      result = await runCli(
        [
          'k8s',
          'run',
          '--url',
          lab.url,
          '--db',
          'k8s',
          ...LADDER,
          '--namespace',
          ns2,
          '--id',
          'wait2',
          '--start-timeout',
          '2',
          '--runs-dir',
          runs,
        ],
        cleanEnv({ KUBECONFIG: kubeconfig!, KUBECTL, ODOO_PASSWORD: 'admin' }),
      );
    } finally {
      await lab.stop();
    }
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(
      /kubectl wait: timed out \(error: timed out waiting for the condition/,
    );
    expect(hasStackTrace(result.stderr)).toBe(false);
    const run = JSON.parse(await readFile(join(runs, 'wait2', 'run.json'), 'utf8')) as {
      status: string;
      target: { odoo: { serverVersion: string; lab: boolean } };
    };
    expect(run.status).toBe('failed');
    // As a local run: checked and described before anything is applied (plan --format reads it).
    expect(run.target.odoo).toMatchObject({ serverVersion: '17.0', lab: true });
    expect(kc(['-n', ns2, 'get', 'pods', '-o', 'name'])).toBe('');
  });

  it('waits on the TestRun’s stage: finished ends the wait, error is one line', async () => {
    const { kubectl } = await import('../../src/k8s/kubectl.js');
    const { waitForTestRun, applyManifests } = await import('../../src/k8s/k8s-ladder.js');
    const run = kubectl({ namespace: ns });
    process.env.KUBECONFIG = kubeconfig;
    const manifests = await dryRun([...LADDER, '--namespace', ns]);
    const [configMap, testRun] = manifests as [Manifest, Manifest];
    await applyManifests(run, [configMap, testRun] as never);
    const name = testRun.metadata.name;
    const setStage = (stage: string) => setTestRunStage(name, stage);
    const signal = new AbortController().signal;
    setStage('started');
    const waiting = waitForTestRun(run, name, { timeoutSeconds: 60, signal, pollMs: 200 });
    // k6-operator passes through stopped (every runner pod ended) on its way to finished.
    setTimeout(() => setStage('stopped'), 300);
    setTimeout(() => setStage('finished'), 900);
    await expect(waiting).resolves.toBe('finished');
    setStage('error');
    await expect(
      waitForTestRun(run, name, { timeoutSeconds: 60, signal, pollMs: 200 }),
    ).rejects.toThrow(`TestRun ${name}: k6-operator says stage "error"`);
  });

  it('rides out an API server outage while waiting, and gives up past its limit in one line', async () => {
    const { kubectl } = await import('../../src/k8s/kubectl.js');
    const { waitForTestRun, applyManifests } = await import('../../src/k8s/k8s-ladder.js');
    process.env.KUBECONFIG = kubeconfig;
    const manifests = await dryRun([...LADDER, '--namespace', ns, '--id', 'outage']);
    const [configMap, testRun] = manifests as [Manifest, Manifest];
    await applyManifests(kubectl({ namespace: ns }), [configMap, testRun] as never);
    const name = testRun.metadata.name;
    const setStage = (stage: string) => setTestRunStage(name, stage);
    // A TCP relay in front of the API server, taken down and brought back on the same port: to
    // kubectl, the cluster becomes unreachable (connection refused) and then answers again.
    const server = new URL(
      kc(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}']),
    );
    const relay = await startRelay(Number(server.port));
    const relayed = join(dir, 'relayed-kubeconfig');
    await writeFile(
      relayed,
      (await readFile(kubeconfig!, 'utf8')).replaceAll(
        server.origin,
        `https://127.0.0.1:${relay.port}`,
      ),
    );
    const viaRelay = kubectl({ namespace: ns, kubeconfig: relayed });
    const signal = new AbortController().signal;
    try {
      setStage('started');
      const notes: string[] = [];
      const waiting = waitForTestRun(viaRelay, name, {
        timeoutSeconds: 120,
        signal,
        pollMs: 200,
        onNote: (line) => notes.push(line),
        outageMs: 60_000,
      });
      await sleep(600);
      await relay.down();
      await sleep(1500);
      setStage('finished');
      await sleep(1500);
      await relay.up();
      await expect(waiting).resolves.toBe('finished');
      expect(notes).toHaveLength(2);
      expect(notes[0]).toMatch(
        new RegExp(
          `^kubectl get testrun ${name}: cluster unreachable \\(.+\\); retrying for up to 60 s$`,
        ),
      );
      expect(notes[1]).toMatch(
        new RegExp(`^TestRun ${name}: the API server answers again after \\d+ s$`),
      );

      // An outage longer than the limit ends the wait with kubectl's one line.
      setStage('started');
      await relay.down();
      await expect(
        waitForTestRun(viaRelay, name, {
          timeoutSeconds: 120,
          signal,
          pollMs: 200,
          outageMs: 1000,
        }),
      ).rejects.toThrow(new RegExp(`^kubectl get testrun ${name}: cluster unreachable \\(`));
    } finally {
      await relay.close();
    }
  });
});

/** A TCP relay to 127.0.0.1:port that can stop listening (and drop its connections) and resume. */
async function startRelay(port: number) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (at: number) =>
    new Promise<number>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(port, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(at, '127.0.0.1', () => resolve((server!.address() as { port: number }).port));
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server!.close(() => resolve());
    });
  const own = await listen(0);
  return {
    port: own,
    down,
    up: async () => void (await listen(own)),
    close: async () => {
      if (server?.listening) await down();
    },
  };
}
