import { configDefaults, defineConfig } from 'vitest/config';

// Tests that judge real timings: run after everything else, one file at a time, so that no other
// test's interpreters share the 2 cores with them (a 35% slowdown read as noise when a thread
// stress run or a source build ran beside them).
const TIMING = ['__tests__/suite/performance.test.ts'];

export default defineConfig({
  test: {
    // End-to-end tests start real interpreters; the machines have 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['__tests__/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...TIMING],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'timing',
          include: TIMING,
          sequence: { groupOrder: 1 },
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
