import { describe, expect, it } from 'vitest';
import { isTruncated, parseResponseBody } from './parse-response-body';

describe('parseResponseBody', () => {
  it('tells empty, JSON, text, HTML and malformed JSON apart', () => {
    expect(parseResponseBody('', 'application/json').kind).toBe('empty');
    expect(parseResponseBody('{"a":1}', 'application/json; charset=utf-8')).toEqual({
      kind: 'json',
      value: { a: 1 },
    });
    expect(parseResponseBody('[1]', undefined)).toEqual({ kind: 'json', value: [1] });
    expect(parseResponseBody('OK', 'text/plain')).toEqual({ kind: 'text', value: 'OK' });
    expect(parseResponseBody('OK', undefined)).toEqual({ kind: 'text', value: 'OK' });
    expect(parseResponseBody('<html><body>502</body></html>', 'text/html').kind).toBe('html');
    expect(parseResponseBody('<!DOCTYPE html>\n<html>', 'application/json').kind).toBe('html');
    const bad = parseResponseBody('{"a":1,}', 'application/json');
    expect(bad.kind).toBe('invalid_json');
  });
});

describe('isTruncated', () => {
  it('compares the UTF-8 length with Content-Length and skips compressed bodies', () => {
    expect(isTruncated('{"a":1}', { 'content-length': '7' })).toBe(false);
    expect(isTruncated('{"a"', { 'content-length': '70' })).toBe(true);
    expect(isTruncated('{"é":1}', { 'content-length': '8' })).toBe(false);
    expect(isTruncated('{', { 'content-length': '70', 'content-encoding': 'gzip' })).toBe(false);
    expect(isTruncated('{', {})).toBe(false);
  });
});
