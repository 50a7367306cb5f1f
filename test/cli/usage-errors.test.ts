// Usage errors of every subcommand are bad input: exit 2 with commander's one line, never 1 (a
// failed check) and never a stack trace. Run as a user runs the CLI, from dist.
import { describe, expect, it } from 'vitest';
import { hasStackTrace, runCli } from '../helpers/cli.js';

describe('usage errors of subcommands', () => {
  it.each([
    [['fit', 'good.csv'], /required option '--model <model>'/],
    [['run', '--bogus'], /unknown option '--bogus'/],
    [['plan', '--run', 'x', '--bogus'], /unknown option '--bogus'/],
    [['report', '--run'], /option '--run <dir\|id>' argument missing/],
    [['lab', 'start', '--bogus'], /unknown option '--bogus'/],
    [['tenant'], /required option '--run <dir>' not specified/],
    [['tenant', '--run'], /option '--run <dir>' argument missing/],
    [['tenant', '--run', 'x', '--bogus'], /unknown option '--bogus'/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('%j exits 2 with one line', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n')[0]).toMatch(/^error: /);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(result.stdout).toBe('');
  });

  it.each(['plan', 'tenant', 'lab start'])(
    '%s --help still exits 0, the usage on stdout',
    async (command) => {
      const result = await runCli([...command.split(' '), '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: odoo-capacity ${command}`);
      expect(result.stderr).toBe('');
    },
  );
});
