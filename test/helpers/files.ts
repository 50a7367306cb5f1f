// Every file a command wrote under a folder, with its text: what the secret checks read.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function filesWithText(dir: string): Promise<{ path: string; text: string }[]> {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ path, text: await readFile(path, 'utf8') });
  }
  return out;
}
