// The overload soak, short (bench/lab-soak.ts runs it for 10 minutes): invariants only, never
// wall-clock figures.
import { runSoak, soakSummary, type SoakResult } from '../../bench/lab-soak.js';

let result: SoakResult;

beforeAll(async () => {
  result = await runSoak({
    holdSeconds: 40,
    warmupSeconds: 5,
    factor: 8,
    // The lab's order-wave X_max on the development machine (src/lab/README.md, calibration).
    knee: 2.7,
    sampleSeconds: 2,
    maxVus: 200,
    log: () => undefined,
  });
  console.error(soakSummary(result).join('\n'));
}, 600_000);

describe('the lab under 8× its knee', () => {
  it('was overloaded: requests dropped, refused or queued to the bound', () => {
    expect(result.lab.queuePeak).toBeLessThanOrEqual(result.lab.queueLimit);
    expect(result.lab.refusedBusy + result.k6.droppedIterations + result.k6.errors).toBeGreaterThan(
      0,
    );
  });

  it('lost no worker, keeps its invariants and answers afterwards', () => {
    expect(result.lab.workerCrashes).toBe(0);
    expect(result.lab.killedLimitTimeReal).toBe(0);
    expect(result.lab.check).toEqual({ ok: true, violations: 0 });
    expect(result.lab.healthyAfter).toBe(true);
  });

  it('lost no committed order: every order k6 saw confirmed is confirmed in the database', () => {
    expect(result.k6.transactions).toBeGreaterThan(0);
    expect(result.lost).toBe(0);
    expect(result.database.confirmed).toBeGreaterThanOrEqual(result.k6.transactions);
  });

  it('wrote the run directory whole and finished it', () => {
    expect(result.run.missing).toEqual([]);
    expect(result.run).toMatchObject({ steps: 1, complete: true });
    // A minute at 8× its knee may complete no order inside the hold: the step is then invalid
    // and the run failed, but finished and whole.
    expect(['complete', 'failed']).toContain(result.run.status);
  });

  it('kept the memory of the runner, k6 and the lab flat', () => {
    for (const [name, memory] of Object.entries(result.memory)) {
      expect(memory.samples.length, name).toBeGreaterThanOrEqual(8);
      expect(memory.growth, `${name}: ${memory.early} → ${memory.late} MiB`).toBeLessThan(1.5);
    }
  });
});
