// Generates the reference part of the docs site (gitignored, rebuilt on every docs build):
// - docs/reference/configuration.md: every option of every published package, read from the option
//   interfaces' TSDoc (summary and @default) with the TypeScript compiler API, plus every setting
//   of the reference app and the sample adapter with its environment variable, from their
//   @kit/config schemas' describe(). The mistakes people make are kept in MISTAKES below; a mistake
//   for an option that no longer exists fails the build, so the list cannot drift either.
// - docs/api/: the API reference of every published entry point, from TSDoc, by typedoc with
//   typedoc-plugin-markdown (one page per entry point).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { tsImport } from 'tsx/esm/api';

const PACKAGES = ['errors', 'logger', 'config', 'auth', 'retry', 'rest-client', 'ws-client', 'testing'];

/**
 * Published entry points, from each package's exports map (the `@kit/source` condition names the
 * source): package -> [subpath, source file]. `./internal` is kit's own and not documented.
 */
const ENTRY_POINTS = Object.fromEntries(
  PACKAGES.map((pkg) => {
    const manifest = JSON.parse(
      readFileSync(new URL(`../../packages/${pkg}/package.json`, import.meta.url), 'utf8'),
    );
    const entries = Object.entries(manifest.exports ?? {})
      .filter(
        ([subpath, target]) =>
          subpath !== './package.json' && subpath !== './internal' && target?.['@kit/source'],
      )
      .map(([subpath, target]) => [subpath, target['@kit/source'].replace(/^\.\//, '')]);
    return [pkg, entries];
  }),
);

/** The mistake people make with an option, by `Interface.property`. */
const MISTAKES = {
  'RestClientOptions.baseUrl':
    'Leaving out the version prefix (`/v1`) and then writing it in every path, or writing it twice; and `http://` for a remote host, which kit refuses for authenticated clients.',
  'RestClientOptions.retry':
    'Wrapping the client in a retry loop of your own: retries multiply (3 × 3 attempts) and POSTs lose the idempotency key between your attempts.',
  'RestClientOptions.rateLimit':
    "Setting it to exactly the venue's limit: the limiter controls departures, not arrivals; leave about 20 % headroom.",
  'RestClientOptions.maxRedirects':
    'Turning redirects on to follow an http -> https redirect: fix the base URL instead; a followed redirect can carry API-key headers to another host.',
  'RestClientOptions.schemaMode':
    'Switching to `tolerant` for good after one drift warning: it is for keeping running while you fix the schema, not a way to stop checking.',
  'RestClientTimeouts.attemptMs':
    'Raising it for the whole client because one endpoint is slow: give slow endpoints their own client.',
  'RestClientTimeouts.deadlineMs':
    'Setting it below `attemptMs` × attempts plus backoff and then wondering why only one attempt runs: the deadline wins over the attempt count.',
  'IdempotencyOptions.enabled':
    'Turning keys off because the API ignores the header: harmless for the API, but kit then no longer retries POST/PATCH after a 5xx or timeout.',
  'RetryPolicyOptions.maxAttempts': 'Counting retries instead of attempts: 3 means one try plus two retries.',
  'RetryPolicyOptions.maxRetryAfterMs':
    'Raising it for interactive calls: a user waiting 5 minutes for a Retry-After is worse than an error they can act on.',
  'RetryPolicyOptions.budget':
    'Creating one policy per request, which gives every request a fresh budget and defeats it; share one policy (or one budget) per host.',
  'RateLimiterOptions.limits':
    'Forgetting the long window: venues often have a per-second and a per-minute limit, and the minute one is hit first under steady load.',
  'RateLimiterOptions.maxQueueSize':
    'Raising it until the error goes away: a long queue is latency; bound your own concurrency instead.',
  'WsClientOptions.idleTimeoutMs':
    'Leaving the 15 s default on a channel that is legitimately quiet (order updates, illiquid symbols): set it per stream in `subscribe()`.',
  'WsClientOptions.pingIntervalMs':
    'Disabling it (`0`) because the venue sends heartbeats: protocol pings are what detect a half-open TCP connection.',
  'WsClientOptions.outboundQueue':
    'Enabling it for orders: an order queued during a disconnect goes out seconds later at a stale price; orders should fail fast.',
  'WsClientOptions.buffer':
    'Keeping `block` for quotes: a slow consumer then pauses the socket; use `latest` for data where only the newest value matters.',
  'OAuth2ClientCredentialsOptions.scope':
    "Leaving it out and getting the provider's default scope, often read-only: orders then fail with 403.",
  'OAuth2ClientCredentialsOptions.tokenUrl':
    'Using the API host where the identity provider lives on another host (or the other way round).',
  'HmacAuthOptions.secretEncoding':
    'Signing with the base64 text of a secret the venue gives base64-encoded; decode it (`base64`) as the venue documents.',
  'HmacAuthOptions.timestamp':
    'Seconds where the venue wants milliseconds (or the reverse): every signed call fails as clock skew.',
  'HmacAuthOptions.clock':
    'Not passing a `ServerClock` on machines whose clock drifts (VMs, containers): every signed call fails once the skew passes the window.',
  'BinanceAuthOptions.recvWindowMs':
    'Raising it to 60 s to hide clock skew: it widens the replay window for anyone who captures a signed request; sync the clock instead.',
  'KrakenAuthOptions.nonce':
    'One nonce source per client on the same key: two clients then send non-increasing nonces; share one per key.',
  'CreateLoggerOptions.level':
    'Shipping `debug` to production: it is safe (redacted) but noisy; use `KIT_LOG_LEVEL` to raise it while investigating.',
  'RedactOptions.keys':
    'Adding keys in lower case only is fine (matching ignores case, `-`, `_` and `.`); adding whole header values is not: use `patterns` for values.',
  'LoadConfigOptions.envPrefix':
    'A prefix without the trailing underscore is fine (`KIT` becomes `KIT_`); sharing one prefix between two apps is not: unknown variables fail.',
  'LoadConfigOptions.unknownKeys':
    "Setting `ignore` to silence a typo report: the typo'd setting then silently uses its default.",
  'RedisStoreOptions.failOpen':
    'Turning it off without a plan for Redis outages: every request then waits or fails while Redis is down.',
  'UndiciAdapterOptions.keepAliveTimeoutMs':
    "Raising it above the server's idle timeout: the client then reuses sockets the server has closed and sees resets.",
};

function loadTypeScript(docs) {
  return createRequire(join(docs, 'package.json'))('typescript');
}

function docOf(node) {
  const jsDocs = node.jsDoc ?? [];
  const last = jsDocs[jsDocs.length - 1];
  if (!last) return { summary: '', defaultText: undefined };
  const text = (c) => (typeof c === 'string' ? c : (c ?? []).map((part) => part.text ?? '').join(''));
  const summary = text(last.comment).replace(/\s+/g, ' ').trim();
  const tag = (last.tags ?? []).find((t) => t.tagName.text === 'default');
  const defaultText = tag ? text(tag.comment).replace(/\s+/g, ' ').trim() : undefined;
  return { summary, defaultText };
}

function cell(text) {
  return String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Every exported interface named `*Options`/`*Timeouts` of each package's entry points, with its properties (inherited ones included). */
function optionInterfaces(ts, root) {
  const files = Object.entries(ENTRY_POINTS).flatMap(([pkg, entries]) =>
    entries.map(([, file]) => join(root, 'packages', pkg, file)),
  );
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ['@kit/source'],
    skipLibCheck: true,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const byPackage = new Map();
  const seen = new Set();
  for (const [pkg, entries] of Object.entries(ENTRY_POINTS)) {
    const found = [];
    for (const [subpath, file] of entries) {
      const source = program.getSourceFile(join(root, 'packages', pkg, file));
      const moduleSymbol = source && checker.getSymbolAtLocation(source);
      if (!moduleSymbol) continue;
      for (const exported of checker.getExportsOfModule(moduleSymbol)) {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const name = exported.getName();
        if (!/(Options|Timeouts)$/.test(name) || seen.has(name)) continue;
        const declaration = symbol.declarations?.find((d) => ts.isInterfaceDeclaration(d));
        if (!declaration) continue;
        seen.add(name);
        const properties = [];
        for (const property of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
          const member = property.declarations?.find((d) => ts.isPropertySignature(d));
          if (!member) continue;
          const { summary, defaultText } = docOf(member);
          properties.push({
            name: property.getName(),
            optional: Boolean(member.questionToken),
            type: member.type ? member.type.getText().replace(/\s+/g, ' ') : 'unknown',
            summary,
            defaultText,
          });
        }
        found.push({
          name,
          subpath,
          summary: docOf(declaration).summary,
          file: relative(root, declaration.getSourceFile().fileName),
          properties,
        });
      }
    }
    byPackage.set(pkg, found);
  }
  return byPackage;
}

async function appSettings(root) {
  const sections = [];
  const app = await tsImport(
    join(root, 'apps', 'reference-app', 'src', 'config', 'app-config.ts'),
    import.meta.url,
  );
  if (app.appConfig?.describe) {
    sections.push({
      title: 'Reference app (`kit start`, `kit doctor`)',
      prefix: app.APP_ENV_PREFIX,
      fields: app.appConfig.describe(),
    });
  }
  const adapter = await tsImport(join(root, 'apps', 'sample-broker', 'src', 'config.ts'), import.meta.url);
  if (adapter.sampleBrokerConfig?.describe) {
    sections.push({
      title: 'Sample broker adapter (`@kit/sample-broker`)',
      prefix: adapter.SAMPLE_BROKER_ENV_PREFIX,
      fields: adapter.sampleBrokerConfig.describe(),
    });
  }
  return sections;
}

/** Inline code in a table cell: markdown escapes `<` and `>` inside code itself; only `|` needs it. */
function codeCell(text) {
  const body = String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');
  return body.includes('`') ? `<code>${cell(body)}</code>` : `\`${body}\``;
}

/** A `@default` that is a bare value (`10_000`, `'strict'`, `true`) is shown as code; prose stays prose. */
function defaultCell(text) {
  if (!text) return '';
  if (/^`[^`]*`$/.test(text)) return codeCell(text.slice(1, -1));
  return /\s/.test(text) ? cell(text) : codeCell(text);
}

function showDefault(value) {
  if (value === undefined) return '';
  if (typeof value === 'string') return `\`${value}\``;
  return `\`${JSON.stringify(value)}\``;
}

async function configurationPage(root, docs) {
  const ts = loadTypeScript(docs);
  const used = new Set();
  const lines = [
    '<!-- Generated by tooling/scripts/docs-reference.mjs from the option types and config schemas. Do not edit. -->',
    '',
    '# Configuration reference',
    '',
    'Every option of every published kit package, with its default and meaning, read from the option',
    "types' TSDoc, and every setting of the reference app and the sample adapter with its environment",
    'variable, read from their `@kit/config` schemas. An option passed as `undefined` means its default.',
    '',
    '## Environment variables the packages read',
    '',
    'The libraries take their settings as options; only these are read from the environment:',
    '',
    '| Variable | Read by | Meaning |',
    '| --- | --- | --- |',
    '| `KIT_LOG_LEVEL` | `@kit/logger` | Lowest level written (`debug`, `info`, `warn`, `error`, `silent`) when `level` is not given |',
    '| `KIT_LOG_FORMAT` | `@kit/logger` | `json` or `pretty` when `format` is not given |',
    '| `<PREFIX>CONFIG_FILE` | `@kit/config` | The JSON config file; wins over the `file` option |',
    '| `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY` | `@kit/rest-client/undici` | Proxy settings (`proxyFromEnv`, on by default) |',
    "| `NODE_EXTRA_CA_CERTS` | Node itself | Extra CA certificates (PEM), e.g. a corporate proxy's |",
    '',
  ];

  for (const section of await appSettings(root)) {
    lines.push(`## ${section.title}`, '');
    lines.push(
      `Settings come from flags, the environment (prefix \`${section.prefix}\`) or a JSON config file, in that order of precedence. Secrets are never shown.`,
      '',
      '| Setting | Environment variable | Type | Default | Required |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const field of section.fields) {
      lines.push(
        `| \`${field.path}\` | \`${field.envVar}\` | ${cell(field.type)} | ${field.secret ? '(secret)' : cell(showDefault(field.default))} | ${field.required ? 'yes' : ''} |`,
      );
    }
    lines.push('');
  }

  for (const [pkg, interfaces] of optionInterfaces(ts, root)) {
    if (interfaces.length === 0) continue;
    lines.push(`## @kit/${pkg}`, '');
    for (const iface of interfaces) {
      const where = iface.subpath === '.' ? `@kit/${pkg}` : `@kit/${pkg}/${iface.subpath.slice(2)}`;
      lines.push(`### ${iface.name}`, '');
      if (iface.summary) lines.push(`${iface.summary} (\`${where}\`, \`${iface.file}\`)`, '');
      lines.push('| Option | Default | Meaning |', '| --- | --- | --- |');
      for (const prop of iface.properties) {
        const key = `${iface.name}.${prop.name}`;
        const mistake = MISTAKES[key];
        if (mistake) used.add(key);
        const meaning = `${cell(prop.summary)}${mistake ? `<br>**Common mistake:** ${cell(mistake)}` : ''}`;
        const def = prop.optional ? defaultCell(prop.defaultText) : '(required)';
        lines.push(`| \`${prop.name}\`<br>${codeCell(prop.type)} | ${def} | ${meaning} |`);
      }
      lines.push('');
    }
  }
  const stale = Object.keys(MISTAKES).filter((key) => !used.has(key));
  if (stale.length > 0) {
    throw new Error(`docs-reference: MISTAKES names options that no longer exist: ${stale.join(', ')}`);
  }
  return lines.join('\n');
}

async function apiReference(root, docs) {
  const require = createRequire(join(docs, 'package.json'));
  const typedocPath = require.resolve('typedoc');
  const { Application } = await import(typedocPath);
  const outDir = join(docs, 'api');
  rmSync(outDir, { recursive: true, force: true });
  const entryPoints = [];
  for (const [pkg, entries] of Object.entries(ENTRY_POINTS)) {
    for (const [, file] of entries) entryPoints.push(join(root, 'packages', pkg, file));
  }
  const tsconfig = join(docs, '.vitepress', 'generated', 'typedoc.tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(root, 'tooling', 'tsconfig', 'base.json'),
      compilerOptions: { noEmit: true, types: ['node'], typeRoots: [join(docs, 'node_modules', '@types')] },
      include: entryPoints,
    }),
  );
  const app = await Application.bootstrapWithPlugins({
    entryPoints,
    tsconfig,
    plugin: [require.resolve('typedoc-plugin-markdown')],
    out: outDir,
    readme: 'none',
    outputFileStrategy: 'modules',
    entryFileName: 'index',
    hidePageHeader: true,
    hideBreadcrumbs: true,
    useCodeBlocks: true,
    useHTMLAnchors: true,
    sanitizeComments: true,
    excludePrivate: true,
    excludeInternal: true,
    skipErrorChecking: true,
    disableSources: true,
    logLevel: 'Warn',
    name: 'kit API reference',
  });
  const project = await app.convert();
  if (!project) throw new Error('docs-reference: typedoc could not convert the entry points');
  await app.generateOutputs(project);
  const pages = [];
  const fs = require('node:fs');
  const walk = (dir) => {
    for (const name of fs.readdirSync(dir)) {
      const path = join(dir, name);
      if (fs.statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.md')) {
        pages.push(relative(outDir, path));
        fs.writeFileSync(path, escapeStrayTags(fs.readFileSync(path, 'utf8')));
      }
    }
  };
  if (existsSync(outDir)) walk(outDir);
  return pages;
}

const HTML_TAGS = new Set([
  'a',
  'br',
  'code',
  'p',
  'span',
  'div',
  'details',
  'summary',
  'strong',
  'em',
  'b',
  'i',
  'sup',
  'sub',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'ul',
  'ol',
  'li',
  'hr',
  'blockquote',
  'pre',
]);

/**
 * TSDoc prose can hold `<placeholder>` text outside code; Vue compiles every page as a template and
 * fails on an unclosed tag, so anything that is not a real HTML tag is escaped (outside fences and
 * inline code).
 */
function escapeStrayTags(markdown) {
  let fence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*```/.test(line)) {
        fence = !fence;
        return line;
      }
      if (fence) return line;
      return line
        .split(/(`[^`]*`)/)
        .map((part, index) =>
          index % 2 === 1
            ? part
            : part.replace(/<(\/?)([A-Za-z][\w-]*)/g, (whole, slash, tag) =>
                HTML_TAGS.has(tag.toLowerCase()) ? whole : `&lt;${slash}${tag}`,
              ),
        )
        .join('');
    })
    .join('\n');
}

