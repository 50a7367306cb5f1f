// Runs once before the tests: makes sure k6 and Debian's Chromium are installed, so `npm test`
// works on a fresh machine.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

function ensure(script: string): string {
  const path = join(import.meta.dirname, '..', 'scripts', script);
  return execFileSync('bash', [path], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

export default function setup(): void {
  process.env.K6_BIN ||= ensure('ensure-k6.sh');
  ensure('ensure-chromium.sh');
}
