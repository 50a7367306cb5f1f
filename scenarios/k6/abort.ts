// Stops the whole test with one line saying what to fix (k6 exits 108).
import exec from 'k6/execution';

export function abortTest(message: string): never {
  exec.test.abort(message);
  throw new Error(message);
}
