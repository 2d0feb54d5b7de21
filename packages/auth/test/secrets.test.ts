import { inspect } from 'node:util';
import { isKitError } from '@kit/errors';
import { createCapturingLogger } from '@kit/logger/testing';
import { describe, expect, it } from 'vitest';
import { apiKeyAuth } from '../src/api-key-auth';
import type { AuthRequest, AuthStrategy } from '../src/auth-strategy';
import { bearerAuth } from '../src/bearer-auth';
import { binanceAuth } from '../src/binance-auth';
import { coinbaseAuth } from '../src/coinbase-auth';
import { hmacAuth } from '../src/hmac-auth';
import { krakenAuth } from '../src/kraken-auth';
import { oauth2ClientCredentials } from '../src/oauth2-client-credentials';

const S = {
  apiKey: 'leak-check-api-key-11111',
  bearer: 'leak-check-bearer-22222',
  binanceKey: 'leak-check-bn-key-33333',
  binanceSecret: 'leak-check-bn-secret-44444',
  coinbaseKey: 'leak-check-cb-key-55555',
  coinbaseSecret: btoa('leak-check-cb-secret-66666'),
  passphrase: 'leak-check-passphrase-77777',
  krakenKey: 'leak-check-kr-key-88888',
  krakenSecret: btoa('leak-check-kr-secret-99999'),
  hmacKey: 'leak-check-hmac-key-aaaaa',
  hmacSecret: 'leak-check-hmac-secret-bbbbb',
  clientSecret: 'leak-check-client-secret-ccccc',
};

const strategies: AuthStrategy[] = [
  apiKeyAuth({ key: S.apiKey }),
  apiKeyAuth({ key: S.apiKey, in: 'query', name: 'apiKey' }),
  bearerAuth({ token: S.bearer }),
  binanceAuth({ apiKey: S.binanceKey, apiSecret: S.binanceSecret }),
  coinbaseAuth({ apiKey: S.coinbaseKey, apiSecret: S.coinbaseSecret, passphrase: S.passphrase }),
  krakenAuth({ apiKey: S.krakenKey, apiSecret: S.krakenSecret }),
  hmacAuth({ apiKey: S.hmacKey, apiSecret: S.hmacSecret, extraHeaders: { 'X-Passphrase': S.passphrase } }),
  oauth2ClientCredentials({
    tokenUrl: 'https://idp.example.com/token',
    clientId: 'cid',
    clientSecret: S.clientSecret,
  }),
];

const insecure: AuthRequest = {
  method: 'POST',
  url: 'http://api.example.com/v1/orders',
  path: '/v1/orders',
  query: [['symbol', 'BTC']],
  headers: {},
  body: 'qty=1',
};

function assertNoSecret(text: string): void {
  for (const value of Object.values(S)) expect(text).not.toContain(value);
}

describe('credentials never print', () => {
  it.each(strategies.map((s) => [s.name, s] as const))(
    '%s: inspect, JSON and String of the strategy',
    (_n, s) => {
      assertNoSecret(inspect(s, { depth: 20, showHidden: true, getters: true }));
      assertNoSecret(JSON.stringify(s));
      assertNoSecret(String(Object.entries(s)));
    },
  );

  it.each(strategies.map((s) => [s.name, s] as const))(
    '%s: the insecure-transport error, its JSON, inspect and a logged line',
    async (_n, s) => {
      const { logger, text } = createCapturingLogger();
      let caught: unknown;
      try {
        await s.authenticate(insecure);
      } catch (error) {
        caught = error;
      }
      expect(isKitError(caught, 'auth.insecure_transport')).toBe(true);
      logger.error('request failed', { error: caught });
      assertNoSecret(
        [String(caught), JSON.stringify(caught), inspect(caught, { depth: 20 }), text()].join('\n'),
      );
    },
  );

  it('construction errors name the option, not the value', () => {
    const errors: unknown[] = [];
    const attempt = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        errors.push(error);
      }
    };
    attempt(() => krakenAuth({ apiKey: S.krakenKey, apiSecret: `${S.hmacSecret}!` }));
    attempt(() =>
      coinbaseAuth({ apiKey: S.coinbaseKey, apiSecret: `${S.hmacSecret}!`, passphrase: S.passphrase }),
    );
    attempt(() => apiKeyAuth({ key: ` ${S.apiKey} ` }));
    expect(errors).toHaveLength(3);
    for (const error of errors) {
      expect(isKitError(error)).toBe(true);
      assertNoSecret([String(error), JSON.stringify(error), inspect(error)].join('\n'));
    }
  });

  it('a logger given a signed request masks every credential the strategies attached', async () => {
    const { logger, text } = createCapturingLogger();
    for (const s of strategies.slice(0, 7)) {
      const signed = await s.authenticate({ ...insecure, url: 'https://api.example.com/v1/orders' });
      logger.info(`sent ${signed.method} ${signed.path}?${signed.query.map((p) => p.join('=')).join('&')}`, {
        headers: signed.headers,
        body: signed.body,
      });
    }
    assertNoSecret(text());
  });
});
