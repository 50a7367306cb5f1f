// The Odoo series are one list (LAB_SERIES): `lab start --serie` takes each, common.version
// answers it, environment.yaml accepts it and `lab start --help` names it; 19.0 included.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../../src/core/models/environment.js';
import { LAB_SERIES } from '../../../src/lab/contract.js';
import { versionInfo } from '../../../src/lab/server/version.js';
import { cleanEnv, runCli } from '../../helpers/cli.js';

const REPO = join(import.meta.dirname, '..', '..', '..');

describe('the Odoo series', () => {
  it('run from 16.0 to 19.0', () => {
    expect(LAB_SERIES).toEqual(['16.0', '17.0', '18.0', '19.0']);
  });

  it.each(LAB_SERIES)('%s: common.version answers it', (serie) => {
    const info = versionInfo({ serie, costScale: 1, workers: 2 });
    expect(info).toMatchObject({
      server_version: serie,
      server_serie: serie,
      server_version_info: [Number(serie.slice(0, 2)), 0, 0, 'final', 0, ''],
    });
  });

  it.each(LAB_SERIES)('%s: environment.yaml accepts it as odoo.version', async (serie) => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-series-'));
    try {
      const shipped = await readFile(join(REPO, 'models', 'environment.yaml'), 'utf8');
      const file = join(dir, 'environment.yaml');
      await writeFile(file, shipped.replace(/^ {2}version: .*$/m, `  version: '${serie}'`));
      expect((await loadEnvironment(file)).odoo.version).toBe(serie);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lab start --help names every series', async () => {
    const help = await runCli(['lab', 'start', '--help'], cleanEnv());
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(
      `Odoo series to emulate: ${LAB_SERIES.join(', ')}`,
    );
  });
});
