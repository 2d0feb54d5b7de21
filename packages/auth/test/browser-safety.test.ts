import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The main entry must run in browsers (DESIGN §2): no node:* modules, no Buffer, no bare process.
// The `@kit/auth/redis` entry (ioredis) is node-only: its files are listed here, and the main entry
// must never import them.
const srcDir = join(import.meta.dirname, '..', 'src');
const NODE_ONLY = ['redis.ts', 'redis-token-cache.ts', 'redis-token-scripts.ts'];
const sources = readdirSync(srcDir).filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !NODE_ONLY.includes(f),
);

/** The code with block and line comments removed (TSDoc examples may mention process.env). */
function code(file: string): string {
  return readFileSync(join(srcDir, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}

describe('browser safety of the main entry', () => {
  it('has source files to check', () => {
    expect(sources.length).toBeGreaterThan(10);
  });

  it.each(sources)('%s imports no node:* module and uses no Buffer or process', (file) => {
    const text = code(file);
    expect(text).not.toMatch(/from\s+['"]node:/);
    expect(text).not.toMatch(/require\(/);
    expect(text).not.toMatch(/\bBuffer\b/);
    expect(text).not.toMatch(/\bprocess\./);
  });

  it('never imports the node-only Redis entry', () => {
    for (const file of sources) {
      for (const match of code(file).matchAll(/from\s+['"]\.\/([^'"]+)['"]/g)) {
        expect(NODE_ONLY, `${file} imports ./${match[1]}`).not.toContain(`${match[1]}.ts`);
      }
    }
  });

  it('imports only @kit/errors, @kit/logger and @kit/retry (browser-safe entries) from outside the package', () => {
    const external = new Set<string>();
    for (const file of sources) {
      for (const match of code(file).matchAll(/from\s+['"]([^'".][^'"]*)['"]/g)) external.add(match[1]!);
    }
    expect([...external].sort()).toEqual([
      '@kit/errors',
      '@kit/errors/internal',
      '@kit/logger',
      '@kit/retry',
      '@kit/retry/internal',
    ]);
  });
});
