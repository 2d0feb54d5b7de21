// The docs site's browser test: builds the site (unless --no-build), serves the built output on
// 127.0.0.1, opens every page of the sitemap in headless Chromium (Debian's /usr/bin/chromium via
// playwright-core; never a downloaded browser) and fails on a page that does not render, a console
// error or uncaught exception, a failed same-origin request, a Mermaid diagram that did not render,
// an internal link whose page or #anchor does not exist, or a local search that finds nothing.
// Saves screenshots of the home page and one troubleshooting page under a temporary folder (or
// $DOCS_SCREENSHOT_DIR) and prints their paths.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const docs = join(root, 'docs');
const dist = join(docs, '.vitepress', 'dist');
const started = Date.now();
const args = process.argv.slice(2);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT_PAGES = ['/', '/troubleshooting/auth-clock-skew.html'];

if (!existsSync(chromiumPath)) {
  console.error(
    `docs-test: no Chromium at ${chromiumPath}; install it with \`bash .ci/chromium.sh\` (Debian's chromium package)`,
  );
  process.exit(1);
}

if (!args.includes('--no-build')) {
  execFileSync('node', [join(root, 'tooling', 'scripts', 'docs-generate.mjs')], { stdio: 'inherit' });
  execFileSync(join(docs, 'node_modules', '.bin', 'vitepress'), ['build', '.'], {
    cwd: docs,
    stdio: 'inherit',
  });
}
const builtMs = Date.now() - started;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** Maps a URL path to a file in dist, the way a static host serving VitePress output would. */
function fileFor(pathname) {
  const clean = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '');
  const candidates = [clean, `${clean}.html`, join(clean, 'index.html')];
  for (const candidate of candidates) {
    const file = join(dist, candidate);
    if (file.startsWith(dist) && existsSync(file) && statSync(file).isFile()) return file;
  }
  return undefined;
}

const server = createServer((req, res) => {
  const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
  const file = fileFor(pathname === '/' ? '/index.html' : pathname);
  if (!file) {
    res.writeHead(404, { 'content-type': TYPES['.html'] });
    res.end(readFileSync(join(dist, '404.html')));
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const require = createRequire(join(docs, 'package.json'));
const { chromium } = require('playwright-core');
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
  ],
});

const failures = [];
const fail = (page, message) => failures.push(`${page}: ${message}`);
const anchorsByPage = new Map();
const links = [];
let passed = 0;
let diagramCount = 0;

