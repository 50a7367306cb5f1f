// PGTune settings against PGTune's own published test values (configurationSlice.test.js).
import { describe, expect, it } from 'vitest';
import { pgTune } from '../../src/planner/pgtune.js';

const web = (ramGiB: number, maxConnections = 200, cpus = 4) =>
  pgTune({ ramGiB, cpus, maxConnections, storage: 'ssd' });

describe('pgTune (web profile, Linux)', () => {
  it('caps maintenance_work_mem at 8 GB on a 256 GB server and gives RAM/16 below the cap', () => {
    expect(web(256).maintenanceWorkMemKb).toBe(8388608);
    expect(web(16).maintenanceWorkMemKb).toBe(1048576);
  });

  it('floors work_mem at 4 MB under extreme max_connections', () => {
    expect(web(4, 9999).workMemKb).toBe(4096);
  });

  it('computes work_mem as (RAM − shared_buffers) / ((connections + workers) × 3): 2796202 kB', () => {
    expect(web(256, 20).workMemKb).toBe(2796202);
  });

  it('turns huge pages on from 2 GB of shared_buffers', () => {
    expect(web(4).hugePages).toBe('off');
    expect(web(16).hugePages).toBe('try');
  });

  it('takes a quarter of RAM for shared_buffers and three quarters for effective_cache_size', () => {
    const s = web(16);
    expect(s.sharedBuffersKb).toBe(4 * 1024 * 1024);
    expect(s.effectiveCacheSizeKb).toBe(12 * 1024 * 1024);
    expect(s.walBuffersKb).toBe(16 * 1024);
  });

  it('sets random_page_cost and effective_io_concurrency from the storage', () => {
    expect(pgTune({ ramGiB: 8, cpus: 2, maxConnections: 100, storage: 'hdd' })).toMatchObject({
      randomPageCost: 4,
      effectiveIoConcurrency: 2,
    });
    expect(pgTune({ ramGiB: 8, cpus: 2, maxConnections: 100, storage: 'nvme' })).toMatchObject({
      randomPageCost: 1.1,
      effectiveIoConcurrency: 1000,
    });
  });
});
