// A command's result on stdout: one JSON document with --json, redacted human lines otherwise;
// progress, warnings and errors go to stderr through the logger.
import { redact } from '../core/redact.js';

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** A command's result as human lines on stdout, redacted. */
export function printLines(lines: readonly string[]): void {
  if (lines.length > 0) process.stdout.write(redact(lines.join('\n')) + '\n');
}

export interface GlobalOptions {
  json?: boolean;
  debug?: boolean;
}
