import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KitError } from '@kit/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthRequest, AuthStrategy } from '../src/auth-strategy';
import { binanceAuth } from '../src/binance-auth';
import { coinbaseAuth } from '../src/coinbase-auth';
import { krakenAuth } from '../src/kraken-auth';
import { oauth2ClientCredentials } from '../src/oauth2-client-credentials';
import { formatQuery } from '../src/query-string';
import { createServerClock } from '../src/server-clock';

// A loopback "venue" that verifies each scheme's signature the way the venue's server would,
// independently of @kit/auth (node:crypto), and an OAuth2 token endpoint plus protected API.

const BINANCE_SECRET = 'binance-loopback-secret-0123456789';
const COINBASE_SECRET = Buffer.from('coinbase-loopback-secret').toString('base64');
const KRAKEN_SECRET = Buffer.from('kraken-loopback-secret-bytes').toString('base64');
const SERVER_SKEW_MS = 7_000; // the venue's clock runs 7 s ahead of ours

let base = '';
let tokensIssued = 0;
let revoked = new Set<string>();
let alwaysReject = false;
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = url.search.slice(1);
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        date: new Date(Date.now() + SERVER_SKEW_MS).toUTCString(),
      });
      res.end(JSON.stringify(json));
    };
    if (url.pathname === '/api/v3/time') return reply(200, { serverTime: Date.now() + SERVER_SKEW_MS });
    if (url.pathname === '/api/v3/order') {
      const signature = url.searchParams.get('signature');
      const signed = query.slice(0, query.lastIndexOf('&signature='));
      const expected = createHmac('sha256', BINANCE_SECRET)
        .update(signed + body)
        .digest('hex');
      const timestamp = Number(url.searchParams.get('timestamp'));
      const recvWindow = Number(url.searchParams.get('recvWindow'));
      const serverTime = Date.now() + SERVER_SKEW_MS;
      if (signature !== expected)
        return reply(400, { code: -1022, msg: 'Signature for this request is not valid.' });
      if (!(timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow)) {
        return reply(400, { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' });
      }
      return reply(200, { ok: true, key: req.headers['x-mbx-apikey'] });
    }
    if (url.pathname === '/orders') {
      const ts = String(req.headers['cb-access-timestamp']);
      const prehash = `${ts}${req.method}${url.pathname}${url.search}${body}`;
      const expected = createHmac('sha256', Buffer.from(COINBASE_SECRET, 'base64'))
        .update(prehash)
        .digest('base64');
      return reply(req.headers['cb-access-sign'] === expected ? 200 : 401, {});
    }
    if (url.pathname === '/0/private/Balance') {
      const nonce = new URLSearchParams(body).get('nonce') ?? '';
      const message = Buffer.concat([
        Buffer.from(url.pathname),
        createHash('sha256')
          .update(nonce + body)
          .digest(),
      ]);
      const expected = createHmac('sha512', Buffer.from(KRAKEN_SECRET, 'base64'))
        .update(message)
        .digest('base64');
      return reply(200, { error: req.headers['api-sign'] === expected ? [] : ['EAPI:Invalid signature'] });
    }
    if (url.pathname === '/oauth/token') {
      tokensIssued++;
      return reply(200, { access_token: `tok-${tokensIssued}`, token_type: 'Bearer', expires_in: 3600 });
    }
    if (url.pathname === '/v1/account') {
      const token = String(req.headers.authorization ?? '').replace('Bearer ', '');
      if (alwaysReject || revoked.has(token)) return reply(401, { error: 'invalid_token' });
      return reply(200, { token });
    }
    reply(404, {});
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** What a client does with an AuthRequest: serialise the query with formatQuery, send body as returned. */
async function send(
  auth: AuthStrategy,
  method: string,
  path: string,
  query: Array<[string, string]>,
  body?: string,
) {
  const signed = await auth.authenticate({
    method,
    url: `${base}${path}`,
    path,
    query,
    headers: {},
    ...(body === undefined ? {} : { body }),
  });
  const qs = formatQuery(signed.query);
  const response = await fetch(`${base}${signed.path}${qs ? `?${qs}` : ''}`, {
    method,
    headers: signed.headers,
    ...(signed.body === undefined ? {} : { body: signed.body }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, signed };
}

describe('signed requests against a loopback venue that verifies them', () => {
  it('Binance: rejected for clock skew without correction, accepted after syncing the server clock', async () => {
    const params: Array<[string, string]> = [
      ['symbol', 'LTCBTC'],
      ['side', 'BUY'],
    ];
    const naive = binanceAuth({ apiKey: 'bn-key', apiSecret: BINANCE_SECRET, recvWindowMs: 5000 });
    const stale = await send(naive, 'POST', '/api/v3/order', params, 'quantity=1&price=0.1');
    expect(stale.json.code).toBe(-1021);

    const clock = createServerClock({
      fetchServerTime: async (signal) =>
        (
          (await (await fetch(`${base}/api/v3/time`, signal ? { signal } : {})).json()) as {
            serverTime: number;
          }
        ).serverTime,
    });
    await clock.sync();
    expect(Math.abs(clock.skewMs - SERVER_SKEW_MS)).toBeLessThan(1000);
    const corrected = binanceAuth({ apiKey: 'bn-key', apiSecret: BINANCE_SECRET, recvWindowMs: 5000, clock });
    const ok = await send(corrected, 'POST', '/api/v3/order', params, 'quantity=1&price=0.1');
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ ok: true, key: 'bn-key' });
  });

  it('Binance: the skew can also be learned from a Date header', async () => {
    const clock = createServerClock();
    const sentAt = Date.now();
    const response = await fetch(`${base}/api/v3/time`);
    clock.observeDateHeader(response.headers.get('date'), { sentAt, receivedAt: Date.now() });
    await response.arrayBuffer();
    expect(clock.skewMs).toBeGreaterThan(SERVER_SKEW_MS - 1500);
    expect(clock.skewMs).toBeLessThanOrEqual(SERVER_SKEW_MS + 1000);
    const auth = binanceAuth({ apiKey: 'bn-key', apiSecret: BINANCE_SECRET, clock });
    expect((await send(auth, 'GET', '/api/v3/order', [['symbol', 'LTCBTC']])).status).toBe(200);
  });

  it('Coinbase: the venue accepts the signature over path?query + body', async () => {
    const auth = coinbaseAuth({ apiKey: 'cb-key', apiSecret: COINBASE_SECRET, passphrase: 'cb-pass' });
    expect((await send(auth, 'GET', '/orders', [['status', 'open']])).status).toBe(200);
    expect(
      (await send(auth, 'POST', '/orders', [], JSON.stringify({ size: '1.0', side: 'buy' }))).status,
    ).toBe(200);
  });

  it('Kraken: the venue accepts the signature and the nonce the strategy put in the body', async () => {
    const auth = krakenAuth({ apiKey: 'kr-key', apiSecret: KRAKEN_SECRET });
    const first = await send(auth, 'POST', '/0/private/Balance', [], 'asset=XBT');
    const second = await send(auth, 'POST', '/0/private/Balance', [], 'asset=XBT');
    expect(first.json.error).toEqual([]);
    expect(second.json.error).toEqual([]);
    const nonce = (r: { signed: AuthRequest }) => Number(new URLSearchParams(r.signed.body).get('nonce'));
    expect(nonce(second)).toBeGreaterThan(nonce(first));
  });
});

describe('OAuth2 against a loopback API: 401 -> one refresh and one retry, then an auth error', () => {
  /** The REST client's 401 rule, as rest-client implements it on the AuthStrategy contract. */
  async function getAccount(auth: AuthStrategy) {
    let attempt = await send(auth, 'GET', '/v1/account', []);
    if (attempt.status === 401) {
      const error = new KitError('auth.invalid_credentials', { status: 401, path: '/v1/account' });
      if (await auth.onUnauthorized?.(error, attempt.signed))
        attempt = await send(auth, 'GET', '/v1/account', []);
      if (attempt.status === 401) throw error;
    }
    return attempt.json;
  }

  it('a revoked token is replaced once and the retry succeeds', async () => {
    tokensIssued = 0;
    revoked = new Set();
    alwaysReject = false;
    const auth = oauth2ClientCredentials({
      tokenUrl: `${base}/oauth/token`,
      clientId: 'c1',
      clientSecret: 'cs-loopback-1',
    });
    expect(await getAccount(auth)).toEqual({ token: 'tok-1' });
    revoked.add('tok-1');
    expect(await getAccount(auth)).toEqual({ token: 'tok-2' });
    expect(tokensIssued).toBe(2);
  });

  it('when the fresh token is rejected too, the call fails with a classified auth error after one refresh', async () => {
    tokensIssued = 0;
    alwaysReject = true;
    const auth = oauth2ClientCredentials({
      tokenUrl: `${base}/oauth/token`,
      clientId: 'c1',
      clientSecret: 'cs-loopback-1',
    });
    await expect(getAccount(auth)).rejects.toMatchObject({ code: 'auth.invalid_credentials' });
    expect(tokensIssued).toBe(2);
    await expect(getAccount(auth)).rejects.toMatchObject({ code: 'auth.invalid_credentials' });
    expect(tokensIssued).toBe(2); // the refreshed token failed once: no refresh loop on later 401s
    alwaysReject = false;
  });
});