function packageOfApiPage(page) {
  // typedoc names module pages after the source path: <pkg>/src.md, <pkg>/src/redis.md, <pkg>/src/transport.md.
  const m = page.match(/^([a-z-]+)\/src(?:\/(.+))?\.md$/);
  if (!m) return undefined;
  const [, pkg, file] = m;
  const entry = ENTRY_POINTS[pkg]?.find(
    ([, source]) =>
      source === (file ? `src/${file}.ts` : 'src/index.ts') || source === `src/${file}/index.ts`,
  );
  return entry ? (entry[0] === '.' ? `@kit/${pkg}` : `@kit/${pkg}/${entry[0].slice(2)}`) : undefined;
}

function sourceFiles(dir, out = []) {
  const fs = createRequire(import.meta.url)('node:fs');
  if (!fs.existsSync(dir)) return out;
  for (const name of fs.readdirSync(dir)) {
    const path = join(dir, name);
    if (fs.statSync(path).isDirectory()) sourceFiles(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const INSTRUMENT =
  /create(Histogram|Counter|UpDownCounter|ObservableGauge|ObservableCounter|ObservableUpDownCounter|Gauge)\(\s*'([^']+)'\s*,\s*\{([\s\S]*?)\}\s*\)/g;
const ATTRIBUTE = /'((?:http|url|server|error|network|kit)\.[a-z0-9_.]+)'/g;

/**
 * The telemetry every package emits (for docs/observability.md), read from the instrument declarations in the sources (name,
 * kind, unit, description) and the attribute keys they set, so the table cannot drift.
 */
function telemetryPage(root, codes) {
  const lines = [];
  let total = 0;
  for (const pkg of Object.keys(ENTRY_POINTS)) {
    const files = sourceFiles(join(root, 'packages', pkg, 'src'));
    const instruments = [];
    const attributes = new Set();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (!/tracer|meter/i.test(text)) continue;
      for (const m of text.matchAll(INSTRUMENT)) {
        const [, kind, name, body] = m;
        const description = body.match(/description:\s*(['"`])([\s\S]*?)\1/)?.[2] ?? '';
        const unit = body.match(/unit:\s*'([^']*)'/)?.[1] ?? '';
        instruments.push({ kind, name, unit, description, file: relative(root, file) });
      }
      if (/startSpan|addEvent|setAttributes|\.record\(|\.add\(/.test(text)) {
        for (const m of text.matchAll(ATTRIBUTE)) {
          if (!instruments.some((i) => i.name === m[1]) && !codes.has(m[1])) attributes.add(m[1]);
        }
      }
    }
    if (instruments.length === 0) continue;
    total += instruments.length;
    lines.push(
      `### Metrics of @kit/${pkg}`,
      '',
      '| Metric | Instrument | Unit | Description |',
      '| --- | --- | --- | --- |',
    );
    for (const i of instruments)
      lines.push(
        `| \`${i.name}\` | ${i.kind} | ${cell(i.unit ? `\`${i.unit}\`` : '')} | ${cell(i.description)} |`,
      );
    lines.push('');
    if (attributes.size > 0) {
      lines.push('Attribute keys set on its spans, span events and metrics:', '');
      lines.push(
        [...attributes]
          .sort()
          .map((a) => `\`${a}\``)
          .join(', '),
        '',
      );
    }
  }
  return { text: lines.join('\n'), total };
}

export async function generateReference({ root, docs, generatedDir }) {
  const started = Date.now();
  const referenceDir = join(docs, 'reference');
  rmSync(referenceDir, { recursive: true, force: true });
  mkdirSync(referenceDir, { recursive: true });
  writeFileSync(join(referenceDir, 'configuration.md'), await configurationPage(root, docs));

  const items = [{ text: 'Configuration', link: '/reference/configuration' }];
  // docs/observability.md includes this table.
  const { ERROR_CATALOGUE } = await tsImport(
    join(root, 'packages', 'errors', 'src', 'catalogue.ts'),
    import.meta.url,
  );
  const telemetry = telemetryPage(root, new Set(Object.keys(ERROR_CATALOGUE)));
  writeFileSync(
    join(generatedDir, 'telemetry.md'),
    telemetry.total > 0 ? telemetry.text : 'No package declares OpenTelemetry instruments yet.\n',
  );
  let apiItems = [];
  if (!process.argv.includes('--no-api')) {
    const pages = await apiReference(root, docs);
    apiItems = pages
      .filter((page) => page !== 'index.md')
      .map((page) => ({
        text: packageOfApiPage(page) ?? page.replace(/\.md$/, ''),
        link: `/api/${page.replace(/\.md$/, '')}`,
      }))
      .sort((a, b) => a.text.localeCompare(b.text));
    // Give the index page a title and a list of entry points (typedoc's own index is a bare list).
    const indexFile = join(docs, 'api', 'index.md');
    const body = existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : '';
    const list = body.replace(/^# .*\n/, '').replace(/\[([a-z/-]+)\]\(([^)]+)\)/g, (whole, _text, href) => {
      const name = packageOfApiPage(href);
      return name ? `[\`${name}\`](${href})` : whole;
    });
    writeFileSync(
      indexFile,
      `# API reference\n\nGenerated from the TSDoc of every published entry point.\n\n${list.replace('## Modules', '## Entry points')}`,
    );
  }
  const sidebar = [
    { text: 'Reference', items },
    ...(apiItems.length > 0
      ? [{ text: 'API', items: [{ text: 'Overview', link: '/api/index' }, ...apiItems] }]
      : []),
  ];
  writeFileSync(join(generatedDir, 'reference-sidebar.json'), JSON.stringify(sidebar, null, 2));
  console.log(`docs: configuration reference and ${apiItems.length} API pages in ${Date.now() - started} ms`);
  return dirname(referenceDir);
}
