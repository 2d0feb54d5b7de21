// Generates docs/troubleshooting/ from the error catalogue in @kit/errors (the single source of
// truth), one page per code plus an index by category. With --check it writes nothing and exits 1
// if the committed pages differ from what the catalogue produces (CI runs it that way).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

const root = new URL('../..', import.meta.url).pathname;
const outDir = join(root, 'docs', 'troubleshooting');
const check = process.argv.includes('--check');

const { ERROR_CATALOGUE, docsSlugFor } = await tsImport(
  join(root, 'packages', 'errors', 'src', 'catalogue.ts'),
  import.meta.url,
);

const HEADER =
  '<!-- Generated from packages/errors/src/catalogue.ts by `pnpm docs:generate`. Do not edit. -->';
const pages = new Map();
const byCategory = new Map();

for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
  const slug = docsSlugFor(code);
  if (!byCategory.has(entry.category)) byCategory.set(entry.category, []);
  byCategory.get(entry.category).push({ code, slug, entry });
  pages.set(
    `${slug}.md`,
    [
      HEADER,
      '',
      `# \`${code}\`: ${entry.title}`,
      '',
      `| | |`,
      `| --- | --- |`,
      `| Code | \`${code}\` |`,
      `| Category | \`${entry.category}\` |`,
      `| Retried by kit | ${entry.retryable ? 'yes, where the method and idempotency rules allow it' : 'no'} |`,
      '',
      '## What to do',
      '',
      entry.hint,
      '',
      '## Recognising it in code',
      '',
      '```ts',
      "import { isKitError } from '@kit/errors';",
      '',
      `if (isKitError(error, '${code}')) {`,
      '  // error.hint, error.status, error.requestId, error.attempts, error.cause',
      '}',
      '```',
      '',
      `Every \`KitError\` carries \`docsSlug\`; this page is \`docs/troubleshooting/${slug}.md\`.`,
      'When you contact the API provider, include `error.requestId` if it is set.',
      '',
      '[All error codes](./README.md)',
      '',
    ].join('\n'),
  );
}

const index = [HEADER, '', '# Troubleshooting by error code', ''];
index.push(
  'Every failure kit reports is a `KitError` with a stable `code`, a `category`, whether kit retries it, and a one-sentence `hint`. Find the code in your logs (`code` field) and open its page.',
  '',
);
for (const [category, rows] of byCategory) {
  index.push(`## ${category}`, '', '| Code | Retried | What to do |', '| --- | --- | --- |');
  for (const { code, slug, entry } of rows) {
    index.push(
      `| [\`${code}\`](./${slug}.md) | ${entry.retryable ? 'yes' : 'no'} | ${entry.hint.replace(/\|/g, '\\|')} |`,
    );
  }
  index.push('');
}
pages.set('README.md', index.join('\n'));

if (check) {
  const problems = [];
  for (const [name, content] of pages) {
    const file = join(outDir, name);
    if (!existsSync(file)) problems.push(`missing ${name}`);
    else if (readFileSync(file, 'utf8') !== content) problems.push(`out of date ${name}`);
  }
  if (existsSync(outDir)) {
    for (const name of readdirSync(outDir))
      if (!pages.has(name)) problems.push(`stale ${name} (no such code)`);
  }
  if (problems.length > 0) {
    console.error(
      `docs/troubleshooting drifted from the error catalogue (run \`pnpm docs:generate\`):\n  ${problems.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(`docs: ${pages.size - 1} troubleshooting pages match the catalogue`);
} else {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const [name, content] of pages) writeFileSync(join(outDir, name), content);
  console.log(`docs: wrote ${pages.size - 1} troubleshooting pages`);
}
