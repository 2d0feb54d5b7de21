import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { Principal, VerifiableRequest, VerifyResult } from './auth-types';

/** One API key as the verifier holds it: the secret as a key object, the principal built once. */
export interface HmacKeyEntry {
  readonly key: KeyObject;
  principal: Principal;
}

const SIGNATURE = /^[0-9a-fA-F]{64}$/;
const TIMESTAMP = /^\d{1,16}$/;

function fail(code: string, message: string): VerifyResult {
  return { ok: false, status: 401, code, message };
}

/** Builds the entry for a key (the secret's UTF-8 bytes are the HMAC key, as `@kit/auth` signs). */
export function hmacKeyEntry(secret: string, principal: Principal): HmacKeyEntry {
  return { key: createSecretKey(Buffer.from(secret, 'utf8')), principal };
}

/**
 * Verifies `X-API-Key` / `X-Timestamp` / `X-Signature`: the timestamp within `recvWindowMs` of the
 * server clock, then `hex(HMAC-SHA256(secret, timestamp + METHOD + target + body))` compared in
 * constant time. Messages name what was signed (never the secret or the expected signature).
 */
export function verifyHmac(
  request: VerifiableRequest,
  keyId: string,
  keys: ReadonlyMap<string, HmacKeyEntry>,
  nowMs: number,
  recvWindowMs: number,
): VerifyResult {
  const entry = keys.get(keyId);
  if (entry === undefined)
    return fail('UNKNOWN_API_KEY', 'The API key in X-API-Key is not known to this sandbox');
  const timestamp = request.headers['x-timestamp'];
  if (timestamp === undefined || !TIMESTAMP.test(timestamp)) {
    return fail('INVALID_SIGNATURE', 'X-Timestamp is missing or not epoch milliseconds');
  }
  if (Math.abs(Number(timestamp) - nowMs) > recvWindowMs) {
    return fail(
      'TIMESTAMP_OUTSIDE_WINDOW',
      `X-Timestamp ${timestamp} is ${Number(timestamp) - nowMs} ms from the server clock; the window is ±${recvWindowMs} ms`,
    );
  }
  const signature = request.headers['x-signature'];
  if (signature === undefined || !SIGNATURE.test(signature)) {
    return fail('INVALID_SIGNATURE', 'X-Signature is missing or not 64 hex characters (HMAC-SHA256, hex)');
  }
  // One update of the joined string: each update() is a call into C++, dearer than the concatenation.
  const expected = createHmac('sha256', entry.key)
    .update(timestamp + request.method + request.target + request.body)
    .digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    return fail(
      'INVALID_SIGNATURE',
      `The signature does not match HMAC-SHA256(secret, X-Timestamp + '${request.method}' + '${request.target.slice(0, 200)}' + body of ${Buffer.byteLength(request.body)} bytes)`,
    );
  }
  return { ok: true, principal: entry.principal };
}
