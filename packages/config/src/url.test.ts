import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { checkMeaningOf } from './config-metadata';
import { httpsUrl, isLoopbackHost, url } from './url';

const codesOf = (schema: v.GenericSchema, input: unknown) =>
  (v.safeParse(schema, input).issues ?? []).map(
    (issue) => checkMeaningOf(issue.requirement)?.code ?? issue.type,
  );

describe('url()', () => {
  it('accepts absolute http and https URLs as given', () => {
    expect(v.parse(url(), 'http://api.example.com/v1')).toBe('http://api.example.com/v1');
  });

  it('rejects relative and malformed URLs once, as config.invalid', () => {
    expect(codesOf(url(), '/v1/orders')).toEqual(['config.invalid']);
    expect(codesOf(url(), 'https//missing-colon')).toEqual(['config.invalid']);
    expect(codesOf(url(), ' https://api.example.com')).toEqual(['config.invalid']);
  });

  it('rejects schemes outside the allowed list', () => {
    expect(codesOf(url(), 'ftp://files.example.com')).toEqual(['config.invalid']);
    expect(v.parse(url({ protocols: ['wss:'] }), 'wss://stream.example.com')).toBe(
      'wss://stream.example.com',
    );
  });
});

describe('httpsUrl()', () => {
  it('rejects plain http for a non-loopback host with config.insecure_url', () => {
    expect(codesOf(httpsUrl(), 'http://api.example.com')).toEqual(['config.insecure_url']);
    expect(codesOf(httpsUrl({ protocols: ['ws:', 'wss:'] }), 'ws://stream.example.com')).toEqual([
      'config.insecure_url',
    ]);
  });

  it('accepts https anywhere and http on loopback', () => {
    for (const ok of [
      'https://api.example.com',
      'http://127.0.0.1:8080',
      'http://localhost:3000',
      'http://[::1]:80',
      'http://localhost.:3000', // the fully qualified form is the same host
    ]) {
      expect(v.parse(httpsUrl(), ok)).toBe(ok);
    }
  });
});

describe('isLoopbackHost', () => {
  it('knows localhost, 127/8 and ::1, and nothing else', () => {
    expect(['localhost', 'localhost.', '127.0.0.1', '127.1.2.3', '[::1]', '::1'].every(isLoopbackHost)).toBe(
      true,
    );
    expect(['example.com', '10.0.0.1', '127.example.com', 'localhost.evil.com'].some(isLoopbackHost)).toBe(
      false,
    );
  });
});
