import { classifyError, KitError } from '@kit/errors';
import { localCloseCode } from './frame-helpers';
import type { CloseDecision } from './options';

/** A socket that closed, as its session saw it. @internal */
export interface ClosedSocket {
  code: number;
  reason: string;
  /** Whether the handshake had completed (else the upgrade failed). */
  opened: boolean;
  /** The last error the socket reported: a refused upgrade's response, Node `ws`'s own frame error. */
  lastError: unknown;
}

/** What classifying a close needs from the client's options. @internal */
export interface CloseClassificationSettings {
  classifyClose: (code: number, reason: string) => CloseDecision;
  url: string;
  maxPayloadBytes: number;
}

/** A close, classified: the effective code, and what to do about it. @internal */
export interface ClassifiedClose extends CloseDecision {
  /** The close code, or the one Node `ws` closed with itself when it reported 1006. */
  code: number;
}

/**
 * What a close means: after the handshake, `classifyClose` on the code and reason; a failed
 * upgrade from the HTTP answer or the network error behind it. No side effects. @internal
 */
export function classifySocketClose(
  closed: ClosedSocket,
  settings: CloseClassificationSettings,
): ClassifiedClose {
  // Node `ws` fails a bad inbound frame locally (1009 too big, 1007 bad UTF-8, 1002 protocol) and
  // then reports 1006: recover the code it closed with from its error.
  const local = localCloseCode(closed.lastError);
  const code = closed.code === 1006 && local !== undefined ? local : closed.code;
  const decision = closed.opened
    ? settings.classifyClose(code, closed.reason)
    : handshakeFailure(closed.lastError, code, closed.reason, settings);
  if (code === 1009 && decision.error.code === 'protocol.ws_message_too_big') {
    return {
      code,
      action: decision.action,
      error: messageTooBig(decision.error, local === 1009, settings.maxPayloadBytes),
    };
  }
  return { code, action: decision.action, error: decision.error };
}

/** A 1009 that names the limit involved, so the fix is one search away. */
function messageTooBig(error: KitError, byClient: boolean, limit: number): KitError {
  return new KitError('protocol.ws_message_too_big', {
    message: byClient
      ? `An inbound WebSocket message was larger than maxPayloadBytes (${limit} bytes, Node ws's maxPayload): the client closed with 1009`
      : 'The server closed with 1009: a message this client sent was larger than the server accepts',
    hint: byClient
      ? `Raise \`maxPayloadBytes\` (now ${limit}) above the venue's largest message (usually a snapshot), or subscribe to fewer channels per connection. kit does not reconnect: the same message would arrive again.`
      : "Send smaller messages: lower `subscribeBatchSize` (or the protocol's `maxSubscriptionsPerMessage`) and split large requests. kit does not reconnect: the same message would be refused again.",
    closeCode: 1009,
    closeReason: error.closeReason,
    retryable: false,
    details: { closedBy: byClient ? 'client' : 'server', maxPayloadBytes: limit },
  });
}

function handshakeFailure(
  cause: unknown,
  code: number,
  reason: string,
  settings: CloseClassificationSettings,
): CloseDecision {
  if (cause !== undefined) {
    const error = classifyError(cause, { method: 'GET', path: new URL(settings.url).pathname });
    // A failed upgrade: an auth status re-authenticates once; a TLS failure or an HTTP answer
    // that will not change (404 wrong path, 400, 405, 410) fails; the rest (5xx, 429) is transient.
    if (error.category === 'auth' || error.category === 'permission')
      return { error, action: 'reauthenticate_once' };
    const final = error.code === 'network.tls_failure' || (error.status !== undefined && !error.retryable);
    return { error, action: final ? 'fail' : 'reconnect' };
  }
  return settings.classifyClose(code, reason);
}
