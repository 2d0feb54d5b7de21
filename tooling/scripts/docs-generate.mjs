// Writes the docs site's generated inputs before `vitepress build` / `vitepress dev`:
// - docs/public/vendor/mermaid.min.js (Mermaid's prebuilt browser bundle, see theme/mermaid.ts)
// - docs/.vitepress/generated/*.json (sidebars built from the error catalogue and the packages)
// - docs/packages/<name>.md and docs/apps/<name>.md (the READMEs, links rewritten for the site)
// - docs/reference/ (configuration reference and API reference; see docs-reference.mjs)
// - docs/.vitepress/generated/captures/ (what the examples and `kit doctor` print; see docs-examples.mjs)
// Everything written here is gitignored: it is rebuilt from the sources on every build.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Workspace packages resolve to their TypeScript sources under the `@kit/source` condition (no build needed).
if (!process.execArgv.some((arg) => arg.includes('@kit/source'))) {
  const child = spawnSync(process.execPath, ['--conditions=@kit/source', ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

const { tsImport } = await import('tsx/esm/api');
const { generateReference } = await import('./docs-reference.mjs');

const root = new URL('../..', import.meta.url).pathname;
const docs = join(root, 'docs');
const generatedDir = join(docs, '.vitepress', 'generated');
const started = Date.now();
mkdirSync(generatedDir, { recursive: true });

// 1. Mermaid's browser bundle, resolved from the docs package's own dependency.
const require = createRequire(join(docs, 'package.json'));
const mermaidDist = join(dirname(require.resolve('mermaid/package.json')), 'dist', 'mermaid.min.js');
mkdirSync(join(docs, 'public', 'vendor'), { recursive: true });
copyFileSync(mermaidDist, join(docs, 'public', 'vendor', 'mermaid.min.js'));

// 2. The troubleshooting sidebar, by category, from the catalogue (the pages themselves are
// committed and checked by generate-troubleshooting.mjs --check).
const { ERROR_CATALOGUE, docsSlugFor } = await tsImport(
  join(root, 'packages', 'errors', 'src', 'catalogue.ts'),
  import.meta.url,
);
const byCategory = new Map();
for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
  if (!byCategory.has(entry.category)) byCategory.set(entry.category, []);
  byCategory.get(entry.category).push({ text: code, link: `/troubleshooting/${docsSlugFor(code)}` });
}
const troubleshootingSidebar = [
  { text: 'Troubleshooting', items: [{ text: 'All error codes', link: '/troubleshooting/README' }] },
  ...[...byCategory].map(([category, items]) => ({ text: category, collapsed: true, items })),
];
writeFileSync(
  join(generatedDir, 'troubleshooting-sidebar.json'),
  JSON.stringify(troubleshootingSidebar, null, 2),
);

// 3. Package and app pages from the READMEs.
const PACKAGES = ['errors', 'logger', 'config', 'auth', 'retry', 'rest-client', 'ws-client', 'testing'];
const APPS = ['reference-app', 'sample-broker', 'sandbox-broker'];
const APPS_WITH_PAGES = APPS.filter((name) => existsSync(join(root, 'apps', name, 'README.md')));
const packagesDir = join(docs, 'packages');
const appsDir = join(docs, 'apps');
for (const dir of [packagesDir, appsDir]) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}
for (const name of PACKAGES) {
  const readme = readFileSync(join(root, 'packages', name, 'README.md'), 'utf8');
  writeFileSync(join(packagesDir, `${name}.md`), rewriteReadmeLinks(readme, 'packages', name));
}
const apps = APPS_WITH_PAGES;
for (const name of apps) {
  const readme = readFileSync(join(root, 'apps', name, 'README.md'), 'utf8');
  writeFileSync(join(appsDir, `${name}.md`), rewriteReadmeLinks(readme, 'apps', name));
}
writeFileSync(
  join(generatedDir, 'packages-sidebar.json'),
  JSON.stringify(
    [
      {
        text: 'Packages',
        items: PACKAGES.map((name) => ({ text: `@kit/${name}`, link: `/packages/${name}` })),
      },
      ...(apps.length > 0
        ? [{ text: 'Apps', items: apps.map((name) => ({ text: `apps/${name}`, link: `/apps/${name}` })) }]
        : []),
    ],
    null,
    2,
  ),
);

// 4. Configuration and API reference, and 5. the complete programs and `kit doctor` run against the
// sandbox (their output goes into the pages). Side by side: the examples mostly wait on child processes.
// The examples run in a child process, so the sandbox's event loop is not stalled by the type-checking here.
const examples = process.argv.includes('--no-examples')
  ? Promise.resolve(0)
  : new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        ['--conditions=@kit/source', join(root, 'tooling', 'scripts', 'docs-examples.mjs')],
        {
          stdio: 'inherit',
        },
      );
      child.on('close', (code) => resolve(code ?? 1));
    });
await generateReference({ root, docs, generatedDir });
if ((await examples) !== 0) {
  console.error('docs: the examples or doctor runs failed (above)');
  process.exit(1);
}

console.log(`docs: generated site inputs in ${Date.now() - started} ms`);

/**
 * A README lives in packages/<name>/ or apps/<name>/; its page in docs/packages/ or docs/apps/.
 * Links into docs/ and to other packages' and apps' READMEs become site links; links to source
 * files stay relative to the repository, which the site's repo-link rule shows as paths.
 */
function rewriteReadmeLinks(markdown, kind, name) {
  const header = `<!-- Generated from ${kind}/${name}/README.md by tooling/scripts/docs-generate.mjs. Do not edit. -->\n\n`;
  let inFence = false;
  const lines = markdown.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) return line;
    return line.replace(/\]\(([^)\s]+)\)/g, (whole, href) => {
      if (/^[a-z][a-z0-9+.-]*:|^#|^\//i.test(href)) return whole;
      const [path, hash] = href.split('#');
      const suffix = hash ? `#${hash}` : '';
      let m = path.match(/^\.\.\/\.\.\/docs\/(.*)$/);
      if (m) return `](../${m[1]}${suffix})`;
      m = path.match(/^\.\.\/([a-z-]+)\/README\.md$/);
      if (m && (kind === 'packages' ? PACKAGES : APPS_WITH_PAGES).includes(m[1]))
        return `](./${m[1]}.md${suffix})`;
      m = path.match(/^\.\.\/\.\.\/(packages|apps)\/([a-z-]+)\/README\.md$/);
      if (m && (m[1] === 'packages' ? PACKAGES : APPS_WITH_PAGES).includes(m[2]))
        return `](../${m[1]}/${m[2]}.md${suffix})`;
      if (path === '' || path === './README.md' || path === 'README.md') return `](${suffix || '#'})`;
      // Anything else is a path inside <kind>/<name>/ (or above it): keep it repository-relative.
      return `](../../${kind}/${name}/${path}${suffix})`;
    });
  });
  return header + lines.join('\n');
}
