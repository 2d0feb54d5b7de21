// @ts-check
import { defineConfig } from 'tsup';

/**
 * The one build every kit package uses: ESM + CJS + .d.ts for each entry point.
 * Dependencies stay external (tsup reads them from package.json), so packages never bundle each other.
 *
 * @param {{ entry?: Record<string, string> | string[], platform?: 'node' | 'neutral' | 'browser' }} [options]
 */
export function defineKitBuild(options = {}) {
  return defineConfig({
    entry: options.entry ?? { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    treeshake: true,
    splitting: false,
    target: 'node20',
    platform: options.platform ?? 'neutral',
    outDir: 'dist',
  });
}
