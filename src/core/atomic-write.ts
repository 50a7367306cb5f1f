// Atomic file writes: a file is written under a temporary name, fsynced and renamed, so an
// interrupted command never leaves a half-written file (docs/architecture.md, "Run directory").
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomicLib from 'write-file-atomic';

export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomicLib(path, data, { fsync: true });
}

/**
 * Writes a JSON document atomically, as it is: documents are built from result types that hold
 * no secret (a Secret serialises as ***), so they are never redacted, which could alter them.
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}
