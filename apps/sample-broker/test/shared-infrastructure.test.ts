// Infrastructure shared across adapters (and, with Redis-backed stores, across processes): one
// rate limiter keeps several adapters within the broker's budget for the key together, and one
// OAuth2 token cache makes them ask the token endpoint once.
import type { OAuth2TokenCache, ObtainedOAuth2Token, SharedOAuth2Token } from '@kit/auth';
import { isKitError } from '@kit/errors';
import { createRateLimiter } from '@kit/retry';
import type { SandboxBroker } from '@kit/sandbox-broker';
import { afterEach, describe, expect, it } from 'vitest';
import type { SampleBroker } from '../src/index';
import { adapterFor, sandbox } from './support';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
});

async function start(options: Parameters<typeof sandbox>[0] = {}): Promise<SandboxBroker> {
  const broker = await sandbox(options);
  open.push(broker);
  return broker;
}

function adapter(...args: Parameters<typeof adapterFor>): SampleBroker {
  const created = adapterFor(...args);
  // Adapters first: they close before the broker they talk to.
  open.unshift(created);
  return created;
}

/** An in-memory OAuth2TokenCache (what @kit/auth/redis does across processes), counting fetches. */
function memoryTokenCache(): OAuth2TokenCache & { fetches: number } {
  let shared: SharedOAuth2Token | undefined;
  let pending: Promise<SharedOAuth2Token> | undefined;
  const cache = {
    fetches: 0,
    async obtain(
      _key: string,
      request: Parameters<OAuth2TokenCache['obtain']>[1],
    ): Promise<ObtainedOAuth2Token> {
      if (shared !== undefined && request.usable(shared)) return { ...shared, source: 'cache' };
      if (pending === undefined) {
        cache.fetches++;
        pending = request.fetch().finally(() => {
          pending = undefined;
        });
      }
      shared = await pending;
      return { ...shared, source: 'fetched' };
    },
    async invalidate(_key: string, accessToken: SharedOAuth2Token['accessToken']): Promise<void> {
      if (shared?.accessToken.reveal() === accessToken.reveal()) shared = undefined;
    },
  };
  return cache;
}

describe('infrastructure shared by adapters', () => {
  it('one rate limiter keeps two adapters together within the broker’s limit: no 429', async () => {
    const broker = await start({ rateLimit: { limit: 20, windowMs: 1_000 } });
    // Under a third of the broker's limit: a token bucket can send its burst at the end of one of
    // the broker's fixed windows and its refill in the next (see rate-limit.test.ts), and on a loaded
    // machine requests released just before a window opens can arrive in it. Each adapter's own
    // config limiter is off (FAST): only the shared one paces them.
    const limiter = createRateLimiter({ limits: [{ tokens: 6, intervalMs: 1_000 }] });
    const first = adapter(broker, { rateLimiter: limiter });
    const second = adapter(broker, { rateLimiter: limiter });
    const calls = [first, second].flatMap((a) => Array.from({ length: 12 }, () => a.getQuote('AAPL')));
    await Promise.all(calls);
    expect(broker.ledger().counts.rateLimited).toBe(0);
    expect(first.stats().rateLimitWaits + second.stats().rateLimitWaits).toBeGreaterThan(0);
  }, 20_000);

  it('one OAuth2 token cache makes two adapters ask the token endpoint once', async () => {
    const broker = await start();
    const tokenCache = memoryTokenCache();
    const first = adapter(broker, { credentials: 'oauth', tokenCache, tokenCacheKey: 'sample-broker:test' });
    const second = adapter(broker, { credentials: 'oauth', tokenCache, tokenCacheKey: 'sample-broker:test' });
    await Promise.all([first.getAccount(), second.getAccount()]);
    await Promise.all([first.getPositions(), second.getPositions()]);
    expect(broker.ledger().counts.tokensIssued).toBe(1);
    expect(tokenCache.fetches).toBe(1);
  });

  it('rejects a rateLimiter that is not a limiter, and a bad tokenCacheKey, with client.invalid_argument', async () => {
    const broker = await start();
    const bad = (options: Parameters<typeof adapterFor>[1]) => {
      try {
        adapterFor(broker, options);
      } catch (error) {
        return isKitError(error) ? [error.code, error.message] : error;
      }
      return 'created';
    };
    expect(bad({ rateLimiter: {} as never })).toEqual([
      'client.invalid_argument',
      'createSampleBroker(): rateLimiter must be a @kit/retry rate limiter',
    ]);
    expect(bad({ credentials: 'oauth', tokenCacheKey: 'has spaces' })).toEqual([
      'client.invalid_argument',
      '`tokenCacheKey` must be 1-128 characters of A-Z a-z 0-9 _ . : -',
    ]);
    // Left undefined, both mean their documented defaults.
    const plain = adapter(broker, {
      rateLimiter: undefined,
      tokenCache: undefined,
      tokenCacheKey: undefined,
    });
    await expect(plain.getAccount()).resolves.toMatchObject({ id: expect.any(String) });
  });
});
