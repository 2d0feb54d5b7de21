import { defineKitVitest } from '@kit/vitest-config';

// One file at a time: the suites share two cores with the rest of CI, and the soak measures this
// process's heap and handles, which another suite running beside it would disturb. `--expose-gc`
// lets the soak collect before each heap sample instead of reading a sawtooth.
export default defineKitVitest({
  test: {
    fileParallelism: false,
    execArgv: ['--expose-gc'],
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
});
