import { describe, expect, it } from 'vitest';
import { serializeBody } from './request-body';

describe('serializeBody', () => {
  it('serialises JSON, forms and raw strings with the right content type', () => {
    expect(serializeBody({ a: 1, b: [true] })).toEqual({
      text: '{"a":1,"b":[true]}',
      contentType: 'application/json',
    });
    expect(
      serializeBody(
        new URLSearchParams([
          ['pair', 'XBTUSD'],
          ['nonce', '1'],
        ]),
      ),
    ).toEqual({
      text: 'pair=XBTUSD&nonce=1',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(serializeBody('raw')).toEqual({ text: 'raw', contentType: undefined });
    expect(serializeBody(undefined)).toBeUndefined();
    expect(serializeBody(null)).toEqual({ text: 'null', contentType: 'application/json' });
  });

  it('rejects a body JSON cannot serialise with client.invalid_argument', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => serializeBody(circular)).toThrow(
      expect.objectContaining({ code: 'client.invalid_argument' }),
    );
    expect(() => serializeBody({ n: 1n })).toThrow(
      expect.objectContaining({ code: 'client.invalid_argument' }),
    );
  });
});
