import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { createManualClock } from '@kit/testing';
import { describe, expect, it } from 'vitest';
import type { AuthRequest } from './auth-strategy';
import { coinbaseAuth, signCoinbase } from './coinbase-auth';

// Coinbase Exchange documents the algorithm ("Signing a Message",
// https://docs.cdp.coinbase.com/exchange/docs/rest-auth: prehash timestamp + method + requestPath +
// body, HMAC-SHA256 with the base64-decoded secret, base64 output) and a code snippet, but publishes
// no input/output pair. So the expected values below are computed independently with node:crypto.
const SECRET = Buffer.from('coinbase-exchange-test-secret-0123456789').toString('base64');

function nodeSign(timestamp: string, method: string, requestPath: string, body: string): string {
  return createHmac('sha256', Buffer.from(SECRET, 'base64'))
    .update(timestamp + method + requestPath + body)
    .digest('base64');
}

describe('signCoinbase', () => {
  it('matches an independent node:crypto computation (POST with a JSON body)', async () => {
    const body = JSON.stringify({ price: '1.0', size: '1.0', side: 'buy', product_id: 'BTC-USD' });
    expect(await signCoinbase(SECRET, '1700000000', 'POST', '/orders', body)).toBe(
      nodeSign('1700000000', 'POST', '/orders', body),
    );
  });

  it('matches for a GET without body and upper-cases the method', async () => {
    expect(await signCoinbase(SECRET, '1700000000', 'get', '/accounts')).toBe(
      nodeSign('1700000000', 'GET', '/accounts', ''),
    );
  });
});

describe('coinbaseAuth', () => {
  it('sends the four CB-ACCESS headers with an epoch-seconds timestamp and signs path?query + body', async () => {
    const auth = coinbaseAuth({
      apiKey: 'cb-key-123',
      apiSecret: SECRET,
      passphrase: 'cb-pass-phrase',
      clock: createManualClock({ startMs: 1_700_000_000_999 }),
    });
    const request: AuthRequest = {
      method: 'GET',
      url: 'https://api.exchange.coinbase.com/orders',
      path: '/orders',
      query: [['status', 'open']],
      headers: {},
    };
    const out = await auth.authenticate(request);
    expect(out.headers['CB-ACCESS-KEY']).toBe('cb-key-123');
    expect(out.headers['CB-ACCESS-TIMESTAMP']).toBe('1700000000');
    expect(out.headers['CB-ACCESS-PASSPHRASE']).toBe('cb-pass-phrase');
    expect(out.headers['CB-ACCESS-SIGN']).toBe(nodeSign('1700000000', 'GET', '/orders?status=open', ''));
    expect(out.query).toEqual([['status', 'open']]);
  });

  it('never prints key, secret or passphrase', () => {
    const auth = coinbaseAuth({ apiKey: 'cb-key-123', apiSecret: SECRET, passphrase: 'cb-pass-phrase' });
    const text = inspect(auth, { depth: 10, showHidden: true }) + JSON.stringify(auth);
    for (const value of ['cb-key-123', SECRET, 'cb-pass-phrase']) expect(text).not.toContain(value);
  });
});
