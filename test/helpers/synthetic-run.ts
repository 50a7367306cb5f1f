// Clearly synthetic run directories for planner tests, built from a known queueing model so the
// planner's answers can be checked against it. Marked synthetic in run.json (target URL, id).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TransactionClass } from '../../src/core/classes.js';
import {
  RUN_SCHEMA_VERSION,
  type HistogramsJson,
  type RunJson,
  type RunOnDisk,
  type StepJson,
} from '../../src/core/run-types.js';
import { mmcMeanWait } from '../../src/planner/erlang-c.js';

export interface SyntheticClass {
  class: TransactionClass;
  calls: number;
  /** Seconds per XML-RPC call, and the transaction's own latency at no load. */
  callService: number;
  transactionService: number;
  /** DB milliseconds per transaction. */
  dbMs: number;
}

export interface SyntheticRunOptions {
  id: string;
  classes: SyntheticClass[];
  /** Transactions per second per class at each step. */
  rates: number[];
  workers: number;
  holdSeconds?: number;
  /** Databases the load is spread over, with their share: one tenant each. */
  databases?: { name: string; share: number; dbMsFactor?: number }[];
  invalidSteps?: number[];
}

const summary = (mean: number, cv: number) => ({
  count: 1000,
  mean,
  stddev: mean * cv,
  min: mean * 0.3,
  p50: mean * 0.9,
  p90: mean * 1.6,
  p95: mean * 2,
  p99: mean * 3,
  max: mean * 5,
});

/** No latency histograms in a synthetic run: an empty, well-formed document. */
export const EMPTY_HISTOGRAMS: HistogramsJson = {
  schemaVersion: RUN_SCHEMA_VERSION,
  encoding: 'hdr-base64-us',
  classes: {},
};

export function syntheticRun(o: SyntheticRunOptions): RunOnDisk {
  const hold = o.holdSeconds ?? 60;
  const profile = o.classes.length === 1 ? o.classes[0]!.class : 'peak-mix';
  const dbs = o.databases ?? [{ name: 'lab', share: 1 }];
  const steps = o.rates.map((rate, index) => {
    const callRate = o.classes.reduce((s, c) => s + rate * c.calls, 0);
    const meanCall = o.classes.reduce((s, c) => s + rate * c.calls * c.callService, 0) / callRate;
    const wait = mmcMeanWait({ arrivalRate: callRate, serviceTime: meanCall, servers: o.workers });
    const classes: StepJson['classes'] = {};
    let dbMs = 0;
    for (const c of o.classes) {
      const txLatency = c.transactionService + c.calls * wait;
      const transactions = rate * hold;
      dbMs += c.dbMs * transactions;
      classes[c.class] = {
        transactions,
        throughput: rate,
        requests: transactions * c.calls,
        requestRate: rate * c.calls,
        latency: {
          transaction: summary(txLatency * 1000, 0.5),
          request: summary((c.callService + wait) * 1000, 0.6),
        },
        errors: { total: 0, rate: 0, byTag: {} },
        retryableFaults: 0,
        droppedIterations: 0,
        concurrency: { littles: rate * txLatency, vusMax: Math.ceil(rate * txLatency) + 2 },
      };
    }
    const label = `rate-${rate}`;
    const dir = `steps/${String(index + 1).padStart(2, '0')}-${label}`;
    const invalid = o.invalidSteps?.includes(index + 1) ?? false;
    const step: StepJson = {
      schemaVersion: RUN_SCHEMA_VERSION,
      index: index + 1,
      label,
      load: { label, rate, model: 'open' },
      window: { start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:01:00Z', seconds: hold },
      valid: !invalid,
      invalidReasons: invalid ? ['dropped iterations over the limit (synthetic)'] : [],
      classes,
      database: {
        cluster: {
          walBytes: 4000 * rate * hold,
          checkpoints: 0,
          buffersWritten: 10,
          statStatements: true,
        },
        databases: dbs.map((d) => {
          const share = d.share;
          const time = dbMs * share * (d.dbMsFactor ?? 1) + 500; // + background
          return {
            datname: d.name,
            xactCommit: Math.round(rate * hold * 3 * share),
            xactRollback: 0,
            blksRead: Math.round(2 * rate * hold * share),
            blksHit: Math.round(400 * rate * hold * share),
            tempBytes: 0,
            deadlocks: 0,
            conflicts: 0,
            activeTimeMs: time,
            statementTimeMs: time,
            walBytes: 4000 * rate * hold * share,
            sizeBytesBefore: 50e6 * share + index * 1e6,
            sizeBytesAfter: 50e6 * share + index * 1e6 + 20_000 * rate * hold * share,
            topStatements: [
              {
                queryid: '1',
                query: 'SELECT id FROM stock_quant WHERE product_id = $1',
                calls: 10,
                totalExecMs: time * 0.2,
                meanExecMs: 1,
                rows: 10,
                sharedBlksHit: 1,
                sharedBlksRead: 0,
                walBytes: 0,
              },
              {
                queryid: '2',
                query: 'UPDATE stock_quant SET quantity = $1 WHERE id = $2',
                calls: 10,
                totalExecMs: time * 0.8,
                meanExecMs: 1,
                rows: 10,
                sharedBlksHit: 1,
                sharedBlksRead: 0,
                walBytes: 0,
              },
            ],
          };
        }),
        activity: { samples: 10, connectionsByState: {}, waitEvents: {}, lockWaitsMax: 0 },
      },
      k6ExitCode: 0,
    };
    return { dir, step, histograms: EMPTY_HISTOGRAMS };
  });
  const run: RunJson = {
    schemaVersion: RUN_SCHEMA_VERSION,
    id: o.id,
    tool: { name: 'odoo-capacity', version: '0.0.0-synthetic' },
    k6: { version: 'synthetic' },
    target: {
      url: 'http://127.0.0.1:0/synthetic',
      db: dbs[0]!.name,
      user: 'admin',
      auth: 'password',
      odoo: { serverVersion: '17.0', serverSerie: '17.0', lab: true },
    },
    environment: {},
    ladder: {
      profile,
      model: 'open',
      steps: o.rates.map((rate) => ({ label: `rate-${rate}`, rate })),
      warmupSeconds: 10,
      holdSeconds: hold,
      segments: 1,
      caps: { maxRate: 100, maxVus: 100, maxSeconds: 3600, maxErrorRate: 0.05 },
    },
    status: 'complete',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:10:00Z',
    steps: steps.map((s) => ({
      index: s.step.index,
      label: s.step.label,
      dir: s.dir,
      valid: s.step.valid,
    })),
  };
  return { run, dir: `runs/${o.id}`, steps };
}

/** Writes a synthetic run as a run directory, as the runner would. */
export async function writeRunDir(parent: string, data: RunOnDisk): Promise<string> {
  const dir = join(parent, data.run.id);
  for (const s of data.steps) {
    await mkdir(join(dir, s.dir), { recursive: true });
    await writeFile(join(dir, s.dir, 'step.json'), JSON.stringify(s.step, null, 2));
    await writeFile(join(dir, s.dir, 'histograms.json'), JSON.stringify(s.histograms));
  }
  await writeFile(join(dir, 'run.json'), JSON.stringify(data.run, null, 2));
  return dir;
}

export const ORDER_WAVE: SyntheticClass = {
  class: 'order-wave',
  calls: 2,
  callService: 0.11,
  transactionService: 0.25,
  dbMs: 40,
};
export const STOCK_MOVES: SyntheticClass = {
  class: 'stock-moves',
  calls: 2,
  callService: 0.06,
  transactionService: 0.14,
  dbMs: 25,
};
