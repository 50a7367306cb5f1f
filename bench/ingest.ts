// Ingest throughput and peak RSS on a generated k6 JSON output, against node:readline as the
// ceiling (bench/README.md). `npm run build && npx vite-node bench/ingest.ts`, BENCH_MB to resize.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, stat, truncate, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist', 'src', 'runner');
const MB = 1024 * 1024;

// k6's per-request metrics: the ingest skips most of them without parsing, as it must.
const REQUEST_METRICS = [
  'http_reqs',
  'http_req_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'http_req_failed',
];
const DECLARATIONS = [
  ...REQUEST_METRICS.map((m) => [
    m,
    m === 'http_reqs' ? 'counter' : m === 'http_req_failed' ? 'rate' : 'trend',
  ]),
  ['oc_transaction_duration', 'trend'],
  ['order_confirm_latency', 'trend'],
  ['oc_transactions', 'counter'],
  ['oc_faults', 'counter'],
  ['iterations', 'counter'],
  ['iteration_duration', 'trend'],
  ['data_sent', 'counter'],
  ['data_received', 'counter'],
  ['vus', 'gauge'],
  ['dropped_iterations', 'counter'],
]
  .map(
    ([name, type]) =>
      `{"type":"Metric","data":{"name":"${name}","type":"${type}","contains":"${type === 'trend' ? 'time' : 'default'}","thresholds":[],"submetrics":null},"metric":"${name}"}\n`,
  )
  .join('');

function point(metric: string, time: string, value: number, tags: string): string {
  return `{"metric":"${metric}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}\n`;
}

async function generate(file: string, bytes: number): Promise<void> {
  const out = createWriteStream(file, { highWaterMark: 4 * MB });
  out.write(DECLARATIONS);
  let written = DECLARATIONS.length;
  const start = Date.parse('2025-03-01T10:00:00Z');
  for (let i = 0; written < bytes; i++) {
    const t = new Date(start + i * 25).toISOString().replace('Z', '123456Z');
    const phase = i < 2000 ? 'warmup' : 'hold';
    let chunk = '';
    for (const method of ['create', 'action_confirm']) {
      const tags = `{"class":"order-wave","expected_response":"true","group":"::confirm order","method":"POST","model":"sale.order","name":"http://127.0.0.1:8069/xmlrpc/2/object","phase":"${phase}","proto":"HTTP/1.1","scenario":"order-wave","status":"200","url":"http://127.0.0.1:8069/xmlrpc/2/object","odoo_method":"${method}"}`;
      for (const m of REQUEST_METRICS) chunk += point(m, t, ((i * 7919) % 5000) / 100 + 1, tags);
    }
    const tags = `{"class":"order-wave","group":"","phase":"${phase}","scenario":"order-wave"}`;
    chunk += point('oc_transaction_duration', t, ((i * 104729) % 9000) / 100 + 5, tags);
    chunk += point('order_confirm_latency', t, ((i * 104729) % 9000) / 100 + 5, tags);
    chunk += point('oc_transactions', t, 1, tags);
    if (i % 97 === 0)
      chunk += point('oc_faults', t, 1, tags.replace('"group"', '"fault":"concurrency","group"'));
    chunk += point('iterations', t, 1, tags);
    chunk += point('iteration_duration', t, 40.5, tags);
    chunk += point('data_sent', t, 812, tags);
    chunk += point('data_received', t, 1290, tags);
    if (i % 40 === 0) chunk += point('vus', t, 12, '{}');
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const READERS = {
  // The ceiling: read every line, do nothing with it.
  readline: `
    import { createReadStream } from 'node:fs';
    import { createInterface } from 'node:readline';
    let lines = 0;
    for await (const _ of createInterface({ input: createReadStream(FILE, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })) lines++;
    report(lines);`,
  splitter: `
    const { forEachLine, readChunks } = await import(DIST + '/ndjson-lines.js');
    let lines = 0;
    await forEachLine(readChunks(FILE), FILE, () => lines++);
    report(lines);`,
  ingest: `
    const { ingestFile } = await import(DIST + '/k6-output-ingest.js');
    const m = await ingestFile(FILE);
    report(m.lines);`,
};

interface Measure {
  /** Wall-clock seconds, and CPU seconds (user + system): on a shared machine the CPU time is
   * the steadier measure of the work each reader does. */
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
  lines: number;
}

function measure(reader: keyof typeof READERS, file: string): Measure {
  const code = `
    const FILE = ${JSON.stringify(file)};
    const DIST = ${JSON.stringify(DIST)};
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const report = (lines) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const c = process.cpuUsage(c0);
      const cpuSeconds = (c.user + c.system) / 1e6;
      console.log(JSON.stringify({ seconds, cpuSeconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, lines }));
    };
    ${READERS[reader]}`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    maxBuffer: MB,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Measure;
}

async function main(): Promise<void> {
  if (!existsSync(join(DIST, 'k6-output-ingest.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  const targetMb = Number(process.env.BENCH_MB ?? 1024);
  const dir = await mkdtemp(join(tmpdir(), 'oc-bench-'));
  const file = join(dir, 'k6-out.ndjson');
  try {
    process.stderr.write(`generating ${targetMb} MB of k6 JSON output in ${dir} ...\n`);
    await generate(file, targetMb * MB);
    const size = (await stat(file)).size;
    const mb = size / MB;
    measure('readline', file); // warm the page cache, so every reader reads from memory
    const rows = (['readline', 'splitter', 'ingest'] as const).map((r) => ({
      r,
      m: measure(r, file),
    }));
    const ceiling = rows[0]!.m;
    console.log(`file: ${mb.toFixed(0)} MB, ${ceiling.lines} lines (node ${process.version})`);
    console.log('reader     MB/s (wall)  MB/s (CPU)  peak RSS MiB  ratio (wall)  ratio (CPU)');
    for (const { r, m } of rows) {
      console.log(
        [
          r.padEnd(9),
          (mb / m.seconds).toFixed(1).padStart(12),
          (mb / m.cpuSeconds).toFixed(1).padStart(11),
          m.maxRssMiB.toFixed(0).padStart(13),
          (ceiling.seconds / m.seconds).toFixed(2).padStart(13),
          (ceiling.cpuSeconds / m.cpuSeconds).toFixed(2).padStart(12),
        ].join(' '),
      );
    }
    console.log(
      'ratio: the reader’s throughput over readline’s (the ceiling); goal ≥ 0.5 for ingest',
    );
    // Flat memory: the ingest's peak RSS on a tenth of the file against the whole file.
    const tenth = join(dir, 'tenth.ndjson');
    await copyFile(file, tenth);
    await truncate(tenth, Math.floor(size / 10));
    // Cut at a line end, so the tenth is a well-formed output.
    const { readFileSync, writeFileSync } = await import('node:fs');
    const text = readFileSync(tenth, 'utf8');
    writeFileSync(tenth, text.slice(0, text.lastIndexOf('\n') + 1));
    const small = measure('ingest', tenth);
    console.log(
      `ingest peak RSS: ${small.maxRssMiB.toFixed(0)} MiB on ${(mb / 10).toFixed(0)} MB, ${rows[2]!.m.maxRssMiB.toFixed(0)} MiB on ${mb.toFixed(0)} MB`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
