import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import * as zlib from 'node:zlib';

/** A content coding the adapter can undo, as axios's http adapter supports them. */
export type ContentCoding = 'gzip' | 'deflate' | 'br';

// Z_SYNC_FLUSH as the final flush tolerates a body the server cut off at a block boundary, as axios does.
const ZLIB_OPTIONS: zlib.ZlibOptions = {
  flush: zlib.constants.Z_SYNC_FLUSH,
  finishFlush: zlib.constants.Z_SYNC_FLUSH,
};
const BROTLI_OPTIONS: zlib.BrotliOptions = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

/** The coding to undo for a `content-encoding` header value, or `undefined` to pass the body through. */
export function contentCodingOf(header: unknown): ContentCoding | undefined {
  if (typeof header !== 'string') return undefined;
  switch (header.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
    case 'compress':
    case 'x-compress':
      return 'gzip';
    case 'deflate':
      return 'deflate';
    case 'br':
      return 'br';
    default:
      return undefined;
  }
}

/**
 * Decompresses a whole buffered body. `maxOutputBytes` (when >= 0) bounds the output so a
 * compression bomb fails fast with a RangeError (`ERR_BUFFER_TOO_LARGE`) instead of filling memory.
 */
export function decompressBuffer(body: Buffer, coding: ContentCoding, maxOutputBytes: number): Buffer {
  if (body.length === 0) return body;
  const limit = maxOutputBytes > -1 ? { maxOutputLength: Math.max(1, maxOutputBytes + 1) } : {};
  switch (coding) {
    case 'gzip':
      return zlib.unzipSync(body, { ...ZLIB_OPTIONS, ...limit });
    case 'deflate':
      // Servers send both zlib-wrapped and raw deflate under this name (axios sniffs the header too).
      return (body[0]! & 0x0f) === 0x08
        ? zlib.inflateSync(body, { ...ZLIB_OPTIONS, ...limit })
        : zlib.inflateRawSync(body, { ...ZLIB_OPTIONS, ...limit });
    case 'br':
      return zlib.brotliDecompressSync(body, { ...BROTLI_OPTIONS, ...limit });
  }
}

/** A decompressing stream for `responseType: 'stream'`; errors on `source` propagate to the result. */
export function decompressStream(source: Readable, coding: ContentCoding): Transform {
  const decoder =
    coding === 'br'
      ? zlib.createBrotliDecompress(BROTLI_OPTIONS)
      : coding === 'gzip'
        ? zlib.createUnzip(ZLIB_OPTIONS)
        : zlib.createInflate(ZLIB_OPTIONS);
  return pipeline(source, decoder, () => {});
}
