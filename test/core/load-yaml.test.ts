import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BadInputError, ExitCode } from '../../src/core/errors.js';
import { loadYamlFile, parseYaml } from '../../src/core/load-yaml.js';

const schema = z.object({
  classes: z.record(z.string(), z.object({ rate: z.number().positive(), lines: z.number().int() })),
  name: z.string(),
});

function errorOf(fn: () => unknown): BadInputError {
  try {
    fn();
  } catch (error) {
    return error as BadInputError;
  }
  throw new Error('expected an error');
}

describe('parseYaml', () => {
  it('returns typed data for a valid document', () => {
    expect(
      parseYaml(schema, 'name: mid-size\nclasses:\n  order-wave: { rate: 4, lines: 3 }\n', 'w.yaml')
        .classes['order-wave']!.rate,
    ).toBe(4);
  });

  it('names the file, the line and the field of a schema error', () => {
    const error = errorOf(() =>
      parseYaml(
        schema,
        'name: x\nclasses:\n  order-wave:\n    rate: fast\n    lines: 3\n',
        'models/w.yaml',
      ),
    );
    expect(error).toBeInstanceOf(BadInputError);
    expect(error.exitCode).toBe(ExitCode.badInput);
    expect(error.message).toMatch(/^models\/w\.yaml:4: classes\.order-wave\.rate: /);
  });

  it('points a missing field at its parent', () => {
    const error = errorOf(() =>
      parseYaml(schema, 'name: x\nclasses:\n  stock-moves:\n    rate: 2\n', 'w.yaml'),
    );
    expect(error.message).toMatch(/^w\.yaml:4: classes\.stock-moves\.lines: /);
  });

  it('reports malformed YAML with its position, in one line', () => {
    const error = errorOf(() => parseYaml(schema, 'name: x\nclasses:\n  a: [1, 2\n', 'bad.yaml'));
    expect(error.message).toMatch(/^bad\.yaml:\d+:\d+: malformed YAML/);
    expect(error.message).not.toContain('\n');
  });
});

describe('loadYamlFile', () => {
  it('says which file it could not read', async () => {
    await expect(loadYamlFile(schema, '/nonexistent/models.yaml')).rejects.toThrow(
      /\/nonexistent\/models\.yaml: cannot read \(ENOENT\)/,
    );
  });

  it('reads and validates a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-yaml-'));
    await writeFile(join(dir, 'm.yaml'), 'name: n\nclasses: {}\n');
    await expect(loadYamlFile(schema, join(dir, 'm.yaml'))).resolves.toEqual({
      name: 'n',
      classes: {},
    });
  });
});
