// Reading a JSON document this tool wrote: the schema version first, then the fields a reader
// relies on; each failure is one BadInputError naming the file.
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { BadInputError } from './errors.js';
import { validate } from './load-yaml.js';

/** What to do when a file is missing or does not fit: the command that writes it. */
export interface Remedy {
  missing: string;
  invalid: string;
}

export async function readVersionedJson<S extends z.ZodType>(
  file: string,
  schema: S,
  version: number,
  remedy: Remedy,
): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BadInputError(`${file}: not found; ${remedy.missing}`);
    throw new BadInputError(`${file}: cannot read (${code ?? 'error'})`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`${file}: not valid JSON (${(error as Error).message})`, {
      hint: `The file was cut short or edited by hand; ${remedy.invalid}.`,
      cause: error,
    });
  }
  const found = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (found !== version)
    throw new BadInputError(
      `${file}: schemaVersion ${JSON.stringify(found)} is not supported (this odoo-capacity reads version ${version})`,
      { hint: `It was written by another release; ${remedy.invalid}.` },
    );
  try {
    return validate(schema, data, file);
  } catch (error) {
    throw new BadInputError((error as Error).message, { hint: `${remedy.invalid}.` });
  }
}
