/**
 * The error catalogue: every code kit can produce, as data. The troubleshooting pages under
 * `docs/troubleshooting/` are generated from this table (`pnpm docs:generate`) and CI fails if they drift.
 *
 * Codes are stable once released: rename never, add freely, deprecate in the hint.
 */

/** The broad family of a failure, for dashboards and coarse handling. */
export type ErrorCategory =
  | 'auth'
  | 'permission'
  | 'rate_limit'
  | 'network'
  | 'timeout'
  | 'server'
  | 'client'
  | 'not_found'
  | 'conflict'
  | 'validation'
  | 'schema'
  | 'config'
  | 'cancelled'
  | 'protocol'
  | 'internal';

/** One catalogue row. */
export interface CatalogueEntry {
  /** The broad family of the failure. */
  readonly category: ErrorCategory;
  /** Whether retrying the same request can succeed (before method and idempotency rules apply). */
  readonly retryable: boolean;
  /** A short title, used as the default error message. */
  readonly title: string;
  /** One sentence a customer can act on. */
  readonly hint: string;
}

const entry = (category: ErrorCategory, retryable: boolean, title: string, hint: string): CatalogueEntry => ({
  category,
  retryable,
  title,
  hint,
});

/** The catalogue. Keys are the stable dotted codes. */
// biome-ignore format: one row per code keeps the table scannable and lets other packages append a code with a one-line edit
export const ERROR_CATALOGUE = {
  // auth
  'auth.invalid_credentials': entry('auth', false, 'The credentials were rejected', 'Check the API key, secret or client id/secret for this environment (sandbox keys do not work in production) and that they have not been revoked.'),
  'auth.expired_token': entry('auth', false, 'The access token has expired', 'Let kit refresh the token (use an OAuth2 or token-provider strategy) or supply a fresh token; if it persists, check the machine clock.'),
  'auth.insufficient_permissions': entry('permission', false, 'The credentials lack a required permission', 'Grant the API key or OAuth client the scope or permission this endpoint needs (for example trading or withdrawal rights) in the provider console.'),
  'auth.invalid_signature': entry('auth', false, 'The request signature was rejected', 'Check the API secret (and its encoding: some venues give it base64-encoded), the signing preset, and that the body and query are signed exactly as sent.'),
  'auth.clock_skew': entry('auth', true, "The request timestamp is outside the server's window", "Sync the machine clock (NTP) or enable kit's server-time skew correction; a larger recvWindow only hides the problem."),
  'auth.insecure_transport': entry('auth', false, 'Credentials would be sent over plain http', 'Use an https:// (or wss://) URL for non-loopback hosts; plain http is only allowed for 127.0.0.1, ::1 and localhost.'),
  'auth.missing_credentials': entry('auth', false, 'No credentials were provided', 'Set the API key / secret (or OAuth client id and secret) in the config or the environment before calling an authenticated endpoint.'),
  'auth.token_endpoint_failed': entry('auth', true, 'The token endpoint failed', 'Check the token URL and that the identity provider is up; kit retries it with backoff, so a lasting failure is an outage or a wrong URL.'),
  // rate limits
  'rate_limit.exceeded': entry('rate_limit', true, 'Rate limit exceeded', 'Lower the request rate or raise the configured limit to match your plan; kit waits for Retry-After when it is short enough.'),
  'rate_limit.queue_full': entry('rate_limit', false, 'The rate-limit queue is full', 'Too many requests are waiting for the limiter: send fewer concurrent requests or raise `maxQueueSize`.'),
  'rate_limit.ip_banned': entry('rate_limit', false, 'This IP address is banned by the server', 'Stop sending for the ban period the provider states, then lower the request rate; repeated 429s escalate to IP bans on many venues.'),
  'rate_limit.concurrency_limit': entry('rate_limit', false, 'Too many calls are running at once', 'The bulkhead is full: send fewer concurrent requests or raise `bulkhead.maxConcurrent` / `bulkhead.maxQueued`.'),
  'rate_limit.store_unavailable': entry('rate_limit', true, 'The shared rate-limit store is unavailable', 'Check the Redis connection (REDIS_URL, network, auth); with `failOpen: false` requests wait or fail until Redis is back.'),
  // network
  'network.connection_refused': entry('network', true, 'The connection was refused', 'Check the host and port, and that the server is running and reachable from this machine (firewall, VPN, proxy).'),
  'network.connection_reset': entry('network', true, 'The connection was reset', 'Usually transient (a proxy or load balancer dropped the socket); if it persists, check proxies and idle timeouts between you and the server.'),
  'network.dns_failure': entry('network', true, 'The host name could not be resolved', 'Check the host name in the base URL for typos and that DNS works on this machine.'),
  'network.tls_failure': entry('network', false, 'The TLS handshake failed', "Check the server certificate chain and the machine's CA bundle (NODE_EXTRA_CA_CERTS for corporate proxies); never disable verification in production."),
  'network.socket_hang_up': entry('network', true, 'The server closed the connection without a response', 'Usually transient; if it repeats, the server or a proxy is closing idle keep-alive sockets sooner than the client expects.'),
  'network.unreachable': entry('network', true, 'The network or host is unreachable', "Check this machine's network connection, routes and VPN."),
  'network.connection_lost': entry('network', false, 'The connection was lost while a request was in flight', 'The outcome is unknown: reconcile (for example look the order up by its client order id) before sending it again.'),
  // timeouts
  'timeout.connect': entry('timeout', true, 'Connecting to the server timed out', 'Check that the host is reachable; raise `timeouts.connectMs` only if the network is known to be slow.'),
  'timeout.attempt': entry('timeout', true, 'The request attempt timed out', 'The server was slow to answer; raise `timeouts.attemptMs` for slow endpoints, and check the provider status page.'),
  'timeout.deadline': entry('timeout', false, 'The overall deadline passed', 'The call ran out of time across all its attempts; raise `retry.deadlineMs` or investigate why the server is slow or failing.'),
  'timeout.handshake': entry('timeout', true, 'The WebSocket handshake timed out', 'Check the stream URL and that the server accepts WebSocket upgrades (proxies may strip them).'),
  'timeout.auth_ack': entry('timeout', true, 'The server did not acknowledge the login in time', 'Check the login message format for this venue and the credentials; raise `authTimeoutMs` if the venue is slow.'),
  'timeout.subscribe_ack': entry('timeout', true, 'The server did not acknowledge a subscription in time', 'Check the channel names and the subscribe message format; raise `subscribeTimeoutMs` if the venue is slow.'),
  'timeout.heartbeat': entry('timeout', true, 'The connection stopped answering pings', 'The peer or a proxy is half-open; kit reconnects. If frequent, check proxies with short idle timeouts.'),
  'timeout.idle': entry('timeout', true, 'No data arrived within the idle timeout', 'The stream went quiet; kit reconnects. Raise `idleTimeoutMs` for streams that are legitimately quiet.'),
  'timeout.resync': entry('timeout', true, 'The resync hook did not return a snapshot in time', 'Check the snapshot endpoint your resync hook calls (it may be slow or rate limited); kit aborts the hook and calls it again, and raises `resyncTimeoutMs` only if snapshots are legitimately slow.'),
  // server
  'server.internal': entry('server', true, 'The server had an internal error (500)', 'Transient server failure; kit retries safe requests. If it persists, contact the provider with the request id.'),
  'server.bad_gateway': entry('server', true, 'Bad gateway (502)', 'A proxy or load balancer in front of the server failed; usually transient, check the provider status page if it persists.'),
  'server.unavailable': entry('server', true, 'The service is unavailable (503)', 'The server is overloaded or in maintenance; kit retries with backoff and honours Retry-After.'),
  'server.gateway_timeout': entry('server', true, 'Gateway timeout (504)', 'The server took too long behind its proxy; for writes, check whether the action happened before repeating it.'),
  'server.not_implemented': entry('server', false, 'Not implemented (501)', 'The server does not support this method or endpoint; check the API version and the endpoint path.'),
  'server.http_version_not_supported': entry('server', false, 'HTTP version not supported (505)', 'A proxy or the server rejected the HTTP version; check proxy settings.'),
  'server.error': entry('server', true, 'The server returned an error', 'An unexpected 5xx status; retried for safe requests. Contact the provider with the request id if it persists.'),
  'server.circuit_open': entry('server', false, 'The circuit breaker is open for this service', 'Recent calls kept failing, so kit stopped sending for `circuitBreaker.halfOpenAfterMs`; check the provider status page and your network.'),
  'server.execution_unknown': entry('server', false, 'The server could not say whether the request was executed', 'Do not resend blindly: query the order or action (by client order id) to learn whether it happened, then decide.'),
  // client
  'client.bad_request': entry('client', false, 'Bad request (400)', 'The server rejected the request parameters; the error details name the field. Check the values against the API documentation.'),
  'client.not_found': entry('not_found', false, 'Not found (404)', 'Check the path and the identifier; the resource may have been deleted or belong to another account or environment.'),
  'client.conflict': entry('conflict', false, 'Conflict (409)', 'The request conflicts with the current state (for example a duplicate client order id); fetch the current state and decide.'),
  'client.unprocessable': entry('validation', false, 'Unprocessable request (422)', 'The request was well-formed but failed validation on the server; the details name the failing fields.'),
  'client.payload_too_large': entry('client', false, 'Payload too large (413)', 'Send a smaller body: split batches into smaller requests.'),
  'client.method_not_allowed': entry('client', false, 'Method not allowed (405)', 'Check the HTTP method for this endpoint in the API documentation.'),
  'client.request_timeout': entry('timeout', true, 'The server timed out waiting for the request (408)', 'Usually transient; kit retries safe requests. Check for slow uploads or proxies.'),
  'client.error': entry('client', false, 'The request was rejected', 'An unexpected 4xx status; check the request against the API documentation and the error details.'),
  'client.insufficient_funds': entry('client', false, 'The account has insufficient funds', 'Check the available balance (funds reserved by open orders are not available) or reduce the order size.'),
  // client: order and idempotency-key conflicts that broker adapters map venue errors onto
  'client.order_already_filled': entry('conflict', false, 'The order is already filled', 'The cancel or amend was refused because the order has already filled: fetch the order and its fills to update the position instead of retrying the cancel.'),
  'client.order_already_cancelled': entry('conflict', false, 'The order is already cancelled', 'The order was cancelled earlier (by another request, session or the venue, for example on expiry); treat the cancel as done, or fetch the order to see its final state.'),
  'client.idempotency_key_mismatch': entry('conflict', false, 'The idempotency key was already used for a different request', 'Reuse an idempotency key only to retry exactly the same request (same method, path and body); give every new request a new key.'),
  'client.idempotency_key_in_use': entry('conflict', true, 'A request with the same idempotency key is still being processed', 'Wait for the first request to finish, then retry with the same key (kit does so with backoff) to get its result; do not switch to a new key, which could run the action twice.'),
  'client.duplicate_client_order_id': entry('conflict', false, 'An order with this client order id already exists', 'An earlier attempt may have placed the order: look it up by its client order id before sending again, and use a fresh id only for a genuinely new order.'),
  'client.invalid_argument': entry('validation', false, 'Invalid argument', 'A value passed to a kit function is invalid; the message names it.'),
  // schema
  'schema.response_mismatch': entry('schema', false, 'The response did not match the expected schema', 'The API changed or the schema is wrong: the details list each path; use `tolerant` mode to keep running while you update the schema.'),
  'schema.request_mismatch': entry('schema', false, 'The request did not match its schema', 'Fix the request values named in the details before sending.'),
  'schema.message_mismatch': entry('schema', false, 'A stream message did not match its schema', 'The stream format changed or the schema is wrong: the details list each path.'),
  'schema.invalid_json': entry('schema', false, 'The response body is not valid JSON', 'The server sent malformed JSON; check for a proxy rewriting bodies, or report it to the provider with the request id.'),
  'schema.html_error_page': entry('schema', true, 'The server returned an HTML page instead of JSON', 'A proxy, CDN or maintenance page answered; check the base URL and the provider status page.'),
  'schema.empty_body': entry('schema', false, 'The response body was empty', 'The endpoint returned no content where data was expected; check the endpoint and method.'),
  'schema.truncated_body': entry('schema', true, 'The response body was cut off', 'The connection dropped mid-body; usually transient and retried for safe requests.'),
  // config
  'config.missing': entry('config', false, 'A required setting is missing', 'Set the value in the config file or through the environment variable named in the message.'),
  'config.invalid': entry('config', false, 'A setting has an invalid value', 'Fix the value at the path named in the message; the message shows what was expected and what was received.'),
  'config.insecure_url': entry('config', false, 'A URL uses plain http for a non-loopback host', 'Use https:// (or wss://); plain http is only allowed for 127.0.0.1, ::1 and localhost.'),
  'config.unknown_key': entry('config', false, 'An unknown setting was given', 'Remove the key or fix its spelling; the message suggests the closest known key.'),
  'config.conflict': entry('config', false, 'A setting was given in two sources that disagree', 'Set the value in one place only (the config file or the environment), or make both agree.'),
  'config.unreadable': entry('config', false, 'The config file could not be read or parsed', 'Check the config file path and that it is valid JSON.'),
  // protocol (WebSocket)
  'protocol.ws_abnormal_close': entry('protocol', true, 'The WebSocket closed abnormally', 'The connection dropped without a close frame (network or server failure); kit reconnects with backoff.'),
  'protocol.ws_going_away': entry('protocol', true, 'The server is going away', 'The server is restarting or shedding connections; kit reconnects.'),
  'protocol.ws_server_restart': entry('protocol', true, 'The server is restarting', 'kit reconnects after a short delay.'),
  'protocol.ws_try_again_later': entry('protocol', true, 'The server asked to try again later', 'The server is overloaded; kit backs off from 10 s.'),
  'protocol.ws_internal_error': entry('protocol', true, 'The server hit an internal error', 'kit reconnects; if it repeats, contact the provider.'),
  'protocol.ws_normal_close': entry('protocol', true, 'The server closed the connection normally', 'kit reconnects unless you closed the client yourself.'),
  'protocol.ws_policy_violation': entry('auth', false, 'The server closed the connection for a policy violation', 'Usually rejected credentials or a forbidden subscription; check the API key and its permissions.'),
  'protocol.ws_auth_rejected': entry('auth', false, 'The server rejected the WebSocket login', 'Check the API key and secret and the login message signing; kit does not reconnect in a loop on auth failures.'),
  'protocol.ws_message_too_big': entry('protocol', false, 'A WebSocket message was too big', 'If the client closed (an inbound message over `maxPayloadBytes`, Node ws\'s `maxPayload`), raise `maxPayloadBytes` or subscribe to fewer channels per connection; if the server closed, send smaller messages (fewer subscriptions per subscribe message). Not retried: the same message would fail again.'),
  'protocol.ws_protocol_error': entry('protocol', false, 'The WebSocket protocol was violated', 'The peer sent an invalid frame; check proxies between you and the server.'),
  'protocol.ws_unsupported_data': entry('protocol', false, 'The peer could not accept the data type sent', 'Check that messages are sent as text (JSON) or binary as the venue expects.'),
  'protocol.ws_invalid_payload': entry('protocol', false, 'A WebSocket message had an invalid payload', 'The peer rejected a message payload (for example invalid UTF-8).'),
  'protocol.ws_tls_failure': entry('protocol', false, 'The WebSocket TLS handshake failed', "Check the server certificate and the machine's CA bundle."),
  'protocol.ws_closed': entry('protocol', false, 'The WebSocket closed with an unrecognised code', 'Check the close reason; override `classifyClose()` for venue-specific codes.'),
  'protocol.ws_unexpected_message': entry('protocol', false, 'An unexpected or malformed WebSocket message arrived', 'The message is reported and skipped; the connection stays up. Check the stream format.'),
  'protocol.sequence_gap': entry('protocol', false, 'A sequence gap was detected', 'kit buffers and resyncs from a snapshot; frequent gaps mean a slow consumer or a lossy feed.'),
  'protocol.send_queue_full': entry('protocol', false, 'The outbound queue is full', 'Too many messages are waiting for the connection; send less while disconnected or raise the queue limits.'),
  'protocol.consumer_overflow': entry('protocol', false, 'A consumer fell too far behind', 'The consumer buffer overflowed; read faster, or choose the `latest` or `drop-oldest` policy for this stream.'),
  'protocol.subscribe_rejected': entry('protocol', false, 'The server rejected a subscription', 'Check the channel name and parameters, and that the account may subscribe to this channel; kit does not resubscribe a rejected channel.'),
  'protocol.unsubscribe_rejected': entry('protocol', false, 'The server rejected an unsubscribe', 'The channel may keep streaming on this connection (its messages arrive as `message` events) until the next reconnect, which does not resubscribe it; check the channel name and the unsubscribe message format.'),
  'protocol.not_connected': entry('protocol', true, 'The connection is not live', 'Wait for the `live` state before sending orders; order messages fail fast instead of being queued.'),
  // cancelled
  'cancelled.aborted': entry('cancelled', false, 'The operation was cancelled', 'The caller aborted the operation (AbortSignal); nothing to fix unless the abort was unexpected.'),
  // internal
  'internal.unexpected': entry('internal', false, 'An unexpected error', 'Something failed that kit does not recognise; the cause holds the original error. Please report it with the error details.'),
} as const satisfies Record<string, CatalogueEntry>;

/** Every stable error code. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The list of every code, in catalogue order. */
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as readonly ErrorCode[];

/** The troubleshooting page slug for a code: `auth.invalid_credentials` -> `auth-invalid-credentials`. */
export function docsSlugFor(code: ErrorCode): string {
  return code.replace(/[._]/g, '-');
}

/** Whether a string is a catalogue code (own keys only: `constructor` or `__proto__` never match). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOGUE, value);
}
