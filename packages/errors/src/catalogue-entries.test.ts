import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ERROR_CODES } from './catalogue';
import { catalogueEntries } from './catalogue-entries';

describe('catalogueEntries', () => {
  it('lists every code once, in catalogue order, with its docs slug', () => {
    const rows = catalogueEntries();
    expect(rows.map((row) => row.code)).toEqual([...ERROR_CODES]);
    const row = rows.find((candidate) => candidate.code === 'auth.invalid_credentials');
    expect(row).toEqual({
      code: 'auth.invalid_credentials',
      docsSlug: 'auth-invalid-credentials',
      ...ERROR_CATALOGUE['auth.invalid_credentials'],
    });
  });

  it('has a usable hint and title for every code', () => {
    for (const row of catalogueEntries()) {
      expect(row.code).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(row.title.length).toBeGreaterThan(3);
      expect(row.hint.length).toBeGreaterThan(15);
      expect(row.docsSlug).toMatch(/^[a-z-]+$/);
    }
  });
});
