// Where the installed package lives, to find scripts/, models/, reports/ and scenarios/ from
// dist/src/ or src/ alike.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** The package root: above src/core, or above dist/src/core when compiled. */
export const packageRoot = join(
  dirname(here),
  ...(here.endsWith('.ts') ? ['..', '..'] : ['..', '..', '..']),
);

export function packageJson(): { name: string; version: string; config: { k6Version: string } } {
  return JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
}
