import { describe, expect, it } from 'vitest';
import { applySchemaDrift } from './schema-drift';

describe('applySchemaDrift', () => {
  it('renames, adds, removes and retypes nested fields without touching the input', () => {
    const input = { order: { id: 'o1', price: 10, qty: 2, note: 'x' } };
    const out = applySchemaDrift(input, {
      rename: { 'order.price': 'order_px' },
      add: { 'order.venue': 'XNAS' },
      remove: ['order.note'],
      retype: { 'order.qty': '2' },
    });
    expect(out).toEqual({ order: { id: 'o1', order_px: 10, qty: '2', venue: 'XNAS' } });
    expect(input.order.price).toBe(10);
  });

  it('applies to every element of arrays met on the path', () => {
    const out = applySchemaDrift(
      { items: [{ price: 1 }, { price: 2 }] },
      { rename: { 'items.price': 'px' } },
    );
    expect(out).toEqual({ items: [{ px: 1 }, { px: 2 }] });
    expect(applySchemaDrift([{ a: 1 }], { remove: ['a'] })).toEqual([{}]);
  });

  it('leaves non-object bodies alone', () => {
    expect(applySchemaDrift('text', { remove: ['a'] })).toBe('text');
    expect(applySchemaDrift(undefined, { add: { a: 1 } })).toBeUndefined();
  });
});
