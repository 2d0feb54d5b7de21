import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueEntries } from '../src/index';

const root = join(import.meta.dirname, '..', '..', '..');

describe('troubleshooting docs', () => {
  it('has one generated page per catalogue code, matching the catalogue exactly', () => {
    for (const { docsSlug, hint } of catalogueEntries()) {
      const page = join(root, 'docs', 'troubleshooting', `${docsSlug}.md`);
      expect(existsSync(page), `${docsSlug}.md exists`).toBe(true);
      expect(readFileSync(page, 'utf8')).toContain(hint);
    }
    // The generator's --check mode compares every byte and also flags pages for removed codes.
    execFileSync(
      process.execPath,
      [join(root, 'tooling', 'scripts', 'generate-troubleshooting.mjs'), '--check'],
      {
        cwd: root,
        stdio: 'pipe',
      },
    );
  });
});
