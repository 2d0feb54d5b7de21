import { isKitError } from '@kit/errors';
import { describe, expect, it } from 'vitest';
import { assertSecureTransport, isLoopbackHost } from './secure-transport';

describe('assertSecureTransport', () => {
  it.each([
    'https://api.example.com/v1',
    'wss://stream.example.com/ws',
    'http://127.0.0.1:8080/v1',
    'http://127.45.6.7/v1',
    'http://127.1/v1',
    'http://[::1]:3000/v1',
    'http://localhost:3000/v1',
    'ws://localhost/stream',
  ])('allows %s', (url) => {
    expect(() => assertSecureTransport(url)).not.toThrow();
  });

  it.each([
    'http://api.example.com/v1',
    'ws://stream.example.com/ws',
    'http://10.0.0.1/v1',
    'http://0.0.0.0/v1',
    'http://128.0.0.1/v1',
    'http://localhost.example.com/v1',
    'http://127.0.0.1.nip.io/v1',
    'ftp://127.0.0.1/file',
  ])('refuses %s with auth.insecure_transport', (url) => {
    let caught: unknown;
    try {
      assertSecureTransport(url);
    } catch (error) {
      caught = error;
    }
    expect(isKitError(caught, 'auth.insecure_transport')).toBe(true);
  });

  it('names scheme and host but never the query string', () => {
    let caught: unknown;
    try {
      assertSecureTransport('http://api.example.com/v1/orders?apiKey=abc123secretvalue');
    } catch (error) {
      caught = error;
    }
    expect(isKitError(caught, 'auth.insecure_transport')).toBe(true);
    const message = (caught as Error).message;
    expect(message).toContain('http://api.example.com');
    expect(message).not.toContain('abc123secretvalue');
    expect(JSON.stringify(caught)).not.toContain('abc123secretvalue');
  });

  it('keeps refusing lookalikes of an approved origin (userinfo, longer host, other scheme)', () => {
    assertSecureTransport('http://127.0.0.1:8080/v1/orders');
    for (const url of [
      'http://127.0.0.1:8080@api.example.com/v1',
      'http://127.0.0.1.nip.io:8080/v1',
      'http://127.0.0.1:8080.example.com/v1',
      'ftp://127.0.0.1:8080/v1',
    ]) {
      expect(() => assertSecureTransport(url), url).toThrow(/not (encrypted|an absolute URL)/);
    }
    expect(() => assertSecureTransport('http://127.0.0.1:8080?x=1')).not.toThrow();
  });

  it('gives the same verdicts after the origin cache fills up and is cleared', () => {
    for (let port = 1; port <= 600; port++) {
      expect(() => assertSecureTransport(`https://api.example.com:${port}/v1`)).not.toThrow();
      expect(() => assertSecureTransport(`http://api.example.com:${port}/v1`)).toThrow(/not encrypted/);
    }
    expect(() => assertSecureTransport('https://api.example.com:1/v1')).not.toThrow();
  });

  it('refuses a relative URL instead of guessing', () => {
    expect(() => assertSecureTransport('/v1/orders')).toThrow(/not an absolute URL/);
  });
});

describe('isLoopbackHost', () => {
  it('accepts only loopback names and addresses', () => {
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('LOCALHOST.')).toBe(true);
    expect(isLoopbackHost('127.255.255.254')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('example.com')).toBe(false);
    expect(isLoopbackHost('192.168.1.1')).toBe(false);
  });
});
