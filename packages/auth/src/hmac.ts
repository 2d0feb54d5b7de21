import { KitError } from '@kit/errors';
import { isSecret, type Secret } from '@kit/logger';
import { registerSignature } from './derived-secrets';
import { type Bytes, fromBase64, fromHex, toBase64, toHex, utf8 } from './encoding';

/** Hash functions the HMAC helpers support (WebCrypto names). */
export type HmacAlgorithm = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** How a signature or digest is written out. */
export type DigestEncoding = 'hex' | 'base64';

/** How a secret string is turned into key bytes: as UTF-8 text, or decoded from base64 or hex. */
export type SecretEncoding = 'utf8' | 'base64' | 'hex';

/** Key material: UTF-8 text, a Secret (UTF-8 text), or raw bytes. */
export type KeyInput = string | Secret | Uint8Array;

/** Data to sign or hash: UTF-8 text or raw bytes. */
export type DataInput = string | Uint8Array;

function subtle(): SubtleCrypto {
  const api = globalThis.crypto?.subtle;
  if (!api) {
    throw new KitError('internal.unexpected', {
      message: 'WebCrypto (globalThis.crypto.subtle) is not available',
      hint: 'Run on Node >= 20.19 or a browser in a secure context (https or localhost); signing needs WebCrypto.',
    });
  }
  return api;
}

function toBytes(data: DataInput): Bytes {
  return typeof data === 'string' ? utf8(data) : new Uint8Array(data);
}

/** Key bytes from a secret string in the given encoding (`utf8`, `base64` or `hex`). */
export function decodeSecret(secret: string, encoding: SecretEncoding, what = 'API secret'): Bytes {
  if (encoding === 'base64') return fromBase64(secret, what);
  if (encoding === 'hex') return fromHex(secret, what);
  return utf8(secret);
}

/** Imports HMAC key material once, for strategies that sign many requests with one secret. */
export function importHmacKey(algorithm: HmacAlgorithm, key: KeyInput): Promise<CryptoKey> {
  const raw = isSecret(key) ? utf8(key.reveal()) : toBytes(key as DataInput);
  return subtle().importKey('raw', raw, { name: 'HMAC', hash: algorithm }, false, ['sign']);
}

/** Signs with an imported key; raw signature bytes. */
export async function signWithKey(key: CryptoKey, data: DataInput): Promise<Bytes> {
  return new Uint8Array(await subtle().sign('HMAC', key, toBytes(data)));
}

function encode(bytes: Bytes, encoding: DigestEncoding | 'bytes'): string | Bytes {
  if (encoding === 'hex') return toHex(bytes);
  if (encoding === 'base64') return toBase64(bytes);
  return bytes;
}

/**
 * HMAC of `data` under `key` with WebCrypto (Node and browsers), written as hex or base64, or as
 * raw bytes with `'bytes'`. A string key is used as UTF-8 text; decode base64 secrets first
 * ({@link decodeSecret}) or pass bytes. A hex or base64 result is a credential (a signature) and is
 * registered for redaction as a transient secret (@kit/logger's `registerTransientSecret`).
 *
 * @example
 * ```ts
 * await hmac('SHA-256', 'key', 'The quick brown fox jumps over the lazy dog', 'hex');
 * // 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8'
 * ```
 */
export function hmac(
  algorithm: HmacAlgorithm,
  key: KeyInput,
  data: DataInput,
  encoding: DigestEncoding,
): Promise<string>;
/** HMAC of `data` under `key` with WebCrypto, as raw bytes (the signature before encoding). */
export function hmac(
  algorithm: HmacAlgorithm,
  key: KeyInput,
  data: DataInput,
  encoding: 'bytes',
): Promise<Bytes>;
export async function hmac(
  algorithm: HmacAlgorithm,
  key: KeyInput,
  data: DataInput,
  encoding: DigestEncoding | 'bytes',
): Promise<string | Bytes> {
  const imported = await importHmacKey(algorithm, key);
  const signature = encode(await signWithKey(imported, data), encoding);
  // A keyed digest is a credential (a request signature): registered for redaction at once.
  if (typeof signature === 'string') registerSignature(signature);
  return signature;
}

/**
 * SHA-256 of `data` (UTF-8 text or bytes) with WebCrypto: raw bytes by default, or hex/base64.
 *
 * @example
 * ```ts
 * await sha256('abc', 'hex'); // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export function sha256(data: DataInput): Promise<Bytes>;
/** SHA-256 of `data` (UTF-8 text or bytes) with WebCrypto, written as hex or base64. */
export function sha256(data: DataInput, encoding: DigestEncoding): Promise<string>;
/** SHA-256 of `data` (UTF-8 text or bytes) with WebCrypto, as raw bytes. */
export function sha256(data: DataInput, encoding: 'bytes'): Promise<Bytes>;
export async function sha256(
  data: DataInput,
  encoding: DigestEncoding | 'bytes' = 'bytes',
): Promise<string | Bytes> {
  const digest = new Uint8Array(await subtle().digest('SHA-256', toBytes(data)));
  return encode(digest, encoding);
}
