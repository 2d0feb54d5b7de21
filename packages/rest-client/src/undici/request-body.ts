import { Readable, Transform } from 'node:stream';
import { AxiosError, type AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';

/** A request body undici can send. */
export type UndiciRequestBody = string | Buffer | Uint8Array | Readable | null;

function isStream(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function';
}

function isSpecFormData(value: unknown): value is FormData {
  return typeof FormData !== 'undefined' && value instanceof FormData;
}

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob;
}

function bodyTooLarge(config: InternalAxiosRequestConfig, request?: unknown): AxiosError {
  return new AxiosError(
    'Request body larger than maxBodyLength limit',
    AxiosError.ERR_BAD_REQUEST,
    config,
    request,
  );
}

/** Counts bytes through a stream body and fails it once `limit` is passed (axios checks streamed bodies the same way). */
function limitStream(source: Readable, limit: number, config: InternalAxiosRequestConfig): Readable {
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      sent += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (sent > limit) callback(bodyTooLarge(config));
      else callback(null, chunk);
    },
  });
  source.on('error', (error) => counter.destroy(error));
  return source.pipe(counter);
}

/**
 * Converts `config.data` (already through axios's `transformRequest`) into an undici body, the
 * way axios's http adapter accepts it: strings, Buffers, ArrayBuffers and typed arrays, streams,
 * spec `FormData` (undici writes the multipart body and its boundary header), Blobs, and
 * `form-data` package objects (their `getHeaders()` are applied). Enforces `maxBodyLength`.
 * Edits `headers` in place like the http adapter does (content type and length).
 * @throws AxiosError `ERR_BAD_REQUEST` for any other data type or a body over `maxBodyLength`.
 */
export function toUndiciBody(config: InternalAxiosRequestConfig, headers: AxiosHeaders): UndiciRequestBody {
  const data: unknown = config.data;
  if (data === undefined || data === null) return null;
  const maxBodyLength = config.maxBodyLength ?? -1;
  if (typeof data === 'string') {
    if (maxBodyLength > -1 && Buffer.byteLength(data) > maxBodyLength) throw bodyTooLarge(config);
    return data;
  }
  if (data instanceof Uint8Array || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    const bytes =
      data instanceof Uint8Array
        ? data
        : data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (maxBodyLength > -1 && bytes.byteLength > maxBodyLength) throw bodyTooLarge(config);
    return bytes;
  }
  if (isSpecFormData(data)) {
    // Serialised with the platform's own multipart encoder (the global FormData belongs to Node's
    // bundled undici, which this package's undici cannot read), boundary header included.
    const encoded = new Response(data);
    headers.setContentType(encoded.headers.get('content-type') ?? 'multipart/form-data');
    return encoded.body ? Readable.fromWeb(encoded.body as Parameters<typeof Readable.fromWeb>[0]) : null;
  }
  if (isBlob(data)) {
    if (data.size) headers.setContentType(data.type || 'application/octet-stream');
    headers.setContentLength(data.size || 0);
    if (maxBodyLength > -1 && data.size > maxBodyLength) throw bodyTooLarge(config);
    return Readable.fromWeb(data.stream() as Parameters<typeof Readable.fromWeb>[0]);
  }
  if (isStream(data)) {
    const getHeaders = (data as { getHeaders?: () => Record<string, string> }).getHeaders;
    if (typeof getHeaders === 'function') headers.set(getHeaders.call(data));
    const readable = data instanceof Readable ? data : new Readable().wrap(data);
    return maxBodyLength > -1 ? limitStream(readable, maxBodyLength, config) : readable;
  }
  throw new AxiosError(
    'Data after transformation must be a string, an ArrayBuffer, a Buffer, or a Stream',
    AxiosError.ERR_BAD_REQUEST,
    config,
  );
}
