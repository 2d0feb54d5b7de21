import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from './loopback-host';

describe('isLoopbackHost', () => {
  it.each([
    'localhost',
    'LOCALHOST',
    'localhost.',
    '127.0.0.1',
    '127.255.10.3',
    '127.0.0.1.',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '[::ffff:7f00:1]',
  ])('%s is this machine', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    'api.example.com',
    'localhost.example.com',
    'notlocalhost',
    '128.0.0.1',
    '127.0.0.256',
    '10.0.0.1',
    '::2',
    '::ffff:10.0.0.1',
    '',
  ])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it('agrees with URL hostnames, including the trailing-dot and shorthand forms', () => {
    for (const url of ['http://localhost.:1/', 'http://127.1/', 'http://0x7f.1/', 'http://[::1]:80/']) {
      expect(isLoopbackHost(new URL(url).hostname)).toBe(true);
    }
    expect(isLoopbackHost(new URL('http://localhost.evil.test/').hostname)).toBe(false);
  });

  it('answers false for a value that is not a string', () => {
    expect(isLoopbackHost(undefined as unknown as string)).toBe(false);
  });
});
