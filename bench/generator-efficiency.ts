// Generator efficiency of the scenarios' XML-RPC client in k6: iterations per second per busy
// k6 core for one execute_kw through our codec and client, against k6 posting the same call
// pre-encoded (the ceiling), one after the other against the same lab endpoint; and k6's memory
// per VU with every scenario module loaded. Goal: ratio ≥ 0.8. CPU time is k6's own (user +
// system, from /usr/bin/time), taken at the margin — each variant runs for S and 2S seconds and
// the difference cancels k6's start-up and shutdown — so a busy machine slows both variants
// alike; numbers measured under contention stay provisional.
//
//   npm run build && npx vite-node bench/generator-efficiency.ts
//   BENCH_SECONDS=20 BENCH_VUS=4 BENCH_ROUNDS=2 BENCH_URL=http://127.0.0.1:8069 (an existing
//   lab or Odoo; with BENCH_DB, BENCH_PASSWORD) — without BENCH_URL a lab is started
//   (cost scale 0: the server's cost is not what is measured).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const VUS = Number(process.env.BENCH_VUS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const MEMORY_VUS = [10, 100];

interface Target {
  url: string;
  db: string;
  secret: string;
  stop(): Promise<void>;
}

interface Measure {
  iterations: number;
  cpuSeconds: number;
  maxRssMiB: number;
}

async function target(): Promise<Target> {
  if (process.env.BENCH_URL) {
    return {
      url: process.env.BENCH_URL,
      db: process.env.BENCH_DB ?? 'lab',
      secret: process.env.BENCH_PASSWORD ?? 'admin',
      stop: async () => undefined,
    };
  }
  const { startLab } = (await import(
    pathToFileURL(join(ROOT, 'dist', 'lab', 'server', 'index.js')).href
  )) as {
    startLab(o: Record<string, unknown>): Promise<{ url: string; stop(): Promise<void> }>;
  };
  const { Logger } = (await import(
    pathToFileURL(join(ROOT, 'dist', 'core', 'logger.js')).href
  )) as { Logger: new (level: string) => unknown };
  const lab = await startLab({
    port: 0,
    workers: 2,
    costScale: 0,
    log: new Logger('warn'),
    onProgress: () => undefined,
  });
  return { url: lab.url, db: 'lab', secret: 'admin', stop: () => lab.stop() };
}

/** uid and a record to read, found with the Node client (not the code under test). */
async function prepare(t: Target): Promise<{ uid: number; recordId: number }> {
  const { OdooClient } = (await import(
    pathToFileURL(join(ROOT, 'dist', 'odoo', 'index.js')).href
  )) as {
    OdooClient: new (target: unknown) => {
      authenticate(): Promise<number>;
      call<T>(model: string, method: string, args: unknown[], o?: unknown): Promise<T>;
    };
  };
  const { Secret } = (await import(
    pathToFileURL(join(ROOT, 'dist', 'core', 'secret.js')).href
  )) as {
    Secret: new (v: string) => unknown;
  };
  const client = new OdooClient({
    url: t.url,
    db: t.db,
    user: 'admin',
    secret: new Secret(t.secret),
    secretKind: 'password',
  });
  const uid = await client.authenticate();
  const [recordId] = await client.call<number[]>('res.partner', 'search', [[]], {
    kwargs: { limit: 1 },
  });
  return { uid, recordId: recordId! };
}

/**
 * One k6 run under /usr/bin/time. Asynchronous: when the bench started the lab, its master
 * answers in this process, and a synchronous spawn would stall it.
 */
