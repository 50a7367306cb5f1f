// PGTune-style PostgreSQL memory settings for a web/OLTP profile on Linux, in kB as PGTune
// computes them. F19 in docs/capacity-model.md (le0pard/pgtune configurationSlice.js).

export interface PgTuneInput {
  ramGiB: number;
  cpus: number;
  maxConnections: number;
  storage: 'ssd' | 'nvme' | 'san' | 'hdd';
}

export interface PgTuneSettings {
  sharedBuffersKb: number;
  effectiveCacheSizeKb: number;
  maintenanceWorkMemKb: number;
  workMemKb: number;
  walBuffersKb: number;
  minWalSizeMb: number;
  maxWalSizeMb: number;
  maxWorkerProcesses: number;
  randomPageCost: number;
  effectiveIoConcurrency: number;
  hugePages: 'try' | 'off';
}

const GB_KB = 1024 * 1024;

export function pgTune({ ramGiB, cpus, maxConnections, storage }: PgTuneInput): PgTuneSettings {
  const ram = ramGiB * GB_KB;
  const sharedBuffers = ram / 4;
  // max_worker_processes is the CPU count from 4 cores up, PostgreSQL's default 8 below.
  const maxWorkerProcesses = cpus >= 4 ? cpus : 8;
  const workMem = Math.max(
    4096,
    Math.floor((ram - sharedBuffers) / ((maxConnections + maxWorkerProcesses) * 3)),
  );
  // wal_buffers: 3 % of shared_buffers, at least 32 kB, at most 16 MB (14 MB rounds up to 16).
  let walBuffers = Math.floor((3 * sharedBuffers) / 100);
  if (walBuffers > 16 * 1024) walBuffers = 16 * 1024;
  if (walBuffers > 14 * 1024 && walBuffers < 16 * 1024) walBuffers = 16 * 1024;
  walBuffers = Math.max(32, walBuffers);
  return {
    sharedBuffersKb: Math.floor(sharedBuffers),
    effectiveCacheSizeKb: Math.floor((ram * 3) / 4),
    maintenanceWorkMemKb: Math.min(8 * GB_KB, Math.floor(ram / 16)),
    workMemKb: workMem,
    walBuffersKb: walBuffers,
    minWalSizeMb: 1024,
    maxWalSizeMb: 4096,
    maxWorkerProcesses,
    randomPageCost: storage === 'hdd' ? 4 : 1.1,
    effectiveIoConcurrency: { hdd: 2, ssd: 200, san: 300, nvme: 1000 }[storage],
    hugePages: sharedBuffers >= 2 * GB_KB ? 'try' : 'off',
  };
}
