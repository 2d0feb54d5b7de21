import { defineKitVitest } from '@kit/vitest-config';
import { configDefaults } from 'vitest/config';

// The nginx tests measure achieved rates against a real rate-limiting proxy: they run after the
// rest of the suite, one file at a time, so the other test files never share the CPU with them.
export default defineKitVitest({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          exclude: [...configDefaults.exclude, 'test/nginx/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'nginx',
          // `include` would be merged with the preset's; exclude everything outside test/nginx instead.
          exclude: [...configDefaults.exclude, 'src/**', 'test/*.test.ts', 'test/!(nginx)/**'],
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          maxWorkers: 1,
        },
      },
    ],
  },
});
