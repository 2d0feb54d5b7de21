// Generates docs/troubleshooting/ from the error catalogue in @kit/errors (the single source of
// truth for codes, titles, hints and retryability) and the hand-written entries beside the pages
// (docs/troubleshooting/entries/<slug>.md: what the customer sees, likely causes in order, what to
// do for each, how to confirm with `doctor`, related codes). One page per code plus an index.
//
// "What you see" is not typed by hand: each entry names an example (an HTTP response, a Node
// system error, a WebSocket close, a config mistake, or the error a package throws) and this script
// runs kit's own classifier or config loader on it, so the message shown is the one kit prints,
// and the example must produce the entry's code.
//
// With --check it writes nothing and exits 1 when a committed page differs from what the catalogue
// and entries produce, a catalogue code has no entry, an entry names a code that does not exist
// (its own, a related code, one its prose mentions or links, or its example's result), a doctor
// check is unknown, or an entry lacks its required sections. CI runs it that way (`pnpm docs:check`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Workspace packages resolve to their TypeScript sources under the `@kit/source` condition (no build needed).
if (!process.execArgv.some((arg) => arg.includes('@kit/source'))) {
  const child = spawnSync(process.execPath, ['--conditions=@kit/source', ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

const { tsImport } = await import('tsx/esm/api');
const root = new URL('../..', import.meta.url).pathname;
const outDir = join(root, 'docs', 'troubleshooting');
const entriesDir = join(outDir, 'entries');
const check = process.argv.includes('--check');

const errors = await tsImport(join(root, 'packages', 'errors', 'src', 'index.ts'), import.meta.url);
const {
  ERROR_CATALOGUE,
  docsSlugFor,
  KitError,
  classifyError,
  classifyHttpResponse,
  classifyWsClose,
  isKitError,
} = errors;

const HEADER =
  '<!-- Generated from packages/errors/src/catalogue.ts by `pnpm docs:generate`. Do not edit. -->';
const problems = [];
const problem = (message) => problems.push(message);

// The reference app's doctor checks, by id, read from the one place they are defined
// (apps/reference-app/src/doctor/check-result.ts), so a renamed check or title changes the pages too.
const checkResultFile = join(root, 'apps', 'reference-app', 'src', 'doctor', 'check-result.ts');
const DOCTOR_CHECKS = {};
{
  const titles = readFileSync(checkResultFile, 'utf8').match(/CHECK_TITLES[^=]*=\s*\{([^}]*)\}/)?.[1] ?? '';
  for (const [, id, , title] of titles.matchAll(/^\s*([a-z_]+):\s*(['"])(.*?)\2,?\s*$/gm)) {
    DOCTOR_CHECKS[id] = title;
  }
  if (Object.keys(DOCTOR_CHECKS).length === 0) {
    problem(
      `no doctor checks found in ${checkResultFile} (CHECK_TITLES); the doctor sections cannot be written`,
    );
  }
}

/** Reads `key: value` frontmatter; lists are comma-separated, `example` is JSON. */
function parseEntry(text, file) {
  const match = text.match(/^---\n([\s\S]*?)\n---\n?([\s\S]*)$/);
  if (!match) {
    problem(`${file}: no frontmatter (--- code: ... ---)`);
    return undefined;
  }
  const meta = {};
  for (const line of match[1].split('\n')) {
    if (!line.trim()) continue;
    const kv = line.match(/^([a-z]+):\s*(.*)$/);
    if (!kv) {
      problem(`${file}: unreadable frontmatter line "${line}"`);
      continue;
    }
    meta[kv[1]] = kv[2].trim();
  }
  const list = (value) =>
    (value ?? '')
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  let example;
  try {
    example = meta.example ? JSON.parse(meta.example) : undefined;
  } catch (error) {
    problem(`${file}: example is not JSON (${error.message})`);
  }
  return {
    code: meta.code,
    doctor: list(meta.doctor),
    related: list(meta.related),
    example,
    body: match[2].trim(),
  };
}

/** The config schema the config examples load against: the shape of a typical integration's config. */
let configApi;
async function configExample(spec) {
  configApi ??= {
    config: await tsImport(join(root, 'packages', 'config', 'src', 'index.ts'), import.meta.url),
    v: await import(join(root, 'packages', 'config', 'node_modules', 'valibot', 'dist', 'index.mjs')),
  };
  const { config, v } = configApi;
  const schema = v.object({
    rest: v.object({
      baseUrl: config.httpsUrl(),
      timeoutMs: v.optional(config.duration(), '30s'),
    }),
    apiKey: config.secret(),
    apiSecret: config.secret(),
    accountId: v.optional(config.singleSource(v.string())),
  });
  const options = { schema, env: spec.env ?? {}, envPrefix: 'KIT_' };
  if (spec.file !== undefined || spec.fileText !== undefined) {
    options.file = './kit.json';
    options.readFile = () => {
      if (spec.fileMissing)
        throw Object.assign(new Error("ENOENT: no such file or directory, open './kit.json'"), {
          code: 'ENOENT',
        });
      return spec.fileText ?? JSON.stringify(spec.file);
    };
  }
  if (spec.overrides) options.overrides = spec.overrides;
  try {
    config.loadConfig(options);
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Runs kit's own code on an entry's example and returns the KitError it produces. */
async function produce(code, example) {
  if (example.http) {
    const { status, method, path, headers, body } = example.http;
    return classifyHttpResponse({ status, method, path, headers, body, nowMs: Date.UTC(2026, 10, 24, 12) });
  }
  if (example.system) {
    const { message, ...fields } = example.system;
    const cause = Object.assign(new Error(message), fields);
    return classifyError(cause, { method: example.method, url: example.url, path: example.path });
  }
  if (example.vendor) {
    // A venue's error body through one of @kit/errors' published maps (BINANCE_ERROR_MAP, ...).
    // "SAMPLE_BROKER_ERROR_MAP" is the sample adapter's map of the sandbox's error codes.
    const { map, body, status, method, path } = example.vendor;
    const table =
      map === 'SAMPLE_BROKER_ERROR_MAP'
        ? (await tsImport(join(root, 'apps', 'sample-broker', 'src', 'error-map.ts'), import.meta.url))[map]
        : errors[map];
    if (!table) throw new Error(`no error map ${map}`);
    return errors.createVendorErrorMapper(table)(body, { status, method, path });
  }
  if (example.close) return classifyWsClose(example.close.code, example.close.reason);
  if (example.config) return configExample(example.config);
  if (example.error) return new KitError(code, example.error);
  return undefined;
}

const REQUIRED_SECTIONS = ['## Likely causes', '## Confirm with doctor'];

const entries = new Map();
if (existsSync(entriesDir)) {
  for (const name of readdirSync(entriesDir).sort()) {
    if (!name.endsWith('.md')) continue;
    const slug = name.replace(/\.md$/, '');
    const file = `docs/troubleshooting/entries/${name}`;
    const entry = parseEntry(readFileSync(join(entriesDir, name), 'utf8'), file);
    if (!entry) continue;
    if (!entry.code || !Object.hasOwn(ERROR_CATALOGUE, entry.code)) {
      problem(`${file}: names code "${entry.code}", which is not in the catalogue`);
      continue;
    }
    if (docsSlugFor(entry.code) !== slug)
      problem(`${file}: code ${entry.code} belongs in ${docsSlugFor(entry.code)}.md`);
    for (const related of entry.related) {
      if (!Object.hasOwn(ERROR_CATALOGUE, related))
        problem(`${file}: related code "${related}" is not in the catalogue`);
      else if (related === entry.code) problem(`${file}: lists itself as related`);
    }
    if (entry.doctor.length === 0) problem(`${file}: no doctor checks (doctor: config, dns, ...)`);
    for (const id of entry.doctor) {
      if (!Object.hasOwn(DOCTOR_CHECKS, id))
        problem(`${file}: unknown doctor check "${id}" (one of ${Object.keys(DOCTOR_CHECKS).join(', ')})`);
    }
    for (const section of REQUIRED_SECTIONS) {
      if (!entry.body.includes(`\n${section}`) && !entry.body.startsWith(section))
        problem(`${file}: missing section "${section}"`);
    }
    const lastSection = [...entry.body.matchAll(/^## (.*)$/gm)].pop()?.[1];
    if (lastSection !== 'Confirm with doctor')
      problem(`${file}: "## Confirm with doctor" must be the last section`);
    const causes = entry.body.split('## Likely causes')[1]?.split(/\n## /)[0] ?? '';
    if (!/\n### /.test(causes)) problem(`${file}: "## Likely causes" needs at least one "### " cause`);
    if (!entry.example) problem(`${file}: no example (what kit prints comes from running it)`);
    // Codes the prose names, as `code` or as a link to its page, must exist too.
    for (const m of entry.body.matchAll(
      /`((?:auth|rate_limit|network|timeout|server|client|schema|config|protocol|cancelled|internal)\.[a-z_]+)`/g,
    )) {
      if (!Object.hasOwn(ERROR_CATALOGUE, m[1]))
        problem(`${file}: mentions \`${m[1]}\`, which is not in the catalogue`);
    }
    for (const m of entry.body.matchAll(/\]\(\.\/([a-z0-9-]+)\.md(?:#[^)]*)?\)/g)) {
      if (!Object.keys(ERROR_CATALOGUE).some((code) => docsSlugFor(code) === m[1])) {
        problem(`${file}: links ./${m[1]}.md, which is no troubleshooting page`);
      }
    }
    entries.set(entry.code, { ...entry, file });
  }
}

const titleOf = (code) => ERROR_CATALOGUE[code].title;
const pages = new Map();
const byCategory = new Map();

for (const [code, catalogueEntry] of Object.entries(ERROR_CATALOGUE)) {
  const slug = docsSlugFor(code);
  if (!byCategory.has(catalogueEntry.category)) byCategory.set(catalogueEntry.category, []);
  byCategory.get(catalogueEntry.category).push({ code, slug, entry: catalogueEntry });
  const entry = entries.get(code);
  if (!entry) problem(`no entry for ${code}: add docs/troubleshooting/entries/${slug}.md`);

  const lines = [
    HEADER,
    '',
    `# \`${code}\`: ${catalogueEntry.title}`,
    '',
    `| Code | \`${code}\` |`,
    '| --- | --- |',
    `| Category | \`${catalogueEntry.category}\` |`,
    `| Retried by kit | ${catalogueEntry.retryable ? 'yes, where the method and idempotency rules allow it' : 'no'} |`,
    '',
    `**kit's hint:** ${catalogueEntry.hint}`,
    '',
  ];

  let produced;
  if (entry?.example) {
    try {
      produced = await produce(code, entry.example);
    } catch (error) {
      problem(`${entry.file}: running the example threw ${error?.stack ?? error}`);
    }
    if (!isKitError(produced)) problem(`${entry.file}: the example produced no KitError`);
    else if (produced.code !== code)
      problem(`${entry.file}: the example produces ${produced.code}, not ${code}`);
  }
  if (isKitError(produced) && produced.code === code) {
    const json = produced.toJSON();
    lines.push(
      '## What you see',
      '',
      'The error message, as kit prints it (`error.message`):',
      '',
      '```text',
      produced.message,
      '```',
      '',
      'The same error in a JSON log line or an API response (`error.toJSON()`, secret-free):',
      '',
      '```json',
      JSON.stringify(json, null, 2),
      '```',
      '',
    );
  }
  if (entry) {
    lines.push(entry.body.replace(/\]\(\.\/([a-z0-9-]+)\.md/g, '](./$1.md'), '');
    lines.push(
      `Checks that report it: ${entry.doctor.map((id) => `**${DOCTOR_CHECKS[id]}** (\`${id}\`)`).join(', ')}. Run \`kit doctor\` (see [Diagnosing with doctor](../getting-started.md#diagnose-with-doctor)).`,
      '',
    );
    if (entry.related.length > 0) {
      lines.push('## Related codes', '');
      for (const related of entry.related)
        lines.push(`- [\`${related}\`](./${docsSlugFor(related)}.md): ${titleOf(related)}`);
      lines.push('');
    }
  } else {
    lines.push('## What to do', '', catalogueEntry.hint, '');
  }
  lines.push(
    '## Recognising it in code',
    '',
    '```ts',
    "import { isKitError } from '@kit/errors';",
    '',
    'declare const error: unknown;',
    `if (isKitError(error, '${code}')) {`,
    '  console.log(error.hint, error.status, error.requestId, error.attempts, error.outcome);',
    '}',
    '```',
    '',
    `Every \`KitError\` carries \`docsSlug\`; this page is \`docs/troubleshooting/${slug}.md\`.`,
    'When you contact the API provider, include `error.requestId` if it is set.',
    '',
    '[All error codes](./README.md)',
    '',
  );
  pages.set(`${slug}.md`, lines.join('\n'));
}

for (const code of entries.keys()) {
  if (!Object.hasOwn(ERROR_CATALOGUE, code)) problem(`entry for unknown code ${code}`);
}

// Every slug a KitError can carry must resolve to a page.
for (const code of Object.keys(ERROR_CATALOGUE)) {
  const slug = new KitError(code).docsSlug;
  if (!pages.has(`${slug}.md`)) problem(`docsSlug ${slug} of ${code} has no page`);
}

const index = [HEADER, '', '# Troubleshooting by error code', ''];
index.push(
  'Every failure kit reports is a `KitError` with a stable `code`, a `category`, whether kit retries it, and a one-sentence `hint`. Find the code in your logs (`code` field) and open its page: each one shows the message kit prints, the likely causes in order with what to do for each, and the `doctor` check that confirms it.',
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
  for (const [name, content] of pages) {
    const file = join(outDir, name);
    if (!existsSync(file)) problems.push(`missing ${name}`);
    else if (readFileSync(file, 'utf8') !== content) problems.push(`out of date ${name}`);
  }
  if (existsSync(outDir)) {
    for (const name of readdirSync(outDir)) {
      if (name === 'entries') continue;
      if (!pages.has(name)) problems.push(`stale ${name} (no such code)`);
    }
  }
  if (problems.length > 0) {
    console.error(
      `docs/troubleshooting drifted from the error catalogue or its entries (fix the entry, then run \`pnpm docs:generate\`):\n  ${problems.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(`docs: ${pages.size - 1} troubleshooting pages match the catalogue and their entries`);
} else {
  // Only generated pages are replaced; the entries directory is the source and stays.
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(outDir)) {
    if (name !== 'entries' && name.endsWith('.md')) rmSync(join(outDir, name));
  }
  for (const [name, content] of pages) writeFileSync(join(outDir, name), content);
  console.log(`docs: wrote ${pages.size - 1} troubleshooting pages`);
  if (problems.length > 0) {
    console.warn(
      `docs: ${problems.length} entry problem(s) (\`pnpm docs:check\` fails until fixed):\n  ${problems.join('\n  ')}`,
    );
  }
}
