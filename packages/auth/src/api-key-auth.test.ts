import { inspect } from 'node:util';
import { isKitError } from '@kit/errors';
import { describe, expect, it } from 'vitest';
import { apiKeyAuth, DEFAULT_API_KEY_AUTH_OPTIONS } from './api-key-auth';
import type { AuthRequest } from './auth-strategy';

const KEY = 'ak_live_4f9a8b7c6d5e';

function request(url = 'https://api.example.com/v1/account'): AuthRequest {
  return {
    method: 'GET',
    url,
    path: new URL(url).pathname,
    query: [['limit', '10']],
    headers: { Accept: 'json' },
  };
}

describe('apiKeyAuth', () => {
  it('puts the key in the X-API-Key header by default', async () => {
    const out = await apiKeyAuth({ key: KEY }).authenticate(request());
    expect(out.headers).toEqual({ Accept: 'json', [DEFAULT_API_KEY_AUTH_OPTIONS.name]: KEY });
    expect(out.query).toEqual([['limit', '10']]);
  });

  it('replaces a header of the same name in another case instead of sending two', async () => {
    const input = request();
    input.headers['x-api-key'] = 'stale';
    const out = await apiKeyAuth({ key: KEY }).authenticate(input);
    expect(out.headers).toEqual({ Accept: 'json', 'X-API-Key': KEY });
  });

  it('appends the key as a query parameter when asked, without mutating the input', async () => {
    const input = request();
    const out = await apiKeyAuth({ key: KEY, in: 'query', name: 'api_key' }).authenticate(input);
    expect(out.query).toEqual([
      ['limit', '10'],
      ['api_key', KEY],
    ]);
    expect(input.query).toEqual([['limit', '10']]);
  });

  it('refuses plain http to a non-loopback host and allows loopback', async () => {
    const auth = apiKeyAuth({ key: KEY });
    await expect(auth.authenticate(request('http://api.example.com/v1/account'))).rejects.toSatisfy((e) =>
      isKitError(e, 'auth.insecure_transport'),
    );
    await expect(auth.authenticate(request('http://127.0.0.1:9999/v1/account'))).resolves.toBeTruthy();
  });

  it('fails fast on an empty key or an invalid header name', () => {
    expect(() => apiKeyAuth({ key: '' })).toThrow(
      expect.objectContaining({ code: 'auth.missing_credentials' }),
    );
    expect(() => apiKeyAuth({ key: KEY, name: 'Bad Header' })).toThrow(
      expect.objectContaining({ code: 'client.invalid_argument' }),
    );
  });

  it('never shows the key in inspect or JSON output of the strategy', () => {
    const auth = apiKeyAuth({ key: KEY });
    expect(inspect(auth, { depth: 10, showHidden: true })).not.toContain(KEY);
    expect(JSON.stringify(auth)).not.toContain(KEY);
  });
});
