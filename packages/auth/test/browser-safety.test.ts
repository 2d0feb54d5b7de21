import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The main entry must run in browsers (DESIGN §2): no node:* modules, no Buffer, no bare process.
const srcDir = join(import.meta.dirname, '..', 'src');
const sources = readdirSync(srcDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

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

  it('imports only @kit/errors and @kit/logger from outside the package', () => {
    const external = new Set<string>();
    for (const file of sources) {
      for (const match of code(file).matchAll(/from\s+['"]([^'".][^'"]*)['"]/g)) external.add(match[1]!);
    }
    expect([...external].sort()).toEqual(['@kit/errors', '@kit/logger']);
  });
});
