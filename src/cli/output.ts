// Printing a command's result on stdout: one JSON document with --json, human lines otherwise, so
// `odoo-capacity plan ... > plan.txt` captures the result as `k6` or `kubectl` output would.
// Progress, warnings and errors go to stderr through the logger (src/core/logger.ts); see
// docs/architecture.md, "Conventions". Human lines pass through secret redaction; a JSON
// document is printed as it is, since documents hold no secret (src/core/redact.ts).
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
