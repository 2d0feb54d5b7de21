import { createHash, createHmac, randomBytes } from 'node:crypto';
import { isKitError } from '@kit/errors';
import { Secret } from '@kit/logger';
import { describe, expect, it } from 'vitest';
import { decodeSecret, hmac, sha256 } from './hmac';

describe('hmac', () => {
  it('reproduces the RFC 4231 test case 2 vectors (SHA-256 and SHA-512)', async () => {
    // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
    expect(await hmac('SHA-256', 'Jefe', 'what do ya want for nothing?', 'hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(await hmac('SHA-512', 'Jefe', 'what do ya want for nothing?', 'hex')).toBe(
      '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    );
  });

  it('matches node:crypto for random keys and data in every encoding', async () => {
    for (let i = 0; i < 20; i++) {
      const key = randomBytes(1 + i * 7);
      const data = randomBytes(i * 13);
      for (const algorithm of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
        const node = createHmac(algorithm.replace('-', '').toLowerCase(), key).update(data);
        const digest = node.digest();
        expect(await hmac(algorithm, new Uint8Array(key), new Uint8Array(data), 'hex')).toBe(
          digest.toString('hex'),
        );
        expect(await hmac(algorithm, new Uint8Array(key), new Uint8Array(data), 'base64')).toBe(
          digest.toString('base64'),
        );
        expect(Array.from(await hmac(algorithm, new Uint8Array(key), new Uint8Array(data), 'bytes'))).toEqual(
          Array.from(digest),
        );
      }
    }
  });

  it('uses a Secret key as UTF-8 text', async () => {
    expect(await hmac('SHA-256', new Secret('Jefe'), 'what do ya want for nothing?', 'hex')).toBe(
      await hmac('SHA-256', 'Jefe', 'what do ya want for nothing?', 'hex'),
    );
  });
});

describe('sha256', () => {
  it('hashes the FIPS 180-2 "abc" vector', async () => {
    expect(await sha256('abc', 'hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('returns raw bytes by default and matches node:crypto', async () => {
    const data = 'nonce=1&pair=XBTUSD';
    expect(Array.from(await sha256(data))).toEqual(Array.from(createHash('sha256').update(data).digest()));
  });
});

describe('decodeSecret', () => {
  it('decodes base64 and hex and refuses malformed input without echoing it', () => {
    expect(Array.from(decodeSecret('AAEC', 'base64'))).toEqual([0, 1, 2]);
    expect(Array.from(decodeSecret('00ff', 'hex'))).toEqual([0, 255]);
    let caught: unknown;
    try {
      decodeSecret('not base64 at all!', 'base64');
    } catch (error) {
      caught = error;
    }
    expect(isKitError(caught, 'auth.invalid_credentials')).toBe(true);
    expect((caught as Error).message).not.toContain('not base64 at all');
  });
});
