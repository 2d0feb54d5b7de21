import { inspect } from 'node:util';
import { isKitError, KitError } from '@kit/errors';
import { Secret } from '@kit/logger';
import { describe, expect, it } from 'vitest';
import type { AuthRequest } from './auth-strategy';
import { bearerAuth } from './bearer-auth';

const TOKEN = 'tok_9c8b7a6f5e4d3c2b';

const request = (url = 'https://api.example.com/v1/me'): AuthRequest => ({
  method: 'GET',
  url,
  path: '/v1/me',
  query: [],
  headers: {},
});

describe('bearerAuth', () => {
  it('sends a static token as Authorization: Bearer', async () => {
    const out = await bearerAuth({ token: new Secret(TOKEN) }).authenticate(request());
    expect(out.headers.Authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('calls an async provider on every attempt, passing the request signal', async () => {
    const seen: Array<AbortSignal | undefined> = [];
    let n = 0;
    const auth = bearerAuth({
      token: async (signal) => {
        seen.push(signal);
        n++;
        return `${TOKEN}-${n}`;
      },
    });
    const controller = new AbortController();
    const first = await auth.authenticate({ ...request(), signal: controller.signal });
    const second = await auth.authenticate(request());
    expect(first.headers.Authorization).toBe(`Bearer ${TOKEN}-1`);
    expect(second.headers.Authorization).toBe(`Bearer ${TOKEN}-2`);
    expect(seen[0]).toBe(controller.signal);
  });

  it('wraps a failing provider in auth.token_endpoint_failed and passes KitErrors through', async () => {
    const failing = bearerAuth({
      token: async () => {
        throw new Error('vault sealed');
      },
    });
    await expect(failing.authenticate(request())).rejects.toSatisfy(
      (e) => isKitError(e, 'auth.token_endpoint_failed') && (e as KitError).path === '/v1/me',
    );
    const kit = bearerAuth({
      token: async () => {
        throw new KitError('auth.expired_token');
      },
    });
    await expect(kit.authenticate(request())).rejects.toSatisfy((e) => isKitError(e, 'auth.expired_token'));
  });

  it('rejects an empty token from a provider with auth.missing_credentials', async () => {
    await expect(bearerAuth({ token: async () => '' }).authenticate(request())).rejects.toSatisfy((e) =>
      isKitError(e, 'auth.missing_credentials'),
    );
  });

  it('rejects at once with cancelled.aborted when the signal aborts while the provider is slow', async () => {
    const controller = new AbortController();
    const auth = bearerAuth({ token: () => new Promise<string>(() => {}) });
    const pending = auth.authenticate({ ...request(), signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toSatisfy((e) => isKitError(e, 'cancelled.aborted'));
  });

  it('refuses plain http to a non-loopback host before calling the provider', async () => {
    let called = false;
    const auth = bearerAuth({
      token: async () => {
        called = true;
        return TOKEN;
      },
    });
    await expect(auth.authenticate(request('http://api.example.com/v1/me'))).rejects.toSatisfy((e) =>
      isKitError(e, 'auth.insecure_transport'),
    );
    expect(called).toBe(false);
  });

  it('never shows the token in inspect or JSON output', () => {
    const auth = bearerAuth({ token: TOKEN });
    expect(inspect(auth, { depth: 10, showHidden: true })).not.toContain(TOKEN);
    expect(JSON.stringify(auth)).not.toContain(TOKEN);
  });
});
