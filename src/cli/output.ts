// Printing: one JSON document on stdout with --json; human lines on stderr otherwise
// (docs/architecture.md, "Conventions"). Human lines pass through secret redaction; a JSON
// document is printed as it is, since documents hold no secret (src/core/redact.ts).
import { redact } from '../core/redact.js';

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printLines(lines: readonly string[]): void {
  if (lines.length > 0) process.stderr.write(redact(lines.join('\n')) + '\n');
}

export interface GlobalOptions {
  json?: boolean;
  debug?: boolean;
}