async function runK6(
  mode: string,
  vus: number,
  seconds: number,
  env: Record<string, string>,
): Promise<Measure> {
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-'));
  const summary = join(dir, 'summary.json');
  const k6 =
    process.env.K6_BIN ??
    execFileSync('bash', [join(ROOT, 'scripts', 'ensure-k6.sh')], { encoding: 'utf8' }).trim();
  const script = join(ROOT, 'bench', 'generator-efficiency.k6.js');
  const args = ['-f', '%U %S %M', k6, 'run', '--quiet', '--summary-export', summary, script];
  const { status, stderr } = await new Promise<{ status: number; stderr: string }>((resolve) => {
    execFile(
      '/usr/bin/time',
      args,
      {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          ...env,
          MODE: mode,
          BENCH_VUS: String(vus),
          BENCH_DURATION: `${seconds}s`,
        },
      },
      (error, _stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
  const timeLine = stderr.trim().split('\n').pop() ?? '';
  const [user, sys, rssKiB] = timeLine.split(' ').map(Number);
  if (status !== 0 || user === undefined || Number.isNaN(user)) {
    throw new Error(`k6 (${mode}) failed with ${status}: ${stderr.slice(-2000)}`);
  }
  const metrics = (
    JSON.parse(readFileSync(summary, 'utf8')) as { metrics: Record<string, { count?: number }> }
  ).metrics;
  rmSync(dir, { recursive: true, force: true });
  const iterations = metrics.iterations?.count ?? 0;
  if (iterations === 0) throw new Error(`k6 (${mode}) ran no iteration: ${stderr.slice(-2000)}`);
  return { iterations, cpuSeconds: user + sys!, maxRssMiB: rssKiB! / 1024 };
}

const perCore = (m: Measure): number => m.iterations / m.cpuSeconds;
const fmt = (n: number, digits = 1): string => n.toFixed(digits);

async function main(): Promise<void> {
  const t = await target();
  try {
    const { uid, recordId } = await prepare(t);
    const dir = mkdtempSync(join(tmpdir(), 'oc-bench-body-'));
    const serializer = createRequire(import.meta.url)('xmlrpc/lib/serializer') as {
      serializeMethodCall(method: string, params: unknown[]): string;
    };
    const bodyFile = join(dir, 'body.xml');
    writeFileSync(
      bodyFile,
      serializer.serializeMethodCall('execute_kw', [
        t.db,
        uid,
        t.secret,
        'res.partner',
        'read',
        [[recordId], ['name']],
      ]),
    );
    const env = {
      BENCH_URL: t.url,
      BENCH_DB: t.db,
      BENCH_SECRET: t.secret,
      BENCH_UID: String(uid),
      BENCH_RECORD: String(recordId),
      BENCH_BODY_FILE: bodyFile,
    };
    console.error(`target ${t.url}, ${VUS} VUs, ${SECONDS} s per run, ${ROUNDS} rounds`);
    const rows: { round: number; mode: string; m: Measure }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const mode of ['static', 'static-tagged', 'client']) {
        // The marginal run: what 2S seconds cost beyond S seconds.
        const short = await runK6(mode, VUS, SECONDS, env);
        const long = await runK6(mode, VUS, 2 * SECONDS, env);
        const m = {
          iterations: long.iterations - short.iterations,
          cpuSeconds: long.cpuSeconds - short.cpuSeconds,
          maxRssMiB: long.maxRssMiB,
        };
        rows.push({ round, mode, m });
        console.error(
          `round ${round} ${mode.padEnd(6)} ${m.iterations} marginal iterations, ${fmt(m.cpuSeconds, 2)} CPU s → ${fmt(perCore(m))} it/s per busy core`,
        );
      }
    }
    const total = (mode: string): Measure =>
      rows
        .filter((r) => r.mode === mode)
        .reduce(
          (a, r) => ({
            iterations: a.iterations + r.m.iterations,
            cpuSeconds: a.cpuSeconds + r.m.cpuSeconds,
            maxRssMiB: 0,
          }),
          { iterations: 0, cpuSeconds: 0, maxRssMiB: 0 },
        );
    const ratio = perCore(total('client')) / perCore(total('static'));
    const taggedRatio = perCore(total('client')) / perCore(total('static-tagged'));
    // Each round's own ratio shows how much a busy machine moves the numbers.
    const roundRatios = Array.from({ length: ROUNDS }, (_, i) => {
      const of = (mode: string): Measure =>
        rows.find((r) => r.round === i + 1 && r.mode === mode)!.m;
      return perCore(of('client')) / perCore(of('static'));
    });
    const memory: Measure[] = [];
    for (const vus of MEMORY_VUS) memory.push(await runK6('client', vus, 8, env));
    const perVuMiB =
      (memory[1]!.maxRssMiB - memory[0]!.maxRssMiB) / (MEMORY_VUS[1]! - MEMORY_VUS[0]!);
    const staticMemory: Measure[] = [];
    for (const vus of MEMORY_VUS) staticMemory.push(await runK6('static', vus, 8, env));
    const staticPerVuMiB =
      (staticMemory[1]!.maxRssMiB - staticMemory[0]!.maxRssMiB) / (MEMORY_VUS[1]! - MEMORY_VUS[0]!);
    const result = {
      target: t.url,
      vus: VUS,
      secondsPerRun: SECONDS,
      rounds: ROUNDS,
      staticItPerCoreSecond: Number(fmt(perCore(total('static')))),
      clientItPerCoreSecond: Number(fmt(perCore(total('client')))),
      ratio: Number(fmt(ratio, 3)),
      staticTaggedItPerCoreSecond: Number(fmt(perCore(total('static-tagged')))),
      ratioToStaticTagged: Number(fmt(taggedRatio, 3)),
      roundRatios: roundRatios.map((r) => Number(fmt(r, 3))),
      goal: 0.8,
      memoryPerVuMiB: { client: Number(fmt(perVuMiB, 2)), static: Number(fmt(staticPerVuMiB, 2)) },
      maxRssMiB: Object.fromEntries(
        MEMORY_VUS.map((v, i) => [`client@${v}VUs`, Number(fmt(memory[i]!.maxRssMiB))]),
      ),
    };
    console.error(
      `\nclient/static iterations per busy core: ${fmt(ratio, 3)} (goal ≥ 0.8; rounds ${roundRatios.map((r) => fmt(r, 2)).join(', ')}); ` +
        `client/static-tagged (same tags, text body, timeout): ${fmt(taggedRatio, 3)}; ` +
        `k6 memory per VU: ${fmt(perVuMiB, 2)} MiB with the scenarios (${fmt(staticPerVuMiB, 2)} MiB static)`,
    );
    console.log(JSON.stringify(result, null, 2));
    rmSync(dir, { recursive: true, force: true });
  } finally {
    await t.stop();
  }
}

await main();
