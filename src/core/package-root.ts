// Where the installed package lives, to find scripts/, models/, reports/ and scenarios/ from
// dist/ or src/ alike.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: two levels above this file (dist/core or src/core). */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function packageJson(): { name: string; version: string; config: { k6Version: string } } {
  return JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
}
