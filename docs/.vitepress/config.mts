// The kit documentation site. Generated inputs (sidebars, the configuration and API reference,
// the package pages) are written by tooling/scripts/docs-generate.mjs before every build or dev run.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type MarkdownIt from 'markdown-it';
import { type DefaultTheme, defineConfig } from 'vitepress';

const docsDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const generatedDir = join(docsDir, '.vitepress', 'generated');

function generated<T>(name: string, fallback: T): T {
  const file = join(generatedDir, name);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : fallback;
}

const troubleshootingSidebar = generated<DefaultTheme.SidebarItem[]>('troubleshooting-sidebar.json', []);
const referenceSidebar = generated<DefaultTheme.SidebarItem[]>('reference-sidebar.json', []);
const packagesSidebar = generated<DefaultTheme.SidebarItem[]>('packages-sidebar.json', []);

const guides: DefaultTheme.SidebarItem[] = [
  { text: 'Getting started', link: '/getting-started' },
  { text: 'Integration checklist', link: '/integration-checklist' },
  {
    text: 'Guides',
    items: [
      { text: 'Retries and idempotency', link: '/guides/retries-and-idempotency' },
      { text: 'Rate limits', link: '/guides/rate-limits' },
      { text: 'WebSocket lifecycle', link: '/guides/websocket-lifecycle' },
      { text: 'Authentication and signing', link: '/guides/auth-and-signing' },
      { text: 'Logging, redaction, support bundle', link: '/guides/logging-and-support' },
      { text: 'Observability', link: '/observability' },
      { text: 'Writing a broker adapter', link: '/guides/broker-adapter' },
      { text: 'Testing your integration', link: '/guides/testing' },
    ],
  },
  {
    text: 'Design',
    items: [
      { text: 'Architecture', link: '/architecture' },
      { text: 'Failure modes', link: '/failure-modes' },
      { text: 'Performance', link: '/performance/index' },
    ],
  },
];

/** Only pages that exist are listed: a guide that is not written yet is not in the navigation. */
function existing(items: DefaultTheme.SidebarItem[]): DefaultTheme.SidebarItem[] {
  return items
    .map((item) => (item.items ? { ...item, items: existing(item.items) } : item))
    .filter((item) => (item.items ? item.items.length > 0 : existsSync(join(docsDir, `${item.link}.md`))));
}

/**
 * Links that leave docs/ (to a package's source or tests) have no page on the site. With
 * KIT_DOCS_SOURCE_URL set (e.g. the repository's blob URL) they point there; otherwise they are
 * shown as the repository path, so the site never carries a link that 404s.
 */
