// Generator efficiency of the scenarios' XML-RPC and JSON-2 clients in k6 against pre-encoded
// ceilings, all modes side by side on one pinned core (bench/README.md).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type * as Logging from '../src/core/logger.js';
import type * as Provider from '../src/pg-local/postgres-provider.js';
import type * as Secrets from '../src/core/secret.js';
import type * as LabServer from '../src/lab/server/index.js';
import type * as Odoo from '../src/odoo/index.js';

const ROOT = join(import.meta.dirname, '..');
const WINDOW = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BOUND_VUS = Number(process.env.BENCH_VUS ?? 8);
const PACED_VUS = 50;
const MODES = [
  'static',
  'static-tagged',
  'floor',
  'client',
  'json2-static',
  'json2-client',
] as const;
type Mode = (typeof MODES)[number] | 'idle';
const MEMORY_VUS = [10, 100] as const;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

const CPUS = availableParallelism();
/** k6's core, and the cores everything else is pinned to (none on a single core). */
const K6_CORE = CPUS > 1 ? String(CPUS - 1) : undefined;
const OTHER_CORES = CPUS > 1 ? (CPUS > 2 ? `0-${CPUS - 2}` : '0') : undefined;

const dist = async <T>(path: string): Promise<T> =>
  (await import(pathToFileURL(join(ROOT, 'dist', 'src', path)).href)) as T;

interface Endpoint {
  url: string;
  db: string;
  secret: string;
  apiKey: string;
  stop(): Promise<void>;
}

interface Window {
  iterations: number;
  cpuSeconds: number;
  seconds: number;
  hwmMiB: number;
}

type Load = { kind: 'rate'; rate: number } | { kind: 'vus'; vus: number };

async function startTarget(): Promise<Endpoint> {
  if (process.env.BENCH_URL) {
    if (!process.env.BENCH_API_KEY)
      throw new Error('BENCH_API_KEY: the JSON-2 modes need an API key of the target');
    return {
      url: process.env.BENCH_URL,
      db: process.env.BENCH_DB ?? 'lab',
      secret: process.env.BENCH_PASSWORD ?? 'admin',
      apiKey: process.env.BENCH_API_KEY,
      stop: async () => undefined,
    };
  }
  const { Secret } = await dist<typeof Secrets>('core/secret.js');
  const apiKey = randomBytes(20).toString('hex');
  const { startLab } = await dist<typeof LabServer>('lab/server/index.js');
  const { Logger } = await dist<typeof Logging>('core/logger.js');
  const lab = await startLab({
    port: 0,
    workers: 2,
    costScale: 0,
    json2: true,
    apiKey: new Secret(apiKey),
    log: new Logger('warn'),
    onProgress: () => undefined,
  });
  return { url: lab.url, db: 'lab', secret: 'admin', apiKey, stop: () => lab.stop() };
}

/** The JSON-2 request of the same read, as json2-static posts it. */
function json2Body(recordId: number): string {
  return JSON.stringify({ ids: [recordId], fields: ['name'] });
}

/**
 * uid, a record to read and the answers to reading it over XML-RPC and JSON-2, with the Node
 * client and fetch (not the code under test).
 */
async function prepare(
  t: Endpoint,
): Promise<{ uid: number; recordId: number; answer: string; json2Answer: string }> {
  const { OdooClient } = await dist<typeof Odoo>('odoo/index.js');
  const { Secret } = await dist<typeof Secrets>('core/secret.js');
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
  const body = requestBody(t, uid, recordId!);
  const res = await fetch(`${t.url}/xmlrpc/2/object`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml' },
    body,
  });
  const json2 = await fetch(`${t.url}/json/2/res.partner/read`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `bearer ${t.apiKey}`,
      'X-Odoo-Database': t.db,
    },
    body: json2Body(recordId!),
  });
  if (json2.status !== 200) throw new Error(`JSON-2 read: HTTP ${json2.status}`);
  return { uid, recordId: recordId!, answer: await res.text(), json2Answer: await json2.text() };
}

function requestBody(t: Endpoint, uid: number, recordId: number): string {
  const serializer = createRequire(import.meta.url)('xmlrpc/lib/serializer') as {
    serializeMethodCall(method: string, params: unknown[]): string;
  };
  return serializer.serializeMethodCall('execute_kw', [
    t.db,
    uid,
    t.secret,
    'res.partner',
    'read',
    [[recordId], ['name']],
  ]);
}

