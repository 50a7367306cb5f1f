// Reading a file the user pointed at: a missing or unreadable file is bad input, said in one line
// that names the file, with a hint for the missing case.
import { readFile } from 'node:fs/promises';
import { BadInputError } from './errors.js';

export async function readInputFile(file: string, hintWhenMissing?: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BadInputError(`${file}: cannot read (${code ?? 'error'})`, {
      hint: code === 'ENOENT' ? hintWhenMissing : undefined,
      cause: error,
    });
  }
}
