import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CIRCULAR, createRedactor, MAX_DEPTH, redact, UNREADABLE } from './redact';
import { Secret } from './secret';
import { REDACTED } from './secret-registry';

describe('redact', () => {
  it('masks sensitive keys at any depth, in any case, inside arrays and Maps', () => {
    const input = {
      request: {
        headers: { Authorization: 'Bearer abc', 'X-API-KEY': 'k', accept: 'json' },
        body: [{ password: 'p1' }, { nested: { CLIENT_SECRET: 'cs' } }],
      },
      byName: new Map<string, unknown>([
        ['token', 't'],
        ['symbol', 'BTC'],
      ]),
    };
    expect(redact(input)).toEqual({
      request: {
        headers: { Authorization: REDACTED, 'X-API-KEY': REDACTED, accept: 'json' },
        body: [{ password: REDACTED }, { nested: { CLIENT_SECRET: REDACTED } }],
      },
      byName: { token: REDACTED, symbol: 'BTC' },
    });
  });

  it('masks any value under an exact key but keeps counters under key fragments', () => {
    expect(
      redact({ token: 12345, tokensLeft: 495, hasPassword: true, apiSecret: 'x', tokenBucket: { n: 1 } }),
    ).toEqual({
      token: REDACTED,
      tokensLeft: 495,
      hasPassword: true,
      apiSecret: REDACTED,
      tokenBucket: REDACTED,
    });
  });

  it('keeps null and undefined under sensitive keys (they show a credential is missing, not what it is)', () => {
    expect(redact({ password: null, token: undefined })).toEqual({ password: null, token: undefined });
  });

  it('masks Secret instances wherever they are', () => {
    const secret = new Secret('rd-secret-instance-1');
    expect(redact({ a: [secret], b: new Set([secret]) })).toEqual({ a: [REDACTED], b: [REDACTED] });
  });

  it('copies Errors with name, message, own fields, stack and the whole cause chain, redacted', () => {
    new Secret('rd-err-secret-55');
    const root = new Error('socket closed for rd-err-secret-55');
    const middle = new Error('request failed ?signature=abc', { cause: root });
    const top = Object.assign(new TypeError('wrapper', { cause: middle }), { code: 'E_X', password: 'p' });
    const out = redact(top) as Record<string, unknown>;
    expect(out).toMatchObject({
      name: 'TypeError',
      message: 'wrapper',
      code: 'E_X',
      password: REDACTED,
      cause: {
        name: 'Error',
        message: `request failed ?signature=${REDACTED}`,
        cause: { message: `socket closed for ${REDACTED}` },
      },
    });
    expect(typeof out.stack).toBe('string');
    expect(JSON.stringify(out)).not.toContain('rd-err-secret-55');
  });

  it('marks circular references and never throws on them', () => {
    const a: Record<string, unknown> = { name: 'a' };
    const b: Record<string, unknown> = { a };
    a.b = b;
    a.list = [a];
    const error = new Error('loop') as Error & { cause?: unknown };
    error.cause = error;
    expect(redact(a)).toEqual({ name: 'a', b: { a: CIRCULAR }, list: [CIRCULAR] });
    expect((redact(error) as { cause: unknown }).cause).toBe(CIRCULAR);
  });

  it('repeats a shared (non-circular) object instead of calling it circular', () => {
    const shared = { id: 1 };
    expect(redact({ x: shared, y: shared })).toEqual({ x: { id: 1 }, y: { id: 1 } });
  });

  it('marks getters and toJSON methods that throw instead of throwing', () => {
    const hostile = {
      ok: 1,
      get broken(): string {
        throw new Error('boom');
      },
    };
    const badJson = {
      toJSON: () => {
        throw new Error('nope');
      },
    };
    expect(redact({ hostile, badJson })).toEqual({
      hostile: { ok: 1, broken: UNREADABLE },
      badJson: UNREADABLE,
    });
  });

  it('survives a Proxy whose traps throw', () => {
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(redact({ proxy })).toEqual({ proxy: UNREADABLE });
  });

  it('bounds depth, string length, array length and key count', () => {
    const redactor = createRedactor({ maxDepth: 2, maxStringLength: 5, maxArrayLength: 2, maxKeys: 2 });
    expect(redactor.value({ a: { b: { c: { d: 1 } } } })).toEqual({ a: { b: { c: MAX_DEPTH } } });
    expect(redactor.value('abcdefgh')).toBe('abcde…[truncated 3 chars]');
    expect(redactor.value([1, 2, 3, 4])).toEqual([1, 2, '[… 2 more]']);
    expect(redactor.value({ a: 1, b: 2, c: 3 })).toEqual({ a: 1, b: 2, '…': '1 more keys' });
  });

  it('redacts a long string before cutting it, so a secret at the cut cannot half-leak', () => {
    new Secret('rd-cut-secret-0001');
    const redactor = createRedactor({ maxStringLength: 12 });
    expect(redactor.value('xxxxxxxxrd-cut-secret-0001')).toBe(
      `xxxxxxxx${REDACTED.slice(0, 4)}…[truncated 6 chars]`,
    );
  });

  it('turns values JSON cannot hold into readable strings', () => {
    function named(): void {}
    const out = redact({
      when: new Date(0),
      bad: new Date(Number.NaN),
      big: 10n,
      sym: Symbol('s'),
      fn: named,
      re: /x/g,
      bytes: new Uint8Array(3),
      url: new URL('https://h/p?token=abc'),
    });
    expect(out).toEqual({
      when: '1970-01-01T00:00:00.000Z',
      bad: 'Invalid Date',
      big: '10',
      sym: 'Symbol(s)',
      fn: '[Function: named]',
      re: '/x/g',
      bytes: '[Uint8Array(3 bytes)]',
      url: `https://h/p?token=${REDACTED}`,
    });
  });

  it('uses toJSON where an object defines one (and redacts its result)', () => {
    const config = { toJSON: () => ({ headers: { authorization: 'Bearer z' }, url: '/v1' }) };
    expect(redact(config)).toEqual({ headers: { authorization: REDACTED }, url: '/v1' });
  });

  it('does not modify its input', () => {
    const input = { password: 'p', nested: { token: 't' } };
    redact(input);
    expect(input).toEqual({ password: 'p', nested: { token: 't' } });
    expect(inspect(input)).toContain("'p'");
  });

  it('applies extra keys from the options', () => {
    expect(redact({ accountNumber: '123', other: 'x' }, { keys: ['account_number'] })).toEqual({
      accountNumber: REDACTED,
      other: 'x',
    });
  });
});
