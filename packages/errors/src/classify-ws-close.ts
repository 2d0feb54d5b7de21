import type { ErrorCode } from './catalogue';
import { KitError } from './kit-error';
import { sanitizeText } from './safe-text';

/** What a WebSocket client should do after a close (ws-client implements it; `classifyClose()` can override). */
export type WsCloseAction =
  /** Reconnect with the normal backoff. */
  | 'reconnect'
  /** Reconnect after a short pause (1-5 s): the server is restarting. */
  | 'reconnect_after_pause'
  /** Reconnect, backing off from 10 s: the server is overloaded. */
  | 'backoff'
  /** Re-authenticate once; if that is rejected too, fail. */
  | 'reauthenticate_once'
  /** Do not reconnect: the same connection would fail the same way. */
  | 'fail';

/** One row of {@link WS_CLOSE_CODE_DEFAULTS}. */
export interface WsCloseRule {
  /** The close code, or the first code of the range. */
  readonly from: number;
  /** The last code of the range (equal to `from` for a single code). */
  readonly to: number;
  /** The KitError code produced. */
  readonly code: ErrorCode;
  /** Whether reconnecting can help. */
  readonly retryable: boolean;
  /** What the client does by default. */
  readonly action: WsCloseAction;
  /** What the close code means, for documentation tables. */
  readonly meaning: string;
}

const rule = (
  from: number,
  to: number,
  code: ErrorCode,
  retryable: boolean,
  action: WsCloseAction,
  meaning: string,
): WsCloseRule => ({ from, to, code, retryable, action, meaning });

/**
 * The default close-code table, first match wins. Exported so @kit/ws-client can
 * document it and apps can print it. Auth-looking reasons (`auth`, `unauthorized`, `invalid key`,
 * …) on 1000 and 3000-4499 are classified `protocol.ws_auth_rejected` before this table is used.
 */
export const WS_CLOSE_CODE_DEFAULTS: readonly WsCloseRule[] = [
  rule(1000, 1000, 'protocol.ws_normal_close', true, 'reconnect', 'Normal closure'),
  rule(1001, 1001, 'protocol.ws_going_away', true, 'reconnect', 'Going away (server shutdown or navigation)'),
  rule(1002, 1002, 'protocol.ws_protocol_error', false, 'fail', 'Protocol error'),
  rule(1003, 1003, 'protocol.ws_unsupported_data', false, 'fail', 'Unsupported data type'),
  // 1005 is "closed without a status code": servers that close cleanly but lazily send it.
  rule(1005, 1005, 'protocol.ws_normal_close', true, 'reconnect', 'No status code received'),
  rule(1006, 1006, 'protocol.ws_abnormal_close', true, 'reconnect', 'Abnormal closure (no close frame)'),
  rule(1007, 1007, 'protocol.ws_invalid_payload', false, 'fail', 'Invalid frame payload data'),
  rule(1008, 1008, 'protocol.ws_policy_violation', false, 'reauthenticate_once', 'Policy violation'),
  rule(1009, 1009, 'protocol.ws_message_too_big', false, 'fail', 'Message too big'),
  rule(1011, 1011, 'protocol.ws_internal_error', true, 'reconnect', 'Internal server error'),
  rule(1012, 1012, 'protocol.ws_server_restart', true, 'reconnect_after_pause', 'Service restart'),
  rule(1013, 1013, 'protocol.ws_try_again_later', true, 'backoff', 'Try again later'),
  rule(1014, 1014, 'protocol.ws_internal_error', true, 'reconnect', 'Bad gateway'),
  rule(1015, 1015, 'protocol.ws_tls_failure', false, 'fail', 'TLS handshake failure'),
  // IANA-registered 3000 Unauthorized and 3003 Forbidden; 4001/4003 and 4401/4403 by convention.
  rule(3000, 3000, 'protocol.ws_auth_rejected', false, 'reauthenticate_once', 'Unauthorized'),
  rule(3003, 3003, 'protocol.ws_auth_rejected', false, 'reauthenticate_once', 'Forbidden'),
  rule(4001, 4001, 'protocol.ws_auth_rejected', false, 'reauthenticate_once', 'Unauthorized (application)'),
  rule(4003, 4003, 'protocol.ws_auth_rejected', false, 'reauthenticate_once', 'Forbidden (application)'),
  rule(4401, 4401, 'protocol.ws_auth_rejected', false, 'reauthenticate_once', 'Unauthorized (application)'),
  rule(4403, 4403, 'protocol.ws_auth_rejected', false, 'reauthenticate_once', 'Forbidden (application)'),
  rule(4000, 4499, 'protocol.ws_closed', true, 'reconnect', 'Application-defined, retryable by convention'),
  rule(4500, 4999, 'protocol.ws_closed', false, 'fail', 'Application-defined, fatal by convention'),
];

const AUTH_REASON =
  /\b(auth\w*|unauthori[sz]ed|forbidden|invalid (api[- ]?)?key|invalid signature|invalid token|login failed|permission denied)\b/i;
const MAX_REASON_BYTES = 123;

/** Truncates to at most 123 UTF-8 bytes (the protocol's limit) on a character boundary. */
function truncateReason(reason: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(reason).length <= MAX_REASON_BYTES) return reason;
  let out = '';
  let bytes = 0;
  for (const char of reason) {
    const size = encoder.encode(char).length;
    if (bytes + size > MAX_REASON_BYTES) break;
    out += char;
    bytes += size;
  }
  return out;
}

/** The rule for a close code and reason, or `undefined` when no default applies (`protocol.ws_closed`). */
export function findWsCloseRule(code: number, reason = ''): WsCloseRule | undefined {
  const authLooking = AUTH_REASON.test(reason);
  if (authLooking && (code === 1000 || (code >= 3000 && code <= 4499))) {
    return rule(
      code,
      code,
      'protocol.ws_auth_rejected',
      false,
      'reauthenticate_once',
      'Auth failure (by reason)',
    );
  }
  return WS_CLOSE_CODE_DEFAULTS.find((candidate) => code >= candidate.from && code <= candidate.to);
}

/**
 * Turns a WebSocket close code and reason into a KitError per the default table
 * ({@link WS_CLOSE_CODE_DEFAULTS}). `closeCode` and `closeReason` (sanitised, at most 123 bytes) are
 * set; unknown codes become `protocol.ws_closed` (not retryable).
 *
 * @example
 * ```ts
 * socket.addEventListener('close', (event) => {
 *   const error = classifyWsClose(event.code, event.reason);
 *   if (error.retryable) scheduleReconnect();
 * });
 * ```
 */
export function classifyWsClose(code: number, reason?: string): KitError {
  const closeReason = reason ? truncateReason(sanitizeText(reason, MAX_REASON_BYTES)) : undefined;
  const validCode = Number.isInteger(code) ? code : undefined;
  const match = validCode === undefined ? undefined : findWsCloseRule(validCode, reason ?? '');
  const errorCode: ErrorCode = match?.code ?? 'protocol.ws_closed';
  const described = closeReason
    ? `${String(validCode ?? 'no code')} "${closeReason}"`
    : String(validCode ?? 'no code');
  return new KitError(errorCode, {
    message: `WebSocket closed (${described}): ${match?.meaning ?? 'unrecognised close code'}`,
    closeCode: validCode,
    closeReason,
    retryable: match?.retryable ?? false,
  });
}
