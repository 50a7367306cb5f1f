// Atomic file writes: a file is written under a temporary name, fsynced and renamed, so an
// interrupted command never leaves a half-written file (docs/architecture.md, "Run directory").
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomicLib from 'write-file-atomic';
import { redactedJson } from './redact.js';

export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomicLib(path, data, { fsync: true });
}

/**
 * Writes a JSON document atomically, redacted value by value as a last guard: documents are
 * built from result types, but a stray secret must never reach disk.
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, redactedJson(value, 2) + '\n');
}
