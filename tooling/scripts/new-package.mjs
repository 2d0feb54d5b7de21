// Scaffolds a package under packages/<name> with the shared presets:
//   node tooling/scripts/new-package.mjs <name> "<description>" [dep ...]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [name, description, ...deps] = process.argv.slice(2);
if (!name || !description) {
  console.error('usage: new-package.mjs <name> "<description>" [dep ...]');
  process.exit(1);
}
const root = new URL('../..', import.meta.url).pathname;
const dir = join(root, 'packages', name);
if (existsSync(dir)) {
  console.error(`${dir} exists`);
  process.exit(1);
}
mkdirSync(join(dir, 'src'), { recursive: true });
const manifest = {
  name: `@kit/${name}`,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  engines: { node: '>=20.19' },
  exports: {
    '.': {
      '@kit/source': './src/index.ts',
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.cts',
  files: ['dist', 'src', '!src/**/*.test.ts'],
  scripts: {
    build: 'tsup',
    typecheck: 'tsc --noEmit',
    test: 'vitest run',
  },
  dependencies: Object.fromEntries(deps.map((d) => [d, d.startsWith('@kit/') ? 'workspace:^' : 'catalog:'])),
  devDependencies: {
    '@kit/build-config': 'workspace:*',
    '@kit/tsconfig': 'workspace:*',
    '@kit/vitest-config': 'workspace:*',
    '@types/node': 'catalog:',
    tsup: 'catalog:',
    typescript: 'catalog:',
    vitest: 'catalog:',
  },
};
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(
  join(dir, 'tsconfig.json'),
  `${JSON.stringify({ extends: '@kit/tsconfig/base.json', include: ['src', 'test', '*.config.ts'] }, null, 2)}\n`,
);
writeFileSync(
  join(dir, 'tsup.config.ts'),
  "import { defineKitBuild } from '@kit/build-config';\n\nexport default defineKitBuild();\n",
);
writeFileSync(
  join(dir, 'vitest.config.ts'),
  "import { defineKitVitest } from '@kit/vitest-config';\n\nexport default defineKitVitest();\n",
);
writeFileSync(join(dir, 'src', 'index.ts'), 'export {};\n');
writeFileSync(join(dir, 'README.md'), `# @kit/${name}\n\n${description}\n`);
console.log(`created ${dir}`);
