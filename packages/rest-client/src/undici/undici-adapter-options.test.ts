import { isKitError } from '@kit/errors';
import { describe, expect, it } from 'vitest';
import { DEFAULT_UNDICI_ADAPTER_OPTIONS, resolveUndiciAdapterOptions } from './undici-adapter-options';

describe('resolveUndiciAdapterOptions', () => {
  it('applies the documented defaults', () => {
    expect(resolveUndiciAdapterOptions()).toMatchObject({
      ...DEFAULT_UNDICI_ADAPTER_OPTIONS,
      connections: undefined,
    });
    expect(DEFAULT_UNDICI_ADAPTER_OPTIONS).toMatchObject({
      connectTimeoutMs: 10_000,
      maxRedirections: 5,
      pipelining: 1,
    });
  });

  it('keeps explicit values', () => {
    expect(
      resolveUndiciAdapterOptions({ connectTimeoutMs: 0, maxRedirections: 0, connections: 4 }),
    ).toMatchObject({
      connectTimeoutMs: 0,
      maxRedirections: 0,
      connections: 4,
    });
  });

  it.each([
    [{ connectTimeoutMs: -1 }, 'connectTimeoutMs'],
    [{ pipelining: 0 }, 'pipelining'],
    [{ connections: 0 }, 'connections'],
    [{ maxRedirections: 1.5 }, 'maxRedirections'],
  ])('rejects %o with client.invalid_argument naming the option', (options, name) => {
    let caught: unknown;
    try {
      resolveUndiciAdapterOptions(options);
    } catch (error) {
      caught = error;
    }
    expect(isKitError(caught, 'client.invalid_argument')).toBe(true);
    expect((caught as Error).message).toContain(name);
  });
});
