#!/usr/bin/env node
// Launcher for the compiled CLI (npm ci builds dist/ through the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'error: odoo-capacity is not built (dist/ is missing)\nhint: run `npm ci` or `npm run build` in the package folder.\n',
  );
  process.exit(3);
}
// A reader that stops early (`| head`) closes the pipe: stop quietly, as git and k6 do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
await import(entry.href);
