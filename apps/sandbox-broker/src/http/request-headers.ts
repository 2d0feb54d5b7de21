/** The request headers the REST pipeline reads, lower-case names; absent ones are undefined. */
export interface PickedHeaders {
  'x-api-key'?: string;
  'x-timestamp'?: string;
  'x-signature'?: string;
  authorization?: string;
  'idempotency-key'?: string;
  'content-length'?: string;
  'transfer-encoding'?: string;
  [name: string]: string | undefined;
}

const WANTED = new Set([
  'x-api-key',
  'x-timestamp',
  'x-signature',
  'authorization',
  'idempotency-key',
  'content-length',
  'transfer-encoding',
]);
const LENGTHS = new Set([...WANTED].map((name) => name.length));

/**
 * Reads only the headers the pipeline needs from `rawHeaders` (first occurrence wins). node:http
 * builds `req.headers` lazily on first access, one property per header; a signed GET needs four
 * of them, so skipping the object is a measurable part of the hot path (bench/sandbox.bench.ts).
 */
export function pickHeaders(rawHeaders: readonly string[]): PickedHeaders {
  const picked: PickedHeaders = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (!LENGTHS.has(name.length)) continue;
    const lower = name.toLowerCase();
    if (WANTED.has(lower) && picked[lower] === undefined) picked[lower] = rawHeaders[i + 1];
  }
  return picked;
}
