import { afterEach, describe, expect, it } from 'vitest';
import { sanitizePath, sanitizeText, withRequest } from './safe-text';

const HOOK = Symbol.for('kit.redact');

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[HOOK];
});

describe('sanitizePath', () => {
  it('keeps only the path of URLs and drops query strings and fragments', () => {
    expect(sanitizePath('https://user:pw@api.example.com/v1/orders?signature=abc#x')).toBe('/v1/orders');
    expect(sanitizePath('/v1/orders?apiKey=abc')).toBe('/v1/orders');
    expect(sanitizePath('v1/orders')).toBe('v1/orders');
    expect(sanitizePath('https://api.example.com')).toBe('/');
    expect(sanitizePath('http://user:pw@bad url/x?y')).toBe('/x');
    expect(sanitizePath('//user:pw@host/x?y')).toBe('/x');
  });
});

describe('sanitizeText', () => {
  it('masks bearer tokens, URL credentials and credential pairs, and truncates', () => {
    expect(sanitizeText('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [REDACTED]');
    expect(sanitizeText('see https://bob:hunter2@host/x')).toBe('see https://host/x');
    expect(sanitizeText('a?signature=deadbeef&b=1')).toBe('a?signature=[REDACTED]&b=1');
    expect(sanitizeText('{"api_key":"k123"}')).toBe('{"api_key":"[REDACTED]"}');
    expect(sanitizeText('x'.repeat(300), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(sanitizeText('line\u0000break')).toBe('line break');
  });

  it("applies @kit/logger's registered-secret redactor when installed", () => {
    (globalThis as Record<symbol, unknown>)[HOOK] = (text: string) =>
      text.replaceAll('registered-secret', '[REDACTED]');
    expect(sanitizeText('value registered-secret here')).toBe('value [REDACTED] here');
  });
});

describe('withRequest', () => {
  it('prefixes the method and path when known', () => {
    expect(withRequest('get', '/v1/x', 'Boom')).toBe('GET /v1/x: Boom');
    expect(withRequest(undefined, undefined, 'Boom')).toBe('Boom');
  });
});

describe('sanitizeText on prose', () => {
  it('leaves ordinary words after "token" and "auth" alone', () => {
    expect(sanitizeText('Token has expired')).toBe('Token has expired');
    expect(sanitizeText('auth: invalid key')).toBe('auth: invalid key');
    expect(sanitizeText('{"token": "abc", "ok": "yes"}')).toBe('{"token": "[REDACTED]", "ok": "yes"}');
  });
});
