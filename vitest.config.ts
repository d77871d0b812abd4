// Tests import the built package by its entries ('backbeat', 'backbeat/task', 'backbeat/testing',
// the adapter entries); only unit tests of unexported internals import `src/`, and then nothing
// from the package. Waiting goes through the test kit's `waitFor`. See test/README.md.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
