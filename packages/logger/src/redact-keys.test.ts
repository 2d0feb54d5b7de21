import { describe, expect, it } from 'vitest';
import { createKeyMatcher, DEFAULT_REDACTED_KEYS, normalizeKey } from './redact-keys';

describe('createKeyMatcher', () => {
  const sensitivity = createKeyMatcher();

  it('treats every key of the design list as always sensitive, in any case and spelling', () => {
    for (const key of DEFAULT_REDACTED_KEYS) {
      expect(sensitivity(key)).toBe('always');
      expect(sensitivity(key.toUpperCase())).toBe('always');
    }
    expect(sensitivity('X_API_KEY')).toBe('always');
    expect(sensitivity('accessToken')).toBe('always');
    expect(sensitivity('Set-Cookie')).toBe('always');
  });

  it('treats keys containing secret, password, token or apikey as sensitive for non-scalar values', () => {
    for (const key of [
      'apiSecret',
      'dbPassword',
      'sessionToken',
      'x-mbx-apikey-extra',
      'ClientCredentials',
      'myPrivateKey',
    ]) {
      expect(sensitivity(key)).toBe('non-scalar');
    }
  });

  it('leaves ordinary keys alone, including look-alikes of short names', () => {
    for (const key of ['symbol', 'design', 'signal', 'key', 'author', 'orderId', 'path']) {
      expect(sensitivity(key)).toBe('none');
    }
  });

  it('adds extra keys from the options as exact matches', () => {
    const withExtra = createKeyMatcher(['accountNumber']);
    expect(withExtra('ACCOUNT_NUMBER')).toBe('always');
    expect(sensitivity('accountNumber')).toBe('none');
  });

  it('normalises case and separators', () => {
    expect(normalizeKey('X-Api_Key.v2 ')).toBe('xapikeyv2');
  });
});
