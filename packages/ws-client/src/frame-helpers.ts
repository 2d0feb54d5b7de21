/** Decodes a frame as UTF-8 JSON (the default `protocol.decode`). @internal */
export function decodeDefault(data: string | ArrayBuffer): unknown {
  return JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
}

/** The close code Node `ws` used when it rejected an inbound frame itself (its `WS_ERR_*` errors). @internal */
export function localCloseCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('WS_ERR_')) return undefined;
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return 1009;
  if (code === 'WS_ERR_INVALID_UTF8') return 1007;
  return 1002;
}

/** The URL without credentials or query string, for logs. @internal */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '[invalid url]';
  }
}
