import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { fieldKey, findAddedFields, issuesToDrift } from './schema-drift';

const Order = v.object({
  id: v.string(),
  price: v.number(),
  fills: v.array(v.object({ qty: v.number() })),
  meta: v.optional(v.object({ venue: v.string() })),
});

describe('schema drift detection', () => {
  it('finds added fields at any depth, through arrays and optional wrappers', () => {
    const added = findAddedFields(Order, {
      id: 'o1',
      price: 1,
      newTop: true,
      fills: [{ qty: 1, fee: 0.1 }],
      meta: { venue: 'X', region: 'eu' },
    });
    expect(added.map((d) => d.path)).toEqual(['newTop', 'fills.0.fee', 'meta.region']);
    expect(added.every((d) => d.kind === 'added')).toBe(true);
  });

  it('does not report unknown keys of loose objects', () => {
    expect(findAddedFields(v.looseObject({ a: v.number() }), { a: 1, b: 2 })).toEqual([]);
  });

  it('turns valibot issues into missing, retyped and invalid entries with paths', () => {
    const result = v.safeParse(
      v.object({ id: v.string(), price: v.number(), qty: v.pipe(v.number(), v.minValue(1)) }),
      { price: '12.5', qty: 0 },
    );
    expect(result.success).toBe(false);
    const drift = issuesToDrift(result.issues ?? []);
    expect(drift).toEqual([
      { kind: 'missing', path: 'id', expected: '"id"', received: 'undefined' },
      { kind: 'retyped', path: 'price', expected: 'number', received: 'string' },
      { kind: 'invalid', path: 'qty', expected: '>=1', received: 'number' },
    ]);
  });

  it('folds array indexes so a field is reported once', () => {
    expect(fieldKey('fills.0.qty')).toBe('fills.[].qty');
    expect(fieldKey('12.a.3')).toBe('[].a.[]');
    expect(fieldKey('a1.b2')).toBe('a1.b2');
  });
});
