import axios, { type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { createTargetResolver } from './request-target';

function config(partial: Partial<InternalAxiosRequestConfig>): InternalAxiosRequestConfig {
  return { headers: new axios.AxiosHeaders(), ...partial } as InternalAxiosRequestConfig;
}

describe('createTargetResolver', () => {
  it('combines baseURL and url with axios rules', () => {
    const resolve = createTargetResolver();
    const target = resolve(config({ baseURL: 'http://127.0.0.1:8080/v1/', url: '/orders' }));
    expect(target).toMatchObject({
      origin: 'http://127.0.0.1:8080',
      path: '/v1/orders',
      hostname: '127.0.0.1',
    });
  });

  it('serialises params with axios (same string as axios.getUri)', () => {
    const resolve = createTargetResolver();
    const request = { baseURL: 'https://api.example.com', url: '/q?z=1', params: { b: 'x y', a: [1, 2] } };
    const target = resolve(config(request));
    expect(`${target.origin}${target.path}`).toBe(axios.getUri(request));
  });

  it('appends a plain query to the cached path verbatim and parses anything else fully', () => {
    const resolve = createTargetResolver();
    const base = { baseURL: 'http://h:1' };
    expect(resolve(config({ ...base, url: '/a?ts=1&sig=ab%2F' })).path).toBe('/a?ts=1&sig=ab%2F');
    expect(resolve(config({ ...base, url: '/a?ts=2' })).path).toBe('/a?ts=2');
    expect(resolve(config({ ...base, url: '/a' })).path).toBe('/a');
    expect(resolve(config({ ...base, url: '/a?q=a b"c' })).path).toBe(
      new URL('http://h:1/a?q=a b"c').pathname + new URL('http://h:1/a?q=a b"c').search,
    );
    expect(resolve(config({ ...base, url: '/a?x=1#frag' })).path).toBe('/a?x=1');
  });

  it('takes basic credentials from the URL userinfo', () => {
    const resolve = createTargetResolver();
    const target = resolve(config({ url: 'http://user:p%40ss@127.0.0.1:1/x' }));
    expect(target.urlAuth).toBe('user:p@ss');
    expect(target.origin).toBe('http://127.0.0.1:1');
  });

  it('rejects protocols other than http and https', () => {
    const resolve = createTargetResolver();
    expect(() => resolve(config({ url: 'ftp://example.com/file' }))).toThrow(/Unsupported protocol ftp:/);
  });
});
