// The one top-level handler mapping errors to exit codes (docs/architecture.md, "Conventions");
// apart from main.ts so that tests run the whole CLI in-process.
import { CommanderError } from 'commander';
import { ExitCode, isOcError } from '../core/errors.js';
import { log } from '../core/logger.js';
import { redact } from '../core/redact.js';
import { createProgram } from './program.js';

function writeError(line: string): void {
  process.stderr.write(redact(line) + '\n');
}

/** Runs the CLI on argv (node and script first, as process.argv) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  const debug = argv.includes('--debug');
  if (debug) log.level = 'debug';
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors are bad input.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    if (isOcError(error)) {
      writeError(`error: ${error.message}`);
      if (error.hint) writeError(`hint: ${error.hint}`);
      if (debug && error.stack) writeError(error.stack);
      return error.exitCode;
    }
    writeError(`internal error: ${(error as Error)?.stack ?? String(error)}`);
    return ExitCode.failed;
  }
}