function repoLinks(md: MarkdownIt): void {
  const sourceUrl = process.env.KIT_DOCS_SOURCE_URL?.replace(/\/+$/, '');
  md.core.ruler.push('kit_repo_links', (state) => {
    const relativePath = (state.env as { relativePath?: string }).relativePath;
    if (!relativePath) return;
    const pageDir = dirname(join(docsDir, relativePath));
    for (const block of state.tokens) {
      const children = block.children;
      if (!children) continue;
      for (let i = 0; i < children.length; i++) {
        const token = children[i];
        if (token?.type !== 'link_open') continue;
        const href = token.attrGet('href') ?? '';
        if (/^[a-z][a-z0-9+.-]*:|^#|^\/\//i.test(href) || href.startsWith('/')) continue;
        const [pathPart = '', hash = ''] = href.split('#');
        const target = resolve(pageDir, decodeURI(pathPart));
        const fromRoot = relative(docsDir, target);
        if (!fromRoot.startsWith('..')) continue;
        const repoPath = relative(resolve(docsDir, '..'), target);
        if (sourceUrl) {
          token.attrSet('href', `${sourceUrl}/${repoPath}${hash ? `#${hash}` : ''}`);
          token.attrSet('target', '_blank');
          continue;
        }
        let depth = 0;
        for (let j = i + 1; j < children.length; j++) {
          const next = children[j];
          if (!next) continue;
          if (next.type === 'link_open') depth++;
          if (next.type === 'link_close') {
            if (depth === 0) {
              next.type = 'html_inline';
              next.content = '</span>';
              break;
            }
            depth--;
          }
        }
        token.type = 'html_inline';
        token.content = `<span class="repo-path" title="In the kit repository: ${md.utils.escapeHtml(repoPath)}">`;
      }
    }
  });
}

/** ```mermaid fences become <KitMermaid>, rendered in the browser (see theme/mermaid.ts). */
function mermaidFences(md: MarkdownIt): void {
  const fence = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    if (token && token.info.trim() === 'mermaid') {
      const code = Buffer.from(token.content, 'utf8').toString('base64');
      return `<KitMermaid code="${code}" />\n`;
    }
    return fence ? fence(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
  };
}

/**
 * GitHub's heading ids (github-slugger's rule), so an anchor written for a README on GitHub works
 * on the site too: lower case, punctuation dropped, each space a hyphen.
 */
function githubSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The home page (docs/index.md has no frontmatter: see the comment there). */
const HOME = {
  layout: 'home',
  hero: {
    name: 'kit',
    text: 'Reliable API integrations in TypeScript',
    tagline:
      'Small packages for the REST APIs and WebSocket feeds of brokers, exchanges and SaaS providers, built to survive bad credentials, dropped connections, rate limits, partial failures and schema changes.',
    actions: [
      { theme: 'brand', text: 'Get started', link: '/getting-started' },
      { theme: 'alt', text: 'Troubleshoot an error code', link: '/troubleshooting/README' },
      { theme: 'alt', text: 'Integration checklist', link: '/integration-checklist' },
    ],
  },
  features: [
    {
      title: 'Every failure has a code',
      details:
        'A KitError with a stable code, whether kit retries it, whether the request may have run, a hint, and a page here that explains causes, fixes and how to confirm them.',
    },
    {
      title: 'Retries that never duplicate an order',
      details:
        'A deadline that wins over the attempt count, Retry-After honoured, idempotency keys on writes, and an honest "outcome unknown" when nobody can know.',
    },
    {
      title: 'Streams that recover by themselves',
      details:
        'Heartbeats, reconnects with jitter, re-login and resubscribe, sequence-gap resync from snapshots, bounded buffers.',
    },
    {
      title: 'Secrets never print',
      details:
        'Credentials travel as Secret values, masked in every log line, error message and inspect output.',
    },
  ],
};

export default defineConfig({
  transformPageData(pageData) {
    if (pageData.relativePath === 'index.md') pageData.frontmatter = { ...HOME, ...pageData.frontmatter };
  },
  title: 'kit',
  description: 'A TypeScript toolkit for building reliable API integrations',
  lang: 'en-GB',
  srcExclude: ['README.md', 'troubleshooting/entries/**', 'node_modules/**'],
  lastUpdated: false,
  sitemap: { hostname: 'http://127.0.0.1/' },
  // The local search index and the API pages make chunks above Vite's 500 kB warning; they are
  // loaded on demand, so the warning says nothing useful here.
  vite: { build: { chunkSizeWarningLimit: 4096 } },
  markdown: {
    anchor: { slugify: githubSlug },
    headers: { slugify: githubSlug },
    config(md) {
      repoLinks(md);
      mermaidFences(md);
    },
  },
  themeConfig: {
    search: { provider: 'local' },
    outline: [2, 3],
    nav: [
      ...existing([
        { text: 'Getting started', link: '/getting-started' },
        { text: 'Guides', link: '/guides/retries-and-idempotency' },
      ]).map((item) => ({ text: item.text ?? '', link: item.link ?? '/' })),
      { text: 'Troubleshooting', link: '/troubleshooting/README' },
      ...(referenceSidebar.length > 0 ? [{ text: 'Reference', link: '/reference/configuration' }] : []),
      ...(packagesSidebar.length > 0 ? [{ text: 'Packages', link: '/packages/errors' }] : []),
    ],
    sidebar: {
      '/troubleshooting/': troubleshootingSidebar,
      '/reference/': referenceSidebar,
      '/api/': referenceSidebar,
      '/packages/': packagesSidebar,
      '/apps/': packagesSidebar,
      '/': existing(guides),
    },
    footer: { message: 'kit: reliable API integrations in TypeScript' },
  },
});
