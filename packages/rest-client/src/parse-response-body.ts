/** What a response body turned out to be. */
export type ParsedBody =
  | { kind: 'empty'; value: undefined }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; value: string }
  | { kind: 'html'; value: string }
  | { kind: 'invalid_json'; value: string; error: Error };

const HTML_START = /^\s*<(!doctype\s+html|html|head|body)[\s>]/i;
const JSON_START = /^\s*[[{"]/;

/**
 * Classifies and parses a body without throwing: empty, JSON (by content type, or by its first
 * character when there is no content type), an HTML page (by content type or an `<html`/`<!doctype`
 * start, whatever the content type claims), malformed JSON, or plain text.
 */
export function parseResponseBody(text: string, contentType: string | undefined): ParsedBody {
  if (text.length === 0) return { kind: 'empty', value: undefined };
  // The HTML check costs a regex, so it runs only when the content type says HTML or the body
  // starts (after whitespace) with '<'; a JSON body never does.
  if (contentType?.includes('html') || (firstNonSpace(text) === LESS_THAN && HTML_START.test(text))) {
    return { kind: 'html', value: text };
  }
  const json = contentType === undefined ? JSON_START.test(text) : contentType.includes('json');
  if (!json) return { kind: 'text', value: text };
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch (error) {
    return { kind: 'invalid_json', value: text, error: error as Error };
  }
}

const LESS_THAN = 60;

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length && i < 64; i++) {
    const code = text.charCodeAt(i);
    if (code !== 32 && code !== 9 && code !== 10 && code !== 13 && code !== 0xfeff) return code;
  }
  return -1;
}

/**
 * Whether a body is shorter than its `Content-Length` says (a connection closed mid-body that the
 * transport did not report). Compressed responses are skipped: their length is of the wire bytes.
 * Cheap for the common case (ASCII, complete): the UTF-8 length is only computed when the string is
 * shorter than the header.
 */
export function isTruncated(text: string, headers: Record<string, string>): boolean {
  const header = headers['content-length'];
  if (header === undefined || headers['content-encoding'] !== undefined) return false;
  const expected = Number(header);
  if (!Number.isFinite(expected) || text.length >= expected) return false;
  // axios strips a UTF-8 byte-order mark (3 bytes) from text bodies.
  return new TextEncoder().encode(text).length + 3 < expected;
}
