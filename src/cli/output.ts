// Printing: one JSON document on stdout with --json; human lines on stderr otherwise
// (docs/architecture.md, "Conventions"). Everything passes through secret redaction.
import { redact, redactedJson } from '../core/redact.js';

export function printJson(value: unknown): void {
  process.stdout.write(redactedJson(value, 2) + '\n');
}

export function printLines(lines: readonly string[]): void {
  if (lines.length > 0) process.stderr.write(redact(lines.join('\n')) + '\n');
}

export interface GlobalOptions {
  json?: boolean;
  debug?: boolean;
}
