// Runs once before the tests: makes sure k6 is there (installing it with Go when missing, as CI
// and the demo do), so integration tests find it through K6_BIN.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  if (process.env.K6_BIN) return;
  const script = join(import.meta.dirname, '..', 'scripts', 'ensure-k6.sh');
  process.env.K6_BIN = execFileSync('bash', [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}
