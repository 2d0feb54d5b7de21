import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, type SandboxBroker, startSandboxBroker } from '../src/index';
import { call, sign } from './support';

const { trader, reader, oauthClient } = DEMO_CREDENTIALS;
const ORDER = { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' };

let broker: SandboxBroker;
beforeAll(async () => {
  broker = await startSandboxBroker({ seed: 7, recvWindowMs: 5_000 });
});
afterAll(() => broker.close());

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const form = 'application/x-www-form-urlencoded';

async function token(scope?: string): Promise<string> {
  const res = await call(broker.url, {
    method: 'POST',
    path: '/oauth/token',
    key: null,
    headers: { authorization: basic(oauthClient.clientId, oauthClient.clientSecret), 'content-type': form },
    body: `grant_type=client_credentials${scope ? `&scope=${scope}` : ''}`,
  });
  expect(res.status).toBe(200);
  return res.json.access_token;
}

describe('HMAC request signing', () => {
  it('accepts a request signed with the demo secret, query string included', async () => {
    const res = await call(broker.url, { path: '/v1/orders?status=all&limit=2' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: [], nextCursor: null });
    expect(res.headers['x-request-id']).toMatch(/^req_/);
  });

  it('answers GET /v1/time without credentials', async () => {
    const res = await call(broker.url, { path: '/v1/time', key: null });
    expect(res.status).toBe(200);
    expect(Math.abs(res.json.serverTime - Date.now())).toBeLessThan(2_000);
    expect(res.headers.date).toBeDefined();
  });

  it('rejects a wrong secret with INVALID_SIGNATURE and names what was signed, never the secret', async () => {
    const res = await call(broker.url, {
      path: '/v1/account',
      key: { keyId: trader.keyId, secret: 'not-the-secret' },
    });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('INVALID_SIGNATURE');
    expect(res.json.error.message).toContain("'GET' + '/v1/account'");
    expect(res.text).not.toContain(trader.secret);
    expect(res.json.error.requestId).toBe(res.headers['x-request-id']);
  });

  it('rejects an unknown key with UNKNOWN_API_KEY', async () => {
    const res = await call(broker.url, {
      path: '/v1/account',
      key: { keyId: 'sbx_key_nobody', secret: trader.secret },
    });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('UNKNOWN_API_KEY');
  });

  it('rejects a stale timestamp with TIMESTAMP_OUTSIDE_WINDOW and the server time', async () => {
    const res = await call(broker.url, { path: '/v1/account', timestamp: Date.now() - 6_000 });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('TIMESTAMP_OUTSIDE_WINDOW');
    expect(Math.abs(res.json.error.serverTime - Date.now())).toBeLessThan(2_000);
    const future = await call(broker.url, { path: '/v1/account', timestamp: Date.now() + 6_000 });
    expect(future.json.error.code).toBe('TIMESTAMP_OUTSIDE_WINDOW');
  });

  it('rejects a tampered body and a tampered path', async () => {
    const timestamp = String(Date.now());
    const signedBody = JSON.stringify(ORDER);
    const tampered = JSON.stringify({ ...ORDER, quantity: '100' });
    const headers = {
      'x-api-key': trader.keyId,
      'x-timestamp': timestamp,
      'x-signature': sign(trader.secret, timestamp, 'POST', '/v1/orders', signedBody),
    };
    const body = await call(broker.url, {
      method: 'POST',
      path: '/v1/orders',
      key: null,
      headers,
      body: tampered,
    });
    expect(body.status).toBe(401);
    expect(body.json.error.code).toBe('INVALID_SIGNATURE');

    const pathHeaders = {
      ...headers,
      'x-signature': sign(trader.secret, timestamp, 'GET', '/v1/orders?limit=1', ''),
    };
    const path = await call(broker.url, { path: '/v1/orders?limit=2', key: null, headers: pathHeaders });
    expect(path.json.error.code).toBe('INVALID_SIGNATURE');
    expect(broker.ledger().orders.filter((o) => o.quantity === '100')).toEqual([]);
  });

  it('rejects malformed signatures and timestamps, and missing credentials', async () => {
    const timestamp = String(Date.now());
    const bad = await call(broker.url, {
      path: '/v1/account',
      key: null,
      headers: { 'x-api-key': trader.keyId, 'x-timestamp': timestamp, 'x-signature': 'zz' },
    });
    expect(bad.json.error.code).toBe('INVALID_SIGNATURE');
    const noTime = await call(broker.url, {
      path: '/v1/account',
      key: null,
      headers: { 'x-api-key': trader.keyId, 'x-timestamp': 'yesterday', 'x-signature': 'a'.repeat(64) },
    });
    expect(noTime.json.error.code).toBe('INVALID_SIGNATURE');
    const none = await call(broker.url, { path: '/v1/account', key: null });
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('MISSING_CREDENTIALS');
  });

  it('checks timestamps against the server clock, offset included', async () => {
    const skewed = await startSandboxBroker({ clockOffsetMs: 60_000 });
    try {
      const time = await call(skewed.url, { path: '/v1/time', key: null });
      expect(time.json.serverTime - Date.now()).toBeGreaterThan(55_000);
      const local = await call(skewed.url, { path: '/v1/account' });
      expect(local.json.error.code).toBe('TIMESTAMP_OUTSIDE_WINDOW');
      const corrected = await call(skewed.url, { path: '/v1/account', timestamp: time.json.serverTime });
      expect(corrected.status).toBe(200);
      skewed.admin.setClockOffsetMs(0);
      expect((await call(skewed.url, { path: '/v1/account' })).status).toBe(200);
    } finally {
      await skewed.close();
    }
  });
});

describe('scopes', () => {
  it('gives a read-only key 403 INSUFFICIENT_SCOPE on POST /orders and DELETE /orders/:id, and reads', async () => {
    const post = await call(broker.url, { method: 'POST', path: '/v1/orders', key: reader, body: ORDER });
    expect(post.status).toBe(403);
    expect(post.json.error.code).toBe('INSUFFICIENT_SCOPE');
    const del = await call(broker.url, { method: 'DELETE', path: '/v1/orders/ord_00000001', key: reader });
    expect(del.json.error.code).toBe('INSUFFICIENT_SCOPE');
    expect((await call(broker.url, { path: '/v1/account', key: reader })).status).toBe(200);
  });

  it('follows admin.setScopes at run time', async () => {
    broker.admin.setScopes(trader.keyId, ['read']);
    try {
      const post = await call(broker.url, { method: 'POST', path: '/v1/orders', body: ORDER });
      expect(post.json.error.code).toBe('INSUFFICIENT_SCOPE');
    } finally {
      broker.admin.setScopes(trader.keyId, ['read', 'trade']);
    }
    expect(() => broker.admin.setScopes('nobody', ['read'])).toThrow(/no API key or OAuth client/);
  });
});

describe('OAuth2 client credentials', () => {
  it('issues a bearer token (Basic or form fields) that works on every route', async () => {
    const viaBasic = await token();
    const viaForm = await call(broker.url, {
      method: 'POST',
      path: '/oauth/token',
      key: null,
      headers: { 'content-type': form },
      body: `grant_type=client_credentials&client_id=${oauthClient.clientId}&client_secret=${oauthClient.clientSecret}`,
    });
    expect(viaForm.status).toBe(200);
    expect(viaForm.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read trade' });
    expect(viaForm.headers['cache-control']).toBe('no-store');
    for (const t of [viaBasic, viaForm.json.access_token]) {
      expect((await call(broker.url, { path: '/v1/account', token: t })).status).toBe(200);
    }
    const order = await call(broker.url, {
      method: 'POST',
      path: '/v1/orders',
      token: viaBasic,
      body: ORDER,
    });
    expect(order.status).toBe(201);
    const entry = broker.ledger().orders.find((o) => o.orderId === order.json.id);
    expect(entry?.keyId).toBe(oauthClient.clientId);
  });

  it('answers RFC 6749 errors: wrong grant, wrong secret, unknown client, bad scope, missing auth', async () => {
    const post = (body: string, authorization?: string) =>
      call(broker.url, {
        method: 'POST',
        path: '/oauth/token',
        key: null,
        headers: { 'content-type': form, ...(authorization ? { authorization } : {}) },
        body,
      });
    const auth = basic(oauthClient.clientId, oauthClient.clientSecret);
    expect((await post('grant_type=password', auth)).json.error).toBe('unsupported_grant_type');
    expect((await post('scope=read', auth)).json.error).toBe('invalid_request');
    const wrong = await post('grant_type=client_credentials', basic(oauthClient.clientId, 'wrong-secret'));
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe('invalid_client');
    expect(wrong.headers['www-authenticate']).toContain('Basic');
    expect((await post('grant_type=client_credentials', basic('nobody', 'whatever'))).json.error).toBe(
      'invalid_client',
    );
    expect((await post('grant_type=client_credentials')).status).toBe(401);
    expect((await post('grant_type=client_credentials&scope=admin', auth)).json.error).toBe('invalid_scope');
    expect(broker.ledger().counts.tokensIssued).toBeGreaterThanOrEqual(2);
  });

  it('a token with scope=read gets 403 on POST /orders', async () => {
    const readOnly = await token('read');
    const res = await call(broker.url, { method: 'POST', path: '/v1/orders', token: readOnly, body: ORDER });
    expect(res.json.error.code).toBe('INSUFFICIENT_SCOPE');
  });

  it('expires tokens on the server clock (tokenTtlMs) and by admin, and revokes them, each with its own code', async () => {
    const short = await startSandboxBroker({ tokenTtlMs: 60_000 });
    try {
      const get = (t: string) => call(short.url, { path: '/v1/account', token: t, key: null });
      const res = await call(short.url, {
        method: 'POST',
        path: '/oauth/token',
        key: null,
        headers: {
          'content-type': form,
          authorization: basic(oauthClient.clientId, oauthClient.clientSecret),
        },
        body: 'grant_type=client_credentials',
      });
      expect(res.json.expires_in).toBe(60);
      const t1 = res.json.access_token as string;
      expect((await get(t1)).status).toBe(200);
      short.admin.setClockOffsetMs(61_000); // the server's clock passes the expiry
      const expired = await get(t1);
      expect(expired.status).toBe(401);
      expect(expired.json.error.code).toBe('TOKEN_EXPIRED');
      short.admin.setClockOffsetMs(0);
      expect((await get(t1)).status).toBe(200);
      expect(short.admin.expireTokens()).toBe(1);
      expect((await get(t1)).json.error.code).toBe('TOKEN_EXPIRED');

      const again = await call(short.url, {
        method: 'POST',
        path: '/oauth/token',
        key: null,
        headers: {
          'content-type': form,
          authorization: basic(oauthClient.clientId, oauthClient.clientSecret),
        },
        body: 'grant_type=client_credentials',
      });
      const t2 = again.json.access_token as string;
      expect(short.admin.revokeTokens()).toBe(1);
      const revoked = await get(t2);
      expect(revoked.json.error.code).toBe('TOKEN_REVOKED');
      expect((await get('sbx_at_made_up')).json.error.code).toBe('INVALID_TOKEN');
    } finally {
      await short.close();
    }
  });
});
