// k6's watchdog: runs k6 (the arguments after this script) as its child and ties k6's life to
// the runner's. The runner holds the write end of this process's stdin and never writes to it;
// when that pipe closes (the runner exited, even by SIGKILL, which no handler sees), k6 is
// killed at once, so that no orphaned k6 keeps loading the target. SIGINT and SIGTERM are passed
// on to k6; k6's stderr is the runner's pipe itself; the watchdog exits as k6 did (the same code,
// or the same signal). Its one stdout line tells the runner k6's pid, or why k6 did not start:
// {"pid": 1234} or {"spawnError": "..."}. Plain JavaScript, so that it runs from a checkout and
// from the package alike, without a build.
import { spawn } from 'node:child_process';

const [binary, ...args] = process.argv.slice(2);
const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'inherit'] });

const forward = (signal) => () => child.kill(signal);
const handlers = { SIGINT: forward('SIGINT'), SIGTERM: forward('SIGTERM') };
for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);

child.once('spawn', () => process.stdout.write(`${JSON.stringify({ pid: child.pid })}\n`));
child.once('error', (error) => {
  process.stdout.write(`${JSON.stringify({ spawnError: error.message })}\n`);
  process.exit(127);
});

// The runner is gone: nobody reads k6's results any more.
process.stdin.on('error', () => undefined);
process.stdin.once('close', () => child.kill('SIGKILL'));
process.stdin.resume();

child.once('exit', (code, signal) => {
  for (const [name, handler] of Object.entries(handlers)) process.off(name, handler);
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
