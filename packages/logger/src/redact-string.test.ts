import { describe, expect, it } from 'vitest';
import { createStringRedactor, redactString } from './redact-string';
import { Secret } from './secret';
import { REDACTED } from './secret-registry';

describe('redactString', () => {
  it('masks every registered secret value wherever it appears', () => {
    const secret = new Secret('rs-registered-7Qx91');
    expect(redactString(`failed: key rs-registered-7Qx91 rejected (rs-registered-7Qx91)`)).toBe(
      `failed: key ${REDACTED} rejected (${REDACTED})`,
    );
    expect(secret.reveal()).toBe('rs-registered-7Qx91');
  });

  it.each([
    [
      '/api/v3/order?symbol=BTCUSDT&timestamp=1&signature=9f86d081',
      `/api/v3/order?symbol=BTCUSDT&timestamp=1&signature=${REDACTED}`,
    ],
    [
      'https://h/v1?apiKey=k1&api_key=k2&token=t&access_token=a',
      `https://h/v1?apiKey=${REDACTED}&api_key=${REDACTED}&token=${REDACTED}&access_token=${REDACTED}`,
    ],
    [
      'https://h/v1?key=abc&secret=s&password=p&sig=x&passphrase=pp',
      `https://h/v1?key=${REDACTED}&secret=${REDACTED}&password=${REDACTED}&sig=${REDACTED}&passphrase=${REDACTED}`,
    ],
    ['url=https://h/p?apiKey=zz1', `url=https://h/p?apiKey=${REDACTED}`],
    [
      'grant_type=client_credentials&client_secret=cs1',
      `grant_type=client_credentials&client_secret=${REDACTED}`,
    ],
  ])('masks sensitive query and form parameters: %s', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it('keeps ordinary query parameters', () => {
    expect(redactString('/v1/orders?cursor=abc&limit=50&symbol=ETH')).toBe(
      '/v1/orders?cursor=abc&limit=50&symbol=ETH',
    );
  });

  it.each([
    ['Authorization: Bearer eyJhbGciOi.payload.sig', `Authorization: ${REDACTED}`],
    ['authorization: Basic dXNlcjpwYXNz', `authorization: ${REDACTED}`],
    ['sent with Bearer abc123 to the host', `sent with Bearer ${REDACTED} to the host`],
    ['header Basic dXNlcjpwYXNz', `header Basic ${REDACTED}`],
    ['Cookie: session=abc; theme=dark', `Cookie: ${REDACTED}`],
    ['X-API-KEY: k-123', `X-API-KEY: ${REDACTED}`],
    ['{"password":"hunter2","user":"bob"}', `{"password":"${REDACTED}","user":"bob"}`],
    ['{"authorization":"Bearer x","ok":true}', `{"authorization":"${REDACTED}","ok":true}`],
    ['https://user:pa55word@db.example:5432/app', `https://user:${REDACTED}@db.example:5432/app`],
  ])('masks credentials in headers, JSON text and URLs: %s', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it('keeps numbers under key fragments (counters are not credentials)', () => {
    expect(redactString('tokensLeft: 495, tokenBucket=12')).toBe('tokensLeft: 495, tokenBucket=12');
  });

  it('does not mangle URLs or times that merely contain colons', () => {
    expect(redactString('GET https://h:8443/v1/time at 12:30:01')).toBe(
      'GET https://h:8443/v1/time at 12:30:01',
    );
  });

  it('applies extra keys and patterns from the options', () => {
    const redactor = createStringRedactor({ keys: ['accountNumber'], patterns: [/acct-\d+/] });
    expect(redactor('accountNumber=123 and acct-42, acct-43')).toBe(
      `accountNumber=${REDACTED} and ${REDACTED}, ${REDACTED}`,
    );
  });

  it('is idempotent', () => {
    const once = redactString('Authorization: Bearer abc ?token=x');
    expect(redactString(once)).toBe(once);
  });
});

describe('redactString on ordinary log text', () => {
  it('keeps status codes and other plain key=value pairs', () => {
    expect(redactString('status code=429 attempt=2 symbol=BTC')).toBe('status code=429 attempt=2 symbol=BTC');
  });
});