/**
 * A server that answers every POST with `answer`, or `json2Answer` under /json/2/, in its own
 * process (on the non-k6 cores).
 */
async function startNullEndpoint(
  answer: string,
  json2Answer: string,
): Promise<{ url: string; stop(): void }> {
  const code = `
    const http = require('node:http');
    const answer = Buffer.from(process.env.ANSWER);
    const json2 = Buffer.from(process.env.JSON2_ANSWER);
    const server = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
      req.resume();
      req.on('end', () => {
        const isJson2 = req.url.startsWith('/json/2/');
        const body = isJson2 ? json2 : answer;
        res.writeHead(200, {
          'Content-Type': isJson2 ? 'application/json' : 'text/xml',
          'Content-Length': body.length,
        });
        res.end(body);
      });
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));`;
  const child = spawn(process.execPath, ['-e', code], {
    env: { ANSWER: answer, JSON2_ANSWER: json2Answer },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (c) => reject(new Error(`the null endpoint exited with ${c}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after "pid (comm) ".
  return Number(fields[11]) + Number(fields[12]);
}

function highWaterMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

async function api(port: number, path: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/${path}`, init);
  if (!res.ok) throw new Error(`k6 REST API ${path}: HTTP ${res.status}`);
  return res.json();
}

async function iterationCount(port: number): Promise<number> {
  const doc = (await api(port, 'metrics/iterations').catch(() => undefined)) as
    { data: { attributes: { sample: { count: number } } } } | undefined;
  return doc?.data.attributes.sample.count ?? 0;
}

let k6Path: string | undefined;
function k6(): string {
  k6Path ??=
    process.env.K6_BIN ??
    execFileSync('bash', [join(ROOT, 'scripts', 'ensure-k6.sh')], { encoding: 'utf8' }).trim();
  return k6Path;
}

/** A running k6 process and how to read it. */
interface K6Run {
  mode: Mode;
  port: number;
  pid: number;
  exited(): boolean;
  stderr(): string;
  stop(): Promise<void>;
}

async function startK6(mode: Mode, load: Load, env: Record<string, string>): Promise<K6Run> {
  const { freePort } = await dist<typeof Provider>('pg-local/postgres-provider.js');
  const port = await freePort();
  const argv = [
    'run',
    '--quiet',
    '--summary-mode',
    'disabled',
    '--no-usage-report',
    '--address',
    `127.0.0.1:${port}`,
    join(ROOT, 'bench', 'generator-efficiency.k6.js'),
  ];
  const k6Env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...env,
    MODE: mode,
    LOAD: load.kind,
    BENCH_RATE: load.kind === 'rate' ? String(load.rate) : '0',
    BENCH_VUS: String(load.kind === 'rate' ? PACED_VUS : load.vus),
    // Long enough for the window; the run is stopped through the API after it.
    BENCH_DURATION: `${WARMUP + WINDOW + 60}s`,
  };
  const child: ChildProcess = K6_CORE
    ? spawn('taskset', ['-c', K6_CORE, k6(), ...argv], { cwd: ROOT, env: k6Env })
    : spawn(k6(), argv, { cwd: ROOT, env: k6Env });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.stdout!.resume();
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  return {
    mode,
    port,
    pid: child.pid!,
    exited: () => exited,
    stderr: () => stderr,
    async stop() {
      if (exited) return;
      await api(port, 'status', {
        method: 'PATCH',
        body: JSON.stringify({ data: { attributes: { stopped: true } } }),
      }).catch(() => child.kill('SIGINT'));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/**
 * One k6 process per mode, all at once on k6's core, read over the same window after the warm-up:
 * whatever else the machine does in that window (this is a VM; per-core rates drift by a quarter
 * from minute to minute) weighs on every mode alike.
 */
async function measureSideBySide(
  modes: readonly Mode[],
  load: Load,
  env: Record<string, string>,
  window = WINDOW,
): Promise<Map<Mode, Window>> {
  const runs: K6Run[] = [];
  try {
    for (const mode of modes) runs.push(await startK6(mode, load, env));
    const started = Date.now();
    for (const run of runs) {
      // Running once the first iteration is counted.
      while ((await iterationCount(run.port)) === 0) {
        if (run.exited() || Date.now() - started > 90_000) {
          throw new Error(`k6 (${run.mode}) ran no iteration: ${run.stderr().trim().slice(-1500)}`);
        }
        await sleep(200);
      }
    }
    await sleep(WARMUP * 1000);
    const sample = async () => {
      const t = process.hrtime.bigint();
      const counts = await Promise.all(runs.map((r) => iterationCount(r.port)));
      return { t, counts, ticks: runs.map((r) => cpuTicks(r.pid)) };
    };
    const a = await sample();
    await sleep(window * 1000);
    const b = await sample();
    const out = new Map<Mode, Window>();
    runs.forEach((run, i) => {
      if (run.exited())
        throw new Error(`k6 (${run.mode}) ended inside the window: ${run.stderr().slice(-1500)}`);
      out.set(run.mode, {
        iterations: b.counts[i]! - a.counts[i]!,
        cpuSeconds: (b.ticks[i]! - a.ticks[i]!) / CLK_TCK,
        seconds: Number(b.t - a.t) / 1e9,
        hwmMiB: highWaterMiB(run.pid),
      });
    });
    return out;
  } finally {
    await Promise.all(runs.map((r) => r.stop()));
  }
}

const perCore = (w: Pick<Window, 'iterations' | 'cpuSeconds'>): number =>
  w.iterations / w.cpuSeconds;
const fmt = (n: number, digits = 1): string => n.toFixed(digits);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Row {
  round: number;
  load: 'paced' | 'k6-bound';
  mode: Mode;
  w: Window;
}

/** One mode's windows under one load, pooled. */
function pooled(
  rows: Row[],
  load: Row['load'],
  mode: Mode,
): Pick<Window, 'iterations' | 'cpuSeconds'> {
  return rows
    .filter((r) => r.load === load && r.mode === mode)
    .reduce(
      (a, r) => ({
        iterations: a.iterations + r.w.iterations,
        cpuSeconds: a.cpuSeconds + r.w.cpuSeconds,
      }),
      { iterations: 0, cpuSeconds: 0 },
    );
}

/** Pooled CPU microseconds per iteration of one mode under one load. */
const perIteration = (rows: Row[], load: Row['load'], mode: Mode): number =>
  1e6 / perCore(pooled(rows, load, mode));

function summarize(rows: Row[], load: Row['load']) {
  const of = (mode: Mode) => rows.filter((r) => r.load === load && r.mode === mode);
  const rounds = (over: Mode) => of('client').map((r, i) => perCore(r.w) / perCore(of(over)[i]!.w));
  return {
    itPerCoreSecond: Object.fromEntries(
      MODES.map((m) => [m, Number(fmt(perCore(pooled(rows, load, m))))]),
    ),
    cpuMicrosecondsPerIteration: Object.fromEntries(
      MODES.map((m) => [m, Number(fmt(perIteration(rows, load, m)))]),
    ),
    itPerSecond: Object.fromEntries(
      MODES.map((m) => [m, Number(fmt(median(of(m).map((r) => r.w.iterations / r.w.seconds))))]),
    ),
    ratio: Number(
      fmt(perCore(pooled(rows, load, 'client')) / perCore(pooled(rows, load, 'static')), 3),
    ),
    roundRatios: rounds('static').map((r) => Number(fmt(r, 3))),
    medianRatio: Number(fmt(median(rounds('static')), 3)),
    ratioToStaticTagged: Number(
      fmt(perCore(pooled(rows, load, 'client')) / perCore(pooled(rows, load, 'static-tagged')), 3),
    ),
    /** JSON-2's client against XML-RPC's, iterations per busy core: above 1, JSON-2 costs k6 less. */
    json2ToXmlRpc: Number(
      fmt(perCore(pooled(rows, load, 'json2-client')) / perCore(pooled(rows, load, 'client')), 3),
    ),
    json2RoundRatios: of('json2-client').map((r, i) =>
      Number(fmt(perCore(r.w) / perCore(of('client')[i]!.w), 3)),
    ),
    /** JSON-2's client against its own ceiling (the request pre-encoded, the answer unread). */
    json2ToStatic: Number(
      fmt(
        perCore(pooled(rows, load, 'json2-client')) / perCore(pooled(rows, load, 'json2-static')),
        3,
      ),
    ),
    /** What a client that reads no XML at all gets (MODE=floor): near the ceiling for any codec. */
    floorRatio: Number(
      fmt(perCore(pooled(rows, load, 'floor')) / perCore(pooled(rows, load, 'static')), 3),
    ),
  };
}

async function main(): Promise<void> {
  if (OTHER_CORES && !process.env.BENCH_URL) {
    // Everything this process starts from now on (lab workers, PostgreSQL, the null endpoint)
    // inherits the affinity; k6 alone gets the last core.
    execFileSync('taskset', ['-a', '-p', '-c', OTHER_CORES, String(process.pid)], {
      stdio: 'ignore',
    });
  }
  const t = await startTarget();
  let nullEndpoint: { url: string; stop(): void } | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-body-'));
  try {
    const { uid, recordId, answer, json2Answer } = await prepare(t);
    nullEndpoint = await startNullEndpoint(answer, json2Answer);
    const json2BodyFile = join(dir, 'body.json');
    writeFileSync(json2BodyFile, json2Body(recordId));
    const bodyFile = join(dir, 'body.xml');
    writeFileSync(bodyFile, requestBody(t, uid, recordId));
    const answerFile = join(dir, 'answer.xml');
    writeFileSync(answerFile, answer);
    const envFor = (url: string) => ({
      BENCH_URL: url,
      BENCH_DB: t.db,
      BENCH_SECRET: t.secret,
      BENCH_UID: String(uid),
      BENCH_RECORD: String(recordId),
      BENCH_BODY_FILE: bodyFile,
      BENCH_ANSWER_FILE: answerFile,
      BENCH_API_KEY: t.apiKey,
      BENCH_JSON2_BODY_FILE: json2BodyFile,
    });
    const labEnv = envFor(t.url);
    const nullEnv = envFor(nullEndpoint.url);
    console.error(
      `k6 on core ${K6_CORE ?? '(unpinned)'}, the rest on ${OTHER_CORES ?? '(unpinned)'}; ` +
        `${WARMUP} s warm-up, ${WINDOW} s window, ${ROUNDS} rounds`,
    );
    let rate = Number(process.env.BENCH_RATE ?? 0);
    if (!rate) {
      // Twice: the first probe warms the lab (its JIT, PostgreSQL's caches) and is discarded; a
      // fresh lab answers at about half its pace.
      const probe = async () =>
        (await measureSideBySide(['static'], { kind: 'vus', vus: 4 }, labEnv, 5)).get('static')!;
      await probe();
      const warm = await probe();
      rate = Math.max(10, Math.round(warm.iterations / warm.seconds / 2 / MODES.length));
      console.error(
        `probe: static k6 with 4 looping VUs gets ${fmt(warm.iterations / warm.seconds)} it/s from the warm lab → ` +
          `each of the ${MODES.length} modes paced at ${rate}/s (half the lab's pace in all)`,
      );
    }
    const rows: Row[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [load, l, env] of [
        ['paced', { kind: 'rate', rate }, labEnv],
        ['k6-bound', { kind: 'vus', vus: BOUND_VUS }, nullEnv],
      ] as const) {
        const modes: Mode[] = load === 'paced' ? [...MODES, 'idle'] : [...MODES];
        const windows = await measureSideBySide(modes, l, env);
        for (const mode of modes) {
          const w = windows.get(mode)!;
          rows.push({ round, load, mode, w });
          console.error(
            `round ${round} ${load.padEnd(8)} ${mode.padEnd(13)} ${String(w.iterations).padStart(6)} it in ${fmt(w.seconds)} s, ` +
              `${fmt(w.cpuSeconds, 2)} CPU s → ${fmt(perCore(w))} it/s per busy core (${fmt((1e6 * w.cpuSeconds) / w.iterations)} µs/it)`,
          );
        }
      }
    }
    const paced = summarize(rows, 'paced');
    // At the lab's pace k6 is mostly idle, and its upkeep (timers, metrics, the runtime) dominates
    // each iteration's CPU; less the idle process's CPU per iteration, what is left is the request.
    const idleUs = perIteration(rows, 'paced', 'idle');
    const marginalUs = Object.fromEntries(
      MODES.map((m) => [m, Number(fmt(perIteration(rows, 'paced', m) - idleUs))]),
    ) as Record<(typeof MODES)[number], number>;
    const marginalRatio = marginalUs.static / marginalUs.client;
    const bound = summarize(rows, 'k6-bound');
    const paceKept = rows
      .filter((r) => r.load === 'paced')
      .every((r) => r.w.iterations >= 0.95 * rate * r.w.seconds);

    const memory = async (mode: Mode) => {
      const hwm: number[] = [];
      for (const vus of MEMORY_VUS) {
        const w = await measureSideBySide([mode], { kind: 'vus', vus }, labEnv, 5);
        hwm.push(w.get(mode)!.hwmMiB);
      }
      return { hwm, perVu: (hwm[1]! - hwm[0]!) / (MEMORY_VUS[1] - MEMORY_VUS[0]) };
    };
    const clientMemory = await memory('client');
    const staticMemory = await memory('static');
    const result = {
      target: t.url,
      k6Core: K6_CORE ?? null,
      otherCores: OTHER_CORES ?? null,
      warmupSeconds: WARMUP,
      windowSeconds: WINDOW,
      rounds: ROUNDS,
      goal: 0.8,
      paced: {
        rate,
        paceKept,
        ...paced,
        idleCpuMicrosecondsPerIteration: Number(fmt(idleUs)),
        marginalCpuMicrosecondsPerIteration: marginalUs,
        marginalRatio: Number(fmt(marginalRatio, 3)),
      },
      k6Bound: { vus: BOUND_VUS, ...bound },
      memoryPerVuMiB: {
        client: Number(fmt(clientMemory.perVu, 2)),
        static: Number(fmt(staticMemory.perVu, 2)),
      },
      maxRssMiB: Object.fromEntries(
        MEMORY_VUS.map((v, i) => [`client@${v}VUs`, Number(fmt(clientMemory.hwm[i]!))]),
      ),
    };
    console.error(
      `\npaced at ${rate}/s against the lab: client/static iterations per busy core ${fmt(paced.ratio, 3)} ` +
        `(goal ≥ 0.8; rounds ${paced.roundRatios.map((r) => fmt(r, 2)).join(', ')}); ` +
        `client/static-tagged ${fmt(paced.ratioToStaticTagged, 3)}${paceKept ? '' : ' (the pace was not kept)'}; ` +
        `floor/static ${fmt(paced.floorRatio, 3)} (a client that reads no XML); ` +
        `less k6's idle upkeep (${fmt(idleUs)} µs/it): client ${marginalUs.client} µs vs static ${marginalUs.static} µs per request, ratio ${fmt(marginalRatio, 3)}\n` +
        `k6-bound against the null endpoint: client/static ${fmt(bound.ratio, 3)} ` +
        `(rounds ${bound.roundRatios.map((r) => fmt(r, 2)).join(', ')}); client/static-tagged ${fmt(bound.ratioToStaticTagged, 3)}; floor/static ${fmt(bound.floorRatio, 3)}; ` +
        `k6 CPU per call ${bound.cpuMicrosecondsPerIteration.client} µs (client) vs ${bound.cpuMicrosecondsPerIteration.static} µs (static)\n` +
        `JSON-2: json2-client/client (XML-RPC) per busy core ${fmt(paced.json2ToXmlRpc, 3)} paced ` +
        `(rounds ${paced.json2RoundRatios.map((r) => fmt(r, 2)).join(', ')}), ${fmt(bound.json2ToXmlRpc, 3)} k6-bound ` +
        `(rounds ${bound.json2RoundRatios.map((r) => fmt(r, 2)).join(', ')}); json2-client/json2-static ${fmt(paced.json2ToStatic, 3)} paced, ${fmt(bound.json2ToStatic, 3)} k6-bound; ` +
        `k6 CPU per call ${bound.cpuMicrosecondsPerIteration['json2-client']} µs (json2-client) vs ${bound.cpuMicrosecondsPerIteration.client} µs (client)\n` +
        `k6 memory per VU: ${fmt(clientMemory.perVu, 2)} MiB with the scenarios (${fmt(staticMemory.perVu, 2)} MiB static)`,
    );
    console.log(JSON.stringify(result, null, 2));
  } finally {
    nullEndpoint?.stop();
    rmSync(dir, { recursive: true, force: true });
    await t.stop();
  }
}

await main();
