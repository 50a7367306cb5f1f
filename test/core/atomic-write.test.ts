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

  it('writes a document as it is: a word that is also a secret is data, a Secret prints as ***', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-atomic-'));
    for (const word of ['lab', 'admin', 'password']) new Secret(word);
    const doc = {
      target: { db: 'lab', user: 'admin', label: 'rate-2', note: 'password-file' },
      secret: new Secret('do-not-store-me-42'),
    };
    await writeJsonAtomic(join(dir, 'run.json'), doc);
    const text = await readFile(join(dir, 'run.json'), 'utf8');
    expect(text).toBe(JSON.stringify({ ...doc, secret: '***' }, null, 2) + '\n');
    expect(text).not.toContain('do-not-store-me-42');
  });
});
