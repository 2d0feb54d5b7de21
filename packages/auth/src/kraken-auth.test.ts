import { createHash, createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { isKitError } from '@kit/errors';
import { createManualClock } from '@kit/testing';
import { describe, expect, it } from 'vitest';
import type { AuthRequest } from './auth-strategy';
import { krakenAuth, signKraken } from './kraken-auth';

// Source: Kraken API docs, "Spot REST Authentication" -> Examples
// (https://docs.kraken.com/api/docs/guides/spot-rest-auth): private key, nonce, encoded payload,
// URI path and the resulting API-Sign for a limit order buying 1.25 XBTUSD at 37,500.
const DOC_SECRET = 'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==';
const DOC_NONCE = '1616492376594';
const DOC_PAYLOAD = 'nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25';
const DOC_PATH = '/0/private/AddOrder';
const DOC_API_SIGN =
  '4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==';

const addOrder = (body?: string): AuthRequest => ({
  method: 'POST',
  url: `https://api.kraken.com${DOC_PATH}`,
  path: DOC_PATH,
  query: [],
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  ...(body === undefined ? {} : { body }),
});

describe('signKraken', () => {
  it("reproduces Kraken's documented API-Sign byte for byte", async () => {
    expect(await signKraken(DOC_SECRET, DOC_PATH, DOC_NONCE, DOC_PAYLOAD)).toBe(DOC_API_SIGN);
  });

  it('matches an independent node:crypto computation for other input', async () => {
    const path = '/0/private/Balance';
    const nonce = '1700000000123';
    const post = `nonce=${nonce}`;
    const message = Buffer.concat([
      Buffer.from(path),
      createHash('sha256')
        .update(nonce + post)
        .digest(),
    ]);
    const expected = createHmac('sha512', Buffer.from(DOC_SECRET, 'base64')).update(message).digest('base64');
    expect(await signKraken(DOC_SECRET, path, nonce, post)).toBe(expected);
  });

  it('refuses a secret that is not base64', async () => {
    await expect(signKraken('not-base64!!', DOC_PATH, DOC_NONCE, DOC_PAYLOAD)).rejects.toSatisfy((e) =>
      isKitError(e, 'auth.invalid_credentials'),
    );
  });
});

describe('krakenAuth', () => {
  it('puts the nonce first in the body and signs exactly the documented request', async () => {
    const auth = krakenAuth({
      apiKey: 'kraken-public-key',
      apiSecret: DOC_SECRET,
      nonce: () => Number(DOC_NONCE),
    });
    const out = await auth.authenticate(
      addOrder('ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25'),
    );
    expect(out.body).toBe(DOC_PAYLOAD);
    expect(out.headers['API-Sign']).toBe(DOC_API_SIGN);
    expect(out.headers['API-Key']).toBe('kraken-public-key');
  });

  it('replaces a stale nonce on a retry and uses strictly increasing nonces', async () => {
    const auth = krakenAuth({
      apiKey: 'kraken-public-key',
      apiSecret: DOC_SECRET,
      clock: createManualClock({ startMs: 5 }),
    });
    const first = await auth.authenticate(addOrder());
    const second = await auth.authenticate(first);
    expect(first.body).toBe('nonce=5');
    expect(second.body).toBe('nonce=6');
    expect(second.headers['API-Sign']).toBe(await signKraken(DOC_SECRET, DOC_PATH, '6', 'nonce=6'));
  });

  it('fails fast on a malformed secret and never prints key or secret', () => {
    expect(() => krakenAuth({ apiKey: 'kraken-public-key', apiSecret: '###' })).toThrow(
      expect.objectContaining({ code: 'auth.invalid_credentials' }),
    );
    const auth = krakenAuth({ apiKey: 'kraken-public-key', apiSecret: DOC_SECRET });
    const text = inspect(auth, { depth: 10, showHidden: true }) + JSON.stringify(auth);
    expect(text).not.toContain(DOC_SECRET);
    expect(text).not.toContain('kraken-public-key');
  });
});
