import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { isValiError, schemaIssuePath, schemaIssueSegments, summariseSchemaIssues } from './schema-issues';

describe('summariseSchemaIssues', () => {
  it('gives dotted paths, expectations and received types from real valibot issues, never values', () => {
    const schema = v.object({
      orders: v.array(v.object({ qty: v.pipe(v.string(), v.minLength(5)), price: v.number() })),
    });
    const result = v.safeParse(schema, { orders: [{ qty: 'abc', price: null }] });
    expect(result.success).toBe(false);
    const issues = summariseSchemaIssues(result.issues ?? []);
    expect(issues).toEqual([
      { path: 'orders.0.qty', expected: '>=5', receivedType: 'string', check: 'min_length' },
      { path: 'orders.0.price', expected: 'number', receivedType: 'null', check: 'number' },
    ]);
    expect(JSON.stringify(issues)).not.toContain('abc');
  });

  it('uses $ for the root and handles Standard Schema style paths and odd keys', () => {
    expect(summariseSchemaIssues([{ message: 'x' }])).toEqual([{ path: '$', receivedType: 'unknown' }]);
    expect(summariseSchemaIssues([{ path: ['a', 1, { key: 'b' }, { key: Symbol('s') }] }])[0]?.path).toBe(
      'a.1.b.?',
    );
  });

  it('caps the number of issues', () => {
    expect(summariseSchemaIssues(Array.from({ length: 80 }, () => ({})))).toHaveLength(50);
  });

  it('recognises ValiError by shape', () => {
    let caught: unknown;
    try {
      v.parse(v.string(), 1);
    } catch (error) {
      caught = error;
    }
    expect(isValiError(caught)).toBe(true);
    expect(isValiError(new Error('x'))).toBe(false);
  });
});

describe('schemaIssueSegments and schemaIssuePath', () => {
  it('print string and number keys, hide any other key, and name the root $', () => {
    const issue = { path: [{ key: 'orders' }, { key: 0 }, { key: new Map() }, { key: 'p'.repeat(80) }] };
    const segments = schemaIssueSegments(issue);
    expect(segments.slice(0, 3)).toEqual(['orders', '0', '?']);
    expect(segments[3]).toHaveLength(64);
    expect(schemaIssuePath({ path: ['a', 1] })).toBe('a.1');
    expect(schemaIssuePath({})).toBe('$');
    expect(schemaIssueSegments({ path: [] })).toEqual([]);
  });
});
