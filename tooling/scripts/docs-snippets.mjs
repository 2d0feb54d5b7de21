// Type-checks every ```ts block in docs/ (hand-written pages and troubleshooting entries) and in the
// published packages' READMEs, plus the complete programs in docs/examples/, against the workspace
// sources (the `@kit/source` condition: no build needed). Each block becomes its own module; a
// README block that is a fragment gets the ambient declarations in PRELUDES (what the surrounding
// prose assumes), never a skip. Errors are reported at the block's line in its markdown file.
// The complete programs also run against the sandbox on every docs build (docs-examples.mjs).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const docs = join(root, 'docs');
// Inside docs/ so that bare imports resolve through docs/node_modules (the workspace packages).
const outDir = join(docs, '.vitepress', 'cache', 'snippets');
const started = Date.now();

/** Ambient context some README fragments assume (declared, not skipped). */
const PRELUDES = {
  'packages/auth/README.md':
    'declare const tokenUrl: string;\ndeclare const clientId: string;\ndeclare const clientSecret: string;',
  'packages/logger/README.md': [
    "import type { LogFields, Logger } from '@kit/logger';",
    "import { redact, redactString, Secret } from '@kit/logger';",
    'declare namespace pino { interface Logger { debug(o: object, m?: string): void; info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void; child(o: object): Logger; isLevelEnabled(level: string): boolean } }',
    'declare function expect(value: unknown): { not: { toContain(text: string): void } };',
  ].join('\n'),
  'packages/ws-client/README.md': [
    "import type { WsProtocol } from '@kit/ws-client';",
    'declare function render(quote: unknown): void;',
    'declare function replaceBook(data: unknown): void;',
    'declare function applyDiff(data: unknown): void;',
  ].join('\n'),
  'packages/retry/README.md': 'declare const baseUrl: string;',
};

/** The prelude without the names the block imports itself (a second import of a name is an error). */
function preludeFor(prelude, code) {
  if (!prelude) return '';
  const imported = new Set(
    [...code.matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}/gm)].flatMap((m) =>
      m[1].split(',').map((n) =>
        n
          .trim()
          .split(/\s+as\s+/)
          .pop(),
      ),
    ),
  );
  return prelude
    .split('\n')
    .map((line) => {
      const m = line.match(/^import (type )?\{([^}]*)\} from (.*)$/);
      if (!m) return line;
      const names = m[2]
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n && !imported.has(n));
      return names.length > 0 ? `import ${m[1] ?? ''}{ ${names.join(', ')} } from ${m[3]}` : '';
    })
    .filter(Boolean)
    .join('\n');
}

/** Modules the snippets import that the docs package does not depend on: resolved from their workspace homes. */
const PATHS = {
  '@kit/sandbox-broker': [join(root, 'apps', 'sandbox-broker', 'src', 'index.ts')],
  '@kit/sample-broker': [join(root, 'apps', 'sample-broker', 'src', 'index.ts')],
  axios: [join(root, 'packages', 'rest-client', 'node_modules', 'axios')],
  ws: [join(root, 'packages', 'testing', 'node_modules', '@types', 'ws')],
};

function markdownFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (['node_modules', '.vitepress', 'api', 'reference', 'packages', 'apps', 'public'].includes(name))
      continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) markdownFiles(path, out);
    else if (name.endsWith('.md')) out.push(path);
  }
  return out;
}

function blocks(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found = [];
  let current;
  lines.forEach((line, index) => {
    const open = line.match(/^(\s*)```(ts|typescript)\b(.*)$/);
    if (!current && open) {
      current = { start: index + 2, indent: open[1].length, body: [] };
      return;
    }
    if (current && /^\s*```\s*$/.test(line)) {
      found.push({ start: current.start, code: current.body.join('\n') });
      current = undefined;
      return;
    }
    if (current) current.body.push(line.slice(current.indent));
  });
  return found;
}

const sources = [
  ...markdownFiles(docs),
  ...readdirSync(join(root, 'packages')).map((pkg) => join(root, 'packages', pkg, 'README.md')),
  // Apps whose READMEs are pages on the site and hold TypeScript. (apps/sandbox-broker's README is a
  // page too, but its ts blocks are wire-contract sketches with untyped members, not programs.)
  ...['reference-app', 'sample-broker'].map((app) => join(root, 'apps', app, 'README.md')),
].filter((file) => {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
});

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const origin = new Map();
let count = 0;
for (const file of sources) {
  const rel = relative(root, file);
  blocks(file).forEach((block, index) => {
    const prelude = preludeFor(PRELUDES[rel] ?? '', block.code);
    const preludeLines = prelude ? prelude.split('\n').length : 0;
    const name = `${rel.replace(/[^a-z0-9]+/gi, '_')}__${index + 1}.ts`;
    // Imports in a block must come first; the prelude's imports merge fine as the file is a module.
    writeFileSync(join(outDir, name), `${prelude}${prelude ? '\n' : ''}${block.code}\nexport {};\n`);
    origin.set(name, { file: rel, start: block.start, offset: preludeLines });
    count += 1;
  });
}

const tsconfig = join(outDir, 'tsconfig.json');
writeFileSync(
  tsconfig,
  JSON.stringify(
    {
      extends: join(root, 'tooling', 'tsconfig', 'base.json'),
      compilerOptions: {
        noEmit: true,
        // Snippets show usage, not every unused binding of a fragment.
        noUnusedLocals: false,
        noUnusedParameters: false,
        typeRoots: [join(docs, 'node_modules', '@types')],
        types: ['node'],
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        paths: PATHS,
      },
      include: ['./*.ts', join(docs, 'examples', '*.ts')],
    },
    null,
    2,
  ),
);

let output = '';
let failed = false;
try {
  execFileSync(join(docs, 'node_modules', '.bin', 'tsc'), ['-p', tsconfig, '--pretty', 'false'], {
    cwd: outDir,
    encoding: 'utf8',
    stdio: 'pipe',
  });
} catch (error) {
  failed = true;
  output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
}

const problems = [];
for (const line of output.split('\n')) {
  const m = line.match(/^(.*?)\((\d+),(\d+)\): (error .*)$/);
  if (!m) {
    if (line.trim() && !line.startsWith(' ')) problems.push(line.trim());
    else if (line.trim() && problems.length > 0) problems[problems.length - 1] += ` ${line.trim()}`;
    continue;
  }
  const [, path, row, col, message] = m;
  const name = path.split('/').pop();
  const from = origin.get(name);
  if (from) problems.push(`${from.file}:${from.start + Number(row) - 1 - from.offset}:${col}: ${message}`);
  else problems.push(`${relative(root, join(outDir, path))}:${row}:${col}: ${message}`);
}
if (failed && problems.length === 0) problems.push(output.trim() || 'tsc failed without output');

for (const problem of problems) console.error(`  ${problem}`);
const examples = readdirSync(join(docs, 'examples')).filter((f) => f.endsWith('.ts')).length;
console.log(
  `docs-snippets: ${count} code blocks from ${sources.length} files and ${examples} example programs type-checked in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
console.log(`snippets: ${problems.length === 0 ? 1 : 0} passed, ${problems.length === 0 ? 0 : 1} failed`);
process.exit(problems.length === 0 ? 0 : 1);
