import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../src/http/admin-routes';
import { type SandboxBroker, startSandboxBroker } from '../src/index';
import { call } from './support';

const ADMIN_TOKEN = 'test-admin-token-0123456789';
let broker: SandboxBroker;
beforeAll(async () => {
  broker = await startSandboxBroker({ adminToken: ADMIN_TOKEN, rateLimit: false });
});
afterAll(() => broker.close());

const admin = (method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN) =>
  call(broker.url, {
    method,
    path,
    key: null,
    body,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });

describe('admin endpoint', () => {
  it('needs its own token: none or a wrong one gets 401, and API credentials are not it', async () => {
    expect((await admin('GET', '/admin/ledger', undefined, null)).status).toBe(401);
    const wrong = await admin('GET', '/admin/ledger', undefined, 'not-the-admin-token');
    expect([wrong.status, wrong.json.error.code]).toEqual([401, 'ADMIN_TOKEN_REQUIRED']);
    const signed = await call(broker.url, { path: '/admin/ledger' });
    expect(signed.status).toBe(401);
    expect(broker.adminToken).toBe(ADMIN_TOKEN);
  });

  it('serves the ledger, which counts /v1 requests but not its own', async () => {
    await call(broker.url, { path: '/v1/account' });
    await call(broker.url, {
      method: 'POST',
      path: '/v1/orders',
      body: { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' },
    });
    const before = await admin('GET', '/admin/ledger');
    expect(before.status).toBe(200);
    const after = await admin('GET', '/admin/ledger');
    expect(after.json.counts.requests).toBe(before.json.counts.requests);
    expect(after.json).toEqual(broker.ledger());
    expect(after.json.counts).toMatchObject({ ordersCreated: 1, responsesByStatus: { '200': 1, '201': 1 } });
    expect(after.json.orders[0]).toMatchObject({
      keyId: 'sbx_key_trader',
      symbol: 'AAPL',
      side: 'buy',
      quantity: '1',
      idempotencyKey: null,
    });
  });

  it('switches faults, profiles, the clock and tokens at run time', async () => {
    const set = await admin('POST', '/admin/faults', {
      http: { htmlError: { probability: 1, status: 503 } },
    });
    expect(set.json.faults.http.htmlError).toEqual({ probability: 1, status: 503 });
    expect((await call(broker.url, { path: '/v1/account' })).status).toBe(503);
    expect((await admin('POST', '/admin/faults', { profile: 'none' })).json.faults).toEqual({});
    expect((await call(broker.url, { path: '/v1/account' })).status).toBe(200);
    const mild = await admin('POST', '/admin/faults', { profile: 'mild' });
    expect(mild.json.faults.http.serverError.probability).toBeGreaterThan(0);
    expect((await admin('DELETE', '/admin/faults')).json.faults).toEqual({});

    const bad = await admin('POST', '/admin/faults', { http: { serverEror: { probability: 1 } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/faults\.http\.serverEror must be one of/);
    expect((await admin('POST', '/admin/faults', { profile: 'brutal' })).status).toBe(400);

    expect((await admin('POST', '/admin/clock', { offsetMs: -30_000 })).json).toEqual({ offsetMs: -30_000 });
    expect(broker.admin.clockOffsetMs).toBe(-30_000);
    const time = await call(broker.url, { path: '/v1/time', key: null });
    expect(Date.now() - time.json.serverTime).toBeGreaterThan(25_000);
    expect((await admin('POST', '/admin/clock', { offsetMs: 'soon' })).status).toBe(400);
    await admin('POST', '/admin/clock', { offsetMs: 0 });

    expect((await admin('POST', '/admin/revoke-tokens')).json).toEqual({ revoked: 0 });
    expect((await admin('POST', '/admin/drop-connections', { code: 1012 })).json).toEqual({ dropped: true });
    expect((await admin('POST', '/admin/drop-connections', { code: 1006 })).status).toBe(400);
    expect((await admin('GET', '/admin/nothing')).status).toBe(404);
    expect((await admin('POST', '/admin/faults', '{not json')).status).toBe(400);
  });

  it('answers loopback peers only', () => {
    // Tests only ever connect over loopback, so the refusal is checked on the predicate it uses.
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(address)).toBe(true);
    for (const address of ['10.0.0.5', '192.168.1.2', '::ffff:10.0.0.5', 'fe80::1', undefined])
      expect(isLoopbackAddress(address)).toBe(false);
  });
});
