// The README's quick start, verbatim between the markers, with its comments as assertions below.
// README:start quick start
import {
  BINANCE_ERROR_MAP,
  classifyError,
  classifyHttpResponse,
  createVendorErrorMapper,
  isKitError,
} from '@kit/errors';

// 1. Anything thrown becomes a KitError. The message names method and path, never the host,
//    credentials or query string; the original error stays in `cause`.
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8443'), {
  code: 'ECONNREFUSED',
  syscall: 'connect',
});
const error = classifyError(refused, {
  method: 'GET',
  url: 'https://me:pw@127.0.0.1:8443/v1/orders?signature=abc',
});
error.code; // 'network.connection_refused'
error.message; // 'GET /v1/orders: The connection was refused (ECONNREFUSED)'
error.outcome; // 'not_sent': safe to resend
error.retryable; // true
error.docsSlug; // 'network-connection-refused' -> docs/troubleshooting/network-connection-refused.md

// 2. A status from fetch (or any client) with headers and body.
const limited = classifyHttpResponse({
  status: 429,
  headers: new Headers({ 'Retry-After': '2', 'x-request-id': 'req_123' }),
  body: { message: 'Too many requests' },
  method: 'POST',
  path: '/v1/orders',
});
limited.code; // 'rate_limit.exceeded'
limited.retryAfterMs; // 2000
limited.requestId; // 'req_123'

// 3. A venue's own error bodies, even inside a 200.
const mapBinance = createVendorErrorMapper(BINANCE_ERROR_MAP);
const unknown = mapBinance(
  {
    code: -1007,
    msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
  },
  { status: 408, method: 'POST', path: '/api/v3/order' },
);
isKitError(unknown, 'server.execution_unknown'); // true: outcome 'unknown', never retried blindly

// README:end

import { expectReadmeShows } from '@kit/vitest-config/readme';
import { expect, it } from 'vitest';

it('runs the README quick start', () => {
  expect(error.code).toBe('network.connection_refused');
  expect(error.message).toBe('GET /v1/orders: The connection was refused (ECONNREFUSED)');
  expect(error.outcome).toBe('not_sent');
  expect(error.retryable).toBe(true);
  expect(error.docsSlug).toBe('network-connection-refused');
  expect(limited.code).toBe('rate_limit.exceeded');
  expect(limited.retryAfterMs).toBe(2000);
  expect(limited.requestId).toBe('req_123');
  expect(isKitError(unknown, 'server.execution_unknown')).toBe(true);
  expect(unknown?.outcome).toBe('unknown');
  expect(unknown?.retryable).toBe(false);
});

it('is the code the README shows', () => {
  expect(expectReadmeShows(import.meta.url)).toBe(1);
});