try {
  const sitemap = readFileSync(join(dist, 'sitemap.xml'), 'utf8');
  const pages = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
  if (pages.length === 0) throw new Error('the sitemap lists no pages');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Nothing may leave the machine, whatever a page asks for.
  await context.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => route.abort('blockedbyclient'));
  const shots = new Map();
  const visit = async (page, path) => {
    const problems = [];
    const note = (message) => problems.push(message);
    const onConsole = (message) => {
      if (message.type() === 'error') note(`console error: ${message.text()}`);
    };
    const onPageError = (error) => note(`uncaught exception: ${error.message}`);
    const onRequestFailed = (request) => {
      // Leaving a page cancels its prefetches (ERR_ABORTED); anything else is a real failure.
      const reason = request.failure()?.errorText ?? '';
      if (reason !== 'net::ERR_ABORTED') note(`request failed: ${request.url()} (${reason})`);
    };
    const onResponse = (response) => {
      if (response.status() >= 400 && response.url().startsWith(origin))
        note(`HTTP ${response.status()} for ${response.url()}`);
    };
    page.on('console', onConsole);
    page.on('pageerror', onPageError);
    page.on('requestfailed', onRequestFailed);
    page.on('response', onResponse);
    try {
      const loadStarted = Date.now();
      const response = await page.goto(`${origin}${path}`, { waitUntil: 'load' });
      const loadMs = Date.now() - loadStarted;
      if (response?.status() !== 200) note(`HTTP ${response?.status()}`);
      // One round trip: wait (bounded) until every Mermaid diagram has settled, then read the page.
      // Rendered means the theme mounted (.VPContent inside #app) and the page has an h1.
      const found = await page.evaluate(async () => {
        const settleBy = Date.now() + 15_000;
        const pending = () =>
          [...document.querySelectorAll('.kit-mermaid')].some((d) => d.dataset.state === 'pending');
        while (pending() && Date.now() < settleBy) await new Promise((resolve) => setTimeout(resolve, 25));
        return {
          rendered: document.querySelector('#app .VPContent') !== null,
          heading: document.querySelector('h1')?.textContent?.trim() ?? '',
          diagrams: [...document.querySelectorAll('.kit-mermaid')].map((d) => ({
            state: d.dataset.state,
            svg: d.querySelector('svg') !== null,
            text: d.textContent?.slice(0, 120),
          })),
          ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
          names: [...document.querySelectorAll('a[name]')].map((e) => e.getAttribute('name')),
          hrefs: [...document.querySelectorAll('.VPContent a[href], .VPSidebar a[href], .VPNav a[href]')].map(
            (a) => a.getAttribute('href'),
          ),
        };
      });
      if (!found.rendered) note('the page did not render (no .VPContent)');
      if (process.env.DOCS_TEST_TIMING)
        console.log(`${path}: load ${loadMs} ms, checks ${Date.now() - loadStarted - loadMs} ms`);
      if (!found.heading) note('the page has no h1');
      found.diagrams.forEach((d, i) => {
        if (d.state !== 'ok' || !d.svg)
          note(`Mermaid diagram ${i + 1} did not render (${d.state}): ${d.text}`);
      });
      diagramCount += found.diagrams.length;
      anchorsByPage.set(path, new Set([...found.ids, ...found.names]));
      for (const href of found.hrefs) links.push({ from: path, href });
      if (SCREENSHOT_PAGES.includes(path)) shots.set(path, await page.screenshot({ fullPage: false }));
    } finally {
      page.off('console', onConsole);
      page.off('pageerror', onPageError);
      page.off('requestfailed', onRequestFailed);
      page.off('response', onResponse);
    }
    for (const problem of problems) fail(path, problem);
    if (problems.length === 0) passed += 1;
  };

  // A few tabs at once: a full page load is mostly waiting on the renderer, not on our two cores.
  const queue = [...pages];
  const concurrency = Math.max(1, Number(process.env.DOCS_TEST_CONCURRENCY ?? 3));
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      const page = await context.newPage();
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) await visit(page, path);
      await page.close();
    }),
  );

  // Local search works: the index loads and a query finds the page it should.
  {
    const page = await context.newPage();
    const searchErrors = [];
    page.on('pageerror', (error) => searchErrors.push(error.message));
    await page.goto(`${origin}/`, { waitUntil: 'load' });
    await page.locator('.VPNavBarSearch button').first().click();
    const input = page.locator('#localsearch-input');
    const opened = await input
      .waitFor({ timeout: 10_000 })
      .then(() => true)
      .catch(() => false);
    if (!opened) fail('/', 'local search did not open (the search button)');
    else {
      await input.fill('clock skew');
      const hit = await page
        .locator('.VPLocalSearchBox a[href*="auth-clock-skew"]')
        .first()
        .waitFor({ timeout: 10_000 })
        .then(() => true)
        .catch(() => false);
      if (!hit) fail('/', 'local search for "clock skew" did not find troubleshooting/auth-clock-skew');
    }
    for (const message of searchErrors) fail('/', `uncaught exception during search: ${message}`);
    await page.close();
  }

  // Every internal link must name a page (or a file) that exists, and its #anchor an id on that page.
  const pageSet = new Set(pages);
  const checked = new Set();
  for (const { from, href } of links) {
    const key = `${from} ${href}`;
    if (checked.has(key) || !href || /^(mailto|tel|javascript):/i.test(href)) continue;
    checked.add(key);
    const url = new URL(href, `${origin}${from}`);
    if (url.origin !== origin) continue;
    let target = url.pathname;
    if (!pageSet.has(target) && pageSet.has(`${target}.html`)) target = `${target}.html`;
    if (target.endsWith('/') && pageSet.has(`${target}index.html`)) target = `${target}index.html`;
    if (target === '/index.html') target = '/';
    if (!pageSet.has(target)) {
      if (!fileFor(url.pathname)) fail(from, `broken link ${href} (no such page)`);
      continue;
    }
    const hash = decodeURIComponent(url.hash.slice(1));
    if (hash && !anchorsByPage.get(target)?.has(hash))
      fail(from, `broken anchor ${href} (no #${hash} on ${target})`);
  }

  const shotDir = process.env.DOCS_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'kit-docs-screenshots-'));
  mkdirSync(shotDir, { recursive: true });
  for (const path of SCREENSHOT_PAGES) {
    const buffer = shots.get(path);
    if (!buffer) {
      fail(path, 'no screenshot (the page is not in the sitemap or did not load)');
      continue;
    }
    const name =
      path === '/'
        ? 'home.png'
        : `${path
            .replace(/^\//, '')
            .replace(/\.html$/, '')
            .replace(/\//g, '-')}.png`;
    const file = join(shotDir, name);
    writeFileSync(file, buffer);
    console.log(`docs-test: screenshot ${file}`);
  }
  console.log(
    `docs-test: ${pages.length} pages, ${diagramCount} diagrams, ${checked.size} links checked in ${((Date.now() - started) / 1000).toFixed(1)} s (build ${(builtMs / 1000).toFixed(1)} s)`,
  );
} catch (error) {
  failures.push(`docs-test: ${error instanceof Error ? error.stack : String(error)}`);
} finally {
  await browser.close();
  server.close();
}

for (const failure of failures) console.error(`  FAIL ${failure}`);
console.log(`docs: ${passed} passed, ${failures.length} failed`);
// The workspace test runner adds every package's counts from this file (each page visited is one test).
try {
  const summaryDir = new URL('../../docs/node_modules/', import.meta.url);
  mkdirSync(summaryDir, { recursive: true });
  writeFileSync(
    new URL('.vitest-summary.json', summaryDir),
    JSON.stringify({ passed, failed: failures.length, skipped: 0 }),
  );
} catch {
  // the printed line is the record
}
process.exit(failures.length > 0 ? 1 : 0);
