// What the package's public exports reach: no devDependency (testcontainers is one), and the
// PostgreSQL provisioning of src/pg-local stays out of `./core`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, string>;
  devDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};

/** The source of a compiled module: dist/src/x.js and dist/scenarios/lib/x.js come from x.ts. */
function sourceOf(file: string): string {
  const source = file.replace(/\.js$/, '.ts');
  return existsSync(source) ? source : file;
}

/** Every source file an entry point reaches, and the packages those files import. */
function reach(entry: string): { files: string[]; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (fileName.startsWith('.')) visit(sourceOf(resolve(dirname(file), fileName)));
      else if (!fileName.startsWith('node:'))
        packages.add(
          fileName
            .split('/')
            .slice(0, fileName.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  };
  visit(entry);
  return { files: [...files].map((f) => relative(ROOT, f)), packages };
}

const entries = Object.entries(PKG.exports).filter(([, target]) => target.startsWith('./dist/'));

describe('the public exports', () => {
  it.each(entries)('%s reaches only runtime dependencies', (_name, target) => {
    const { packages } = reach(sourceOf(join(ROOT, target.replace('./dist/', ''))));
    const runtime = Object.keys(PKG.dependencies);
    expect([...packages].filter((p) => !runtime.includes(p))).toEqual([]);
    expect([...packages].filter((p) => p in PKG.devDependencies)).toEqual([]);
  });

  it('./core does not reach the PostgreSQL provisioning', () => {
    const { files } = reach(sourceOf(join(ROOT, PKG.exports['./core']!.replace('./dist/', ''))));
    expect(files.length).toBeGreaterThan(1);
    expect(files.filter((f) => f.startsWith('src/pg-local/'))).toEqual([]);
  });
});
