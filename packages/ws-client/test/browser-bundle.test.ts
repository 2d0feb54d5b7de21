import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

describe('browser bundle', () => {
  it('bundles the main entry for the browser without any Node built-in or the ws package', async () => {
    const pulled: string[] = [];
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
      // Resolve the other @kit packages to their sources, as the workspace does.
      conditions: ['@kit/source'],
      plugins: [
        {
          name: 'forbid-node-builtins',
          setup(pluginBuild) {
            pluginBuild.onResolve({ filter: /.*/ }, (args) => {
              if (nodeBuiltins.has(args.path)) pulled.push(`${args.path} (from ${args.importer})`);
              return undefined;
            });
          },
        },
      ],
    });
    expect(pulled).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((file) => file.includes('isomorphic-ws/browser.js'))).toBe(true);
    expect(inputs.filter((file) => /node_modules\/ws\//.test(file))).toEqual([]);
    expect(result.outputFiles[0]?.text.length).toBeGreaterThan(1000);
  });
});
