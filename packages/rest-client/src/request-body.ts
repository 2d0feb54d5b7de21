import { KitError } from '@kit/errors';

/** A request body: JSON-serialisable data, `URLSearchParams` (sent as a form), or a string sent as is. */
export type RequestBody = unknown;

/** A body ready for the wire, and the content type it implies. */
export interface SerializedBody {
  /** The exact text sent (and signed). */
  text: string;
  /** The content type to send, unless the caller set one. */
  contentType: string | undefined;
}

/**
 * Serialises a body once per logical call, so every attempt (and every signature) covers the same
 * bytes: `URLSearchParams` as `application/x-www-form-urlencoded`, a string as is (the caller sets
 * the content type), anything else as JSON.
 *
 * @returns undefined when there is no body.
 */
export function serializeBody(body: RequestBody): SerializedBody | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return { text: body, contentType: undefined };
  if (body instanceof URLSearchParams) {
    return { text: body.toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch (cause) {
    // A BigInt or a circular structure: the caller's bug, reported before anything is sent.
    throw new KitError('client.invalid_argument', {
      message: 'The request body cannot be serialised as JSON',
      cause,
      outcome: 'not_sent',
    });
  }
  return { text, contentType: 'application/json' };
}
