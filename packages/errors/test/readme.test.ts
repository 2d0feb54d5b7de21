import {
  BINANCE_ERROR_MAP,
  classifyError,
  classifyHttpResponse,
  createVendorErrorMapper,
  isKitError,
} from '@kit/errors';
import { describe, expect, it } from 'vitest';

// The README's quick start, verbatim, with its comments turned into assertions.
describe('README quick start', () => {
  it('runs as documented', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8443'), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
    });
    const error = classifyError(refused, {
      method: 'GET',
      url: 'https://me:pw@127.0.0.1:8443/v1/orders?signature=abc',
    });
    expect(error.code).toBe('network.connection_refused');
    expect(error.message).toBe('GET /v1/orders: The connection was refused (ECONNREFUSED)');
    expect(error.outcome).toBe('not_sent');
    expect(error.retryable).toBe(true);
    expect(error.docsSlug).toBe('network-connection-refused');

    const limited = classifyHttpResponse({
      status: 429,
      headers: new Headers({ 'Retry-After': '2', 'x-request-id': 'req_123' }),
      body: { message: 'Too many requests' },
      method: 'POST',
      path: '/v1/orders',
    });
    expect(limited.code).toBe('rate_limit.exceeded');
    expect(limited.retryAfterMs).toBe(2000);
    expect(limited.requestId).toBe('req_123');

    const mapBinance = createVendorErrorMapper(BINANCE_ERROR_MAP);
    const unknown = mapBinance(
      {
        code: -1007,
        msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
      },
      { status: 408, method: 'POST', path: '/api/v3/order' },
    );
    expect(isKitError(unknown, 'server.execution_unknown')).toBe(true);
    expect(unknown?.outcome).toBe('unknown');
    expect(unknown?.retryable).toBe(false);
  });
});
