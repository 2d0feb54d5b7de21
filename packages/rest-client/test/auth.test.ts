import { createHmac } from 'node:crypto';
import { apiKeyAuth, binanceAuth, oauth2ClientCredentials } from '@kit/auth';
import { isKitError } from '@kit/errors';
import { systemClock } from '@kit/retry';
import { createFaultServer, type FaultServer } from '@kit/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRestClient } from '../src/index';
import { createLogCapture, FAST_RETRY, failure, TEST_SECRETS } from './support';

const capture = createLogCapture();
let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => expect(capture.leaks()).toEqual([]));

/** The server side of Binance-style signing: HMAC-SHA256 hex of the query (without `signature`) plus the body. */
function verifyBinance(rawQuery: string, body: string): boolean {
  const index = rawQuery.lastIndexOf('&signature=');
  if (index < 0) return false;
  const signed = rawQuery.slice(0, index);
  const signature = rawQuery.slice(index + '&signature='.length);
  return (
    createHmac('sha256', TEST_SECRETS.apiSecret)
      .update(signed + body)
      .digest('hex') === signature
  );
}

describe('authentication', () => {
  it('signs every attempt afresh with the exact query the server receives (HMAC verified by the route)', async () => {
    const verdicts: boolean[] = [];
    server = await createFaultServer({
      routes: [
        {
          method: 'POST',
          path: '/api/v3/order',
          handler: (req) => {
            const valid =
              req.headers['x-mbx-apikey'] === TEST_SECRETS.apiKey && verifyBinance(req.rawQuery, req.body);
            verdicts.push(valid);
            return valid
              ? { json: { orderId: 1 } }
              : { status: 401, json: { code: -1022, msg: 'Signature for this request is not valid.' } };
          },
          // Attempt 1 is verified by the handler, then answered 503; attempt 2 is verified again.
          faults: [{ firstN: 1, fault: { type: 'status', status: 503, afterHandler: true } }],
        },
      ],
    });
    let now = 1_700_000_000_000;
    const client = createRestClient({
      baseUrl: server.url,
      logger: capture.logger,
      retry: FAST_RETRY,
      auth: binanceAuth({
        apiKey: TEST_SECRETS.apiKey,
        apiSecret: TEST_SECRETS.apiSecret,
        clock: { now: () => now++, sleep: systemClock.sleep },
      }),
    });
    const response = await client.request({
      method: 'POST',
      path: '/api/v3/order',
      query: { symbol: 'BTC USDT', side: 'BUY', quantity: 1.5, tags: ['a&b', 'c'] },
    });
    expect(response.data).toEqual({ orderId: 1 });
    expect(verdicts).toEqual([true, true]);
    const [first, second] = server.requests;
    expect(first?.rawQuery).toMatch(
      /^symbol=BTC%20USDT&side=BUY&quantity=1\.5&tags=a%26b&tags=c&recvWindow=5000&timestamp=\d+&signature=[0-9a-f]{64}$/,
    );
    expect(verifyBinance(first?.rawQuery ?? '', first?.body ?? '')).toBe(true);
    expect(first?.query.timestamp).not.toBe(second?.query.timestamp);
    expect(first?.query.signature).not.toBe(second?.query.signature);
  });

  it('on a 401 lets OAuth2 fetch a new token and retries once', async () => {
    let issued = 0;
    const tokens = [TEST_SECRETS.accessToken, TEST_SECRETS.refreshedToken];
    server = await createFaultServer({
      routes: [
        {
          method: 'POST',
          path: '/oauth/token',
          handler: () => ({
            json: { access_token: tokens[Math.min(issued++, 1)], token_type: 'Bearer', expires_in: 3600 },
          }),
        },
        {
          method: 'GET',
          path: '/v1/account',
          // The first token was revoked on the server side: only the second one works.
          handler: (req) =>
            req.headers.authorization === `Bearer ${TEST_SECRETS.refreshedToken}`
              ? { json: { id: 'acc-1' } }
              : {
                  status: 401,
                  headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
                  json: { error: 'invalid_token' },
                },
        },
      ],
    });
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      retry: FAST_RETRY,
      auth: oauth2ClientCredentials({
        tokenUrl: `${server.url}/oauth/token`,
        clientId: 'kit-test',
        clientSecret: TEST_SECRETS.clientSecret,
        logger: capture.logger,
      }),
    });
    const response = await client.get('/account');
    expect(response.data).toEqual({ id: 'acc-1' });
    expect(response.attempts).toBe(2);
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /oauth/token 200',
      'GET /v1/account 401',
      'POST /oauth/token 200',
      'GET /v1/account 200',
    ]);
  });

  it('does not loop when the credentials stay rejected: one replay, then the auth error', async () => {
    server = await createFaultServer({
      routes: [
        {
          method: 'POST',
          path: '/oauth/token',
          handler: { json: { access_token: TEST_SECRETS.accessToken, expires_in: 3600 } },
        },
        { method: 'GET', path: '/v1/account', handler: { status: 401, json: { error: 'invalid_token' } } },
      ],
    });
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      logger: capture.logger,
      retry: FAST_RETRY,
      auth: oauth2ClientCredentials({
        tokenUrl: `${server.url}/oauth/token`,
        clientId: 'kit-test',
        clientSecret: TEST_SECRETS.clientSecret,
      }),
    });
    const error = await failure(client.get('/account'));
    expect(error.category).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.attempts).toBe(2);
    expect(server.requests.filter((r) => r.path === '/v1/account')).toHaveLength(2);
    expect(JSON.stringify(error)).not.toContain(TEST_SECRETS.accessToken);
  });

  it('refuses credentials over plain http to a non-loopback host', () => {
    let caught: unknown;
    try {
      createRestClient({
        baseUrl: 'http://api.example.com/v1',
        auth: apiKeyAuth({ key: TEST_SECRETS.apiKey, in: 'header', name: 'X-Api-Key' }),
      });
    } catch (error) {
      caught = error;
    }
    expect(isKitError(caught, 'auth.insecure_transport')).toBe(true);
    expect(() => createRestClient({ baseUrl: 'http://api.example.com/v1' })).not.toThrow();
  });
});
