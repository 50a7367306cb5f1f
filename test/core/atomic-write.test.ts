import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJsonAtomic } from '../../src/core/atomic-write.js';
import { Secret } from '../../src/core/secret.js';

describe('writeJsonAtomic', () => {
  it('creates parent folders and leaves only the final file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-atomic-'));
    const file = join(dir, 'steps', '01-rate-2', 'step.json');
    await writeJsonAtomic(file, { schemaVersion: 1, throughput: 4.5 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ schemaVersion: 1, throughput: 4.5 });
    expect(await readdir(join(dir, 'steps', '01-rate-2'))).toEqual(['step.json']);
  });

  it('never writes a secret, even one that slipped into the document', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-atomic-'));
    const secret = new Secret('do-not-store-me-42');
    await writeJsonAtomic(join(dir, 'run.json'), {
      target: 'postgres://u:do-not-store-me-42@h/db',
      secret,
      note: `pw do-not-store-me-42`,
    });
    expect(await readFile(join(dir, 'run.json'), 'utf8')).not.toContain('do-not-store-me-42');
  });
});
