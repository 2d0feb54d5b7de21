// @ts-check
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defineConfig, mergeConfig } from 'vitest/config';

function findWorkspaceRoot(start) {
  let dir = resolve(start);
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return dir;
}

/**
 * Maps every `@kit/*` package (and its subpath exports) to its TypeScript source, so tests run
 * against the code in the repository without building dependencies first.
 */
function workspaceAliases(root) {
  if (!root) return [];
  const aliases = [];
  // Published packages point at their sources through the `@kit/source` condition; the private
  // apps export their TypeScript sources directly.
  for (const group of ['packages', 'apps']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const name of readdirSync(groupDir)) {
      const manifestPath = join(groupDir, name, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
        const source =
          typeof target === 'object' && target
            ? target['@kit/source']
            : typeof target === 'string' && target.endsWith('.ts')
              ? target
              : undefined;
        if (!source) continue;
        const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
        aliases.push({
          find: new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`),
          replacement: join(groupDir, name, source),
        });
      }
    }
  }
  return aliases;
}

/**
 * The shared vitest preset: Node environment, tests beside the code and under `test/`,
 * a modest worker count for 2-core machines, and the CI summary reporter.
 *
 * @param {import('vitest/config').UserConfig} [overrides]
 */
export function defineKitVitest(overrides = {}) {
  const root = findWorkspaceRoot(process.cwd());
  return mergeConfig(
    defineConfig({
      resolve: { alias: workspaceAliases(root) },
      test: {
        environment: 'node',
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        testTimeout: 20_000,
        hookTimeout: 20_000,
        pool: 'forks',
        maxWorkers: 2,
        reporters: ['default', join(dirname(new URL(import.meta.url).pathname), 'reporter.js')],
      },
    }),
    overrides,
  );
}
