import { Readable } from 'node:stream';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { contentCodingOf, decompressBuffer, decompressStream } from './decompress';

const TEXT = JSON.stringify({ quote: 'BTC-USD', levels: Array.from({ length: 50 }, (_, i) => [i, i * 2]) });

describe('decompress', () => {
  it('maps content-encoding values the way axios does, ignoring unknown codings', () => {
    expect(['gzip', 'x-gzip', 'compress', 'x-compress', ' GZIP '].map(contentCodingOf)).toEqual([
      'gzip',
      'gzip',
      'gzip',
      'gzip',
      'gzip',
    ]);
    expect(contentCodingOf('deflate')).toBe('deflate');
    expect(contentCodingOf('br')).toBe('br');
    expect(contentCodingOf('identity')).toBeUndefined();
    expect(contentCodingOf(undefined)).toBeUndefined();
  });

  it.each([
    ['gzip', 'gzip' as const, gzipSync(TEXT)],
    ['zlib-wrapped deflate', 'deflate' as const, deflateSync(TEXT)],
    ['raw deflate', 'deflate' as const, deflateRawSync(TEXT)],
    ['brotli', 'br' as const, brotliCompressSync(TEXT)],
  ])('decompresses a buffered %s body', (_name, coding, body) => {
    expect(decompressBuffer(body, coding, -1).toString('utf8')).toBe(TEXT);
  });

  it('stops a compression bomb at the output limit', () => {
    const bomb = gzipSync(Buffer.alloc(1_000_000));
    expect(() => decompressBuffer(bomb, 'gzip', 1000)).toThrow(
      expect.objectContaining({ code: 'ERR_BUFFER_TOO_LARGE' }),
    );
  });

  it('decompresses a streamed body', async () => {
    const stream = decompressStream(Readable.from([gzipSync(TEXT)]), 'gzip');
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(TEXT);
  });
});
