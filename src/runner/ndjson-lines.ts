// Line-by-line reading of k6's NDJSON output (plain, gzipped, or still being written) with flat
// memory; a last line without its newline is one clear error naming file and line.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { BadInputError } from '../core/errors.js';

/** One line: data[start, end) without its newline. */
export type LineHandler = (data: Buffer, start: number, end: number, lineNo: number) => void;

const NEWLINE = 0x0a;

const CHUNK_BYTES = 1 << 20;

function isGzipName(file: string): boolean {
  return file.endsWith('.gz');
}

/** The file's bytes, gunzipped when its name ends in .gz. */
export function readChunks(file: string): AsyncIterable<Buffer> {
  const raw = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  return isGzipName(file) ? raw.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : raw;
}

/**
 * The bytes of a file another process is writing, as they arrive, until done() says the writer
 * has finished and the end is reached. Polls every pollMs: the file lives on local disk and is
 * written in bursts (k6 flushes its JSON output about once a second).
 */
export async function* followChunks(
  file: string,
  done: () => boolean,
  pollMs = 200,
): AsyncGenerator<Buffer> {
  let handle;
  while (!handle) {
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (done()) return;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
  try {
    let position = 0;
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      // Read `finished` before reading, so the last bytes written before exit are not missed.
      const finished = done();
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead > 0) {
        position += bytesRead;
        yield Buffer.from(buffer.subarray(0, bytesRead));
      } else if (finished) {
        return;
      } else {
        await new Promise((r) => setTimeout(r, pollMs));
      }
    }
  } finally {
    await handle.close();
  }
}

function readFailure(file: string, lineNo: number, error: unknown): BadInputError {
  const code = (error as NodeJS.ErrnoException).code;
  const what =
    code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR'
      ? 'truncated or corrupt gzip data'
      : `cannot read (${code ?? (error as Error).message})`;
  return new BadInputError(`${file}:${lineNo}: ${what}`, {
    hint: 'The k6 output was cut short (k6 killed, disk full, or an incomplete copy); run the step again.',
    cause: error,
  });
}

/**
 * Calls onLine for each line of the chunks, numbering lines from 1, with the line as a byte range
 * of a buffer (without its newline): a caller that skips a line never pays for decoding it.
 * Splitting on the newline byte is safe in UTF-8, where 0x0A is never part of another character.
 * Throws a BadInputError naming file and line when the data ends inside a line or the gzip
 * stream is cut. Not node:readline: it cannot tell whether the last line ended with a newline
 * (how a truncated file shows itself), and it decodes every line.
 */
export async function forEachLine(
  chunks: AsyncIterable<Buffer>,
  file: string,
  onLine: LineHandler,
): Promise<{ lines: number; bytes: number }> {
  let carry: Buffer | undefined;
  let lineNo = 0;
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      const data = carry ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0;
      for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
        lineNo += 1;
        onLine(data, start, nl, lineNo);
        start = nl + 1;
      }
      carry = start < data.length ? data.subarray(start) : undefined;
    }
  } catch (error) {
    if (error instanceof BadInputError) throw error;
    throw readFailure(file, lineNo + 1, error);
  }
  if (carry) {
    throw new BadInputError(
      `${file}:${lineNo + 1}: truncated k6 output: the last line ends without a newline`,
      { hint: 'The k6 output was cut short (k6 killed, disk full, or an incomplete copy).' },
    );
  }
  return { lines: lineNo, bytes };
}
