import type { ErrorCode } from './catalogue';
import type { ErrorOutcome } from './kit-error';

/** How one low-level error code (Node, undici, OpenSSL, ws) maps onto the catalogue. */
export interface SystemErrorRule {
  /** The KitError code. */
  readonly code: ErrorCode;
  /** Whether the request may have reached the server. */
  readonly outcome: ErrorOutcome;
  /** A more specific hint than the catalogue's, when the low-level code says more. */
  readonly hint?: string;
}

const r = (code: ErrorCode, outcome: ErrorOutcome, hint?: string): SystemErrorRule =>
  hint === undefined ? { code, outcome } : { code, outcome, hint };

const TLS_SELF_SIGNED =
  'The server presented a self-signed or privately issued certificate: add its CA with NODE_EXTRA_CA_CERTS rather than disabling verification.';
const TLS_CHAIN =
  'The certificate chain could not be verified: the server may be missing an intermediate certificate, or a proxy is intercepting TLS (add its CA with NODE_EXTRA_CA_CERTS).';

/**
 * Low-level error codes -> catalogue codes. `ETIMEDOUT` and `ECONNRESET` are refined by syscall
 * and message in `classifyError`; everything not listed here falls through to other checks.
 */
export const SYSTEM_ERROR_RULES: Readonly<Record<string, SystemErrorRule>> = {
  ECONNREFUSED: r('network.connection_refused', 'not_sent'),
  ECONNRESET: r('network.connection_reset', 'unknown'),
  ECONNABORTED: r('network.connection_reset', 'unknown'),
  EPIPE: r('network.connection_reset', 'unknown'),
  ETIMEDOUT: r('timeout.connect', 'not_sent'),
  ESOCKETTIMEDOUT: r('timeout.attempt', 'unknown'),
  ENOTFOUND: r('network.dns_failure', 'not_sent'),
  EAI_AGAIN: r(
    'network.dns_failure',
    'not_sent',
    'DNS lookup failed temporarily; usually transient. If it persists, check the resolver on this machine.',
  ),
  EAI_FAIL: r('network.dns_failure', 'not_sent'),
  EAI_NONAME: r('network.dns_failure', 'not_sent'),
  EAI_NODATA: r('network.dns_failure', 'not_sent'),
  EHOSTUNREACH: r('network.unreachable', 'not_sent'),
  ENETUNREACH: r('network.unreachable', 'not_sent'),
  EHOSTDOWN: r('network.unreachable', 'not_sent'),
  ENETDOWN: r('network.unreachable', 'not_sent'),
  EADDRNOTAVAIL: r('network.unreachable', 'not_sent'),
  ERR_STREAM_PREMATURE_CLOSE: r('network.connection_lost', 'unknown'),
  ABORT_ERR: r('cancelled.aborted', 'unknown'),
  ERR_INVALID_URL: r(
    'client.invalid_argument',
    'not_sent',
    'The URL is malformed: check the base URL and path.',
  ),
  // TLS / OpenSSL
  CERT_HAS_EXPIRED: r(
    'network.tls_failure',
    'not_sent',
    "The server's certificate has expired (or this machine's clock is wrong): check both.",
  ),
  CERT_NOT_YET_VALID: r(
    'network.tls_failure',
    'not_sent',
    "The server's certificate is not valid yet: check this machine's clock.",
  ),
  DEPTH_ZERO_SELF_SIGNED_CERT: r('network.tls_failure', 'not_sent', TLS_SELF_SIGNED),
  SELF_SIGNED_CERT_IN_CHAIN: r('network.tls_failure', 'not_sent', TLS_SELF_SIGNED),
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: r('network.tls_failure', 'not_sent', TLS_CHAIN),
  UNABLE_TO_GET_ISSUER_CERT: r('network.tls_failure', 'not_sent', TLS_CHAIN),
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: r('network.tls_failure', 'not_sent', TLS_CHAIN),
  CERT_UNTRUSTED: r('network.tls_failure', 'not_sent', TLS_CHAIN),
  CERT_REVOKED: r('network.tls_failure', 'not_sent'),
  ERR_TLS_CERT_ALTNAME_INVALID: r(
    'network.tls_failure',
    'not_sent',
    'The certificate does not cover this host name: check the host in the base URL (an IP address or an internal alias will not match the certificate).',
  ),
  ERR_SSL_WRONG_VERSION_NUMBER: r(
    'network.tls_failure',
    'not_sent',
    'The server did not answer TLS: you may be using https:// against a plain-http port.',
  ),
  EPROTO: r('network.tls_failure', 'not_sent'),
  // undici (fetch)
  UND_ERR_CONNECT_TIMEOUT: r('timeout.connect', 'not_sent'),
  UND_ERR_HEADERS_TIMEOUT: r('timeout.attempt', 'unknown'),
  UND_ERR_BODY_TIMEOUT: r('timeout.attempt', 'unknown'),
  UND_ERR_SOCKET: r('network.connection_reset', 'unknown'),
  UND_ERR_CLOSED: r('network.connection_lost', 'unknown'),
  UND_ERR_DESTROYED: r('network.connection_lost', 'unknown'),
  UND_ERR_ABORTED: r('cancelled.aborted', 'unknown'),
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: r('schema.truncated_body', 'unknown'),
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: r('client.invalid_argument', 'not_sent'),
  UND_ERR_INVALID_ARG: r('client.invalid_argument', 'not_sent'),
  UND_ERR_NOT_SUPPORTED: r('client.invalid_argument', 'not_sent'),
  UND_ERR_HEADERS_OVERFLOW: r('client.error', 'unknown'),
  UND_ERR_RES_EXCEEDED_MAX_SIZE: r(
    'client.error',
    'unknown',
    'The response was larger than the configured maximum size: page the request or raise the limit.',
  ),
  // ws
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: r('protocol.ws_message_too_big', 'unknown'),
  WS_ERR_INVALID_UTF8: r('protocol.ws_invalid_payload', 'unknown'),
};

/** The rule for a code, using own properties only (a code of `constructor` never matches). */
export function systemErrorRule(code: string): SystemErrorRule | undefined {
  if (Object.hasOwn(SYSTEM_ERROR_RULES, code)) return SYSTEM_ERROR_RULES[code];
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return r('network.tls_failure', 'not_sent');
  if (code.startsWith('WS_ERR_')) return r('protocol.ws_protocol_error', 'unknown');
  return undefined;
}
