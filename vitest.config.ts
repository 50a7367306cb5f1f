import { defineConfig } from 'vitest/config';
import RealOdooFirst from './test/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    globals: true,
    // Integration tests start PostgreSQL, the lab and k6: give them room, and run files in
    // separate processes so servers never share state.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default'],
    sequence: { sequencer: RealOdooFirst },
  },
});
