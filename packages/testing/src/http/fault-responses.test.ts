import { describe, expect, it } from 'vitest';
import { malformJson, proxyErrorPage, retryAfterHeader } from './fault-responses';

describe('fault bodies', () => {
  it('malformJson keeps a plausible prefix that no JSON parser accepts', () => {
    const text = JSON.stringify({ id: 'ord_1', status: 'filled', quantity: '10' });
    const broken = malformJson(text);
    expect(broken.startsWith(text.slice(0, 10))).toBe(true);
    expect(() => JSON.parse(broken)).toThrow(SyntaxError);
    expect(() => JSON.parse(malformJson(undefined))).toThrow(SyntaxError);
    expect(() => JSON.parse(malformJson('[]'))).toThrow(SyntaxError);
  });

  it('proxyErrorPage is an nginx-style page naming the status', () => {
    expect(proxyErrorPage(502)).toContain('<title>502 Bad Gateway</title>');
    expect(proxyErrorPage(503)).toContain('503 Service Temporarily Unavailable');
    expect(proxyErrorPage(504)).toContain('<center>nginx</center>');
  });

  it('retryAfterHeader writes seconds, HTTP-dates and retry-after-ms', () => {
    expect(retryAfterHeader({ seconds: 3 })).toEqual(['Retry-After', '3']);
    expect(retryAfterHeader({ ms: 250 })).toEqual(['retry-after-ms', '250']);
    expect(retryAfterHeader({ date: 0 })).toEqual(['Retry-After', 'Thu, 01 Jan 1970 00:00:00 GMT']);
  });
});
