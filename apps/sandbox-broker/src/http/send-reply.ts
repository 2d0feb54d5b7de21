import type { ServerResponse } from 'node:http';
import type { ApiError } from '../api-error';

/** The JSON content type every answer but the HTML fault carries. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Writes a complete answer in one `writeHead` + `end` with a flat header list (the cheapest form
 * node:http takes): content type, length and request id first, then `extra`.
 */
export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  requestId: string,
  extra: readonly string[],
  contentType: string = JSON_TYPE,
): void {
  const headers = [
    'content-type',
    contentType,
    'content-length',
    String(Buffer.byteLength(body)),
    'x-request-id',
    requestId,
  ];
  for (let i = 0; i < extra.length; i++) headers.push(extra[i]!);
  res.writeHead(status, headers);
  res.end(body);
}

/** The one error body shape: `{ "error": { code, message, requestId, ...extra } }`. */
export function errorBody(error: ApiError, requestId: string): string {
  return JSON.stringify({ error: { code: error.code, message: error.message, requestId, ...error.extra } });
}

/** Resets the connection (TCP RST where the platform can), so the client sees ECONNRESET. */
export function resetSocket(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}
