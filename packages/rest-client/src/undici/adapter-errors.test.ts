import { classifyError } from '@kit/errors';
import axios, { AxiosError, type InternalAxiosRequestConfig } from 'axios';
import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { createTimeoutError, fromTransportError } from './adapter-errors';

const config = {
  method: 'post',
  url: 'http://127.0.0.1:1/v1/orders',
  headers: new axios.AxiosHeaders(),
} as InternalAxiosRequestConfig;
const request = { method: 'POST', path: '/v1/orders', reusedSocket: false };

describe('fromTransportError', () => {
  it('gives a socket closed before the response the Node code and wording, keeping undici error as cause', () => {
    const cause = new errors.SocketError('other side closed');
    const error = fromTransportError(cause, config, request);
    expect(error).toBeInstanceOf(AxiosError);
    expect([error.code, error.message]).toEqual(['ECONNRESET', 'socket hang up']);
    expect(error.cause).toBe(cause);
    expect(error.request).toBe(request);
    expect(classifyError(error).code).toBe('network.socket_hang_up');
  });

  it('gives another socket failure before the response ECONNRESET', () => {
    const cause = new errors.SocketError('closed');
    const error = fromTransportError(cause, config, request);
    expect([error.code, error.message]).toEqual(['ECONNRESET', 'closed']);
    expect(classifyError(error).code).toBe('network.connection_reset');
  });

  it('keeps the connect timeout precise, so it classifies as timeout.connect (never sent)', () => {
    const error = fromTransportError(new errors.ConnectTimeoutError(), config, request);
    expect(error.code).toBe('UND_ERR_CONNECT_TIMEOUT');
    const kit = classifyError(error);
    expect(kit.code).toBe('timeout.connect');
    expect(kit.outcome).toBe('not_sent');
  });

  it('turns undici header and body timeouts into axios timeout errors', () => {
    for (const cause of [new errors.HeadersTimeoutError(), new errors.BodyTimeoutError()]) {
      const error = fromTransportError(cause, config, request);
      expect(error.code).toBe(AxiosError.ECONNABORTED);
      expect(error.cause).toBe(cause);
      expect(classifyError(error).code).toBe('timeout.attempt');
    }
  });

  it('reports a failure after the response started as a truncated body carrying the response', () => {
    const response = { status: 200, statusText: 'OK', headers: {}, config, data: undefined };
    const error = fromTransportError(new errors.SocketError('other side closed'), config, request, response);
    expect(error.code).toBe(AxiosError.ERR_BAD_RESPONSE);
    expect(error.response).toBe(response);
    expect(classifyError(error).code).toBe('schema.truncated_body');
  });

  it('reports a redirect loop like too many redirects', () => {
    const loop = new errors.InvalidArgumentError('Redirect loop detected. Cannot redirect to http://x.');
    expect(fromTransportError(loop, config, request).code).toBe('ERR_FR_TOO_MANY_REDIRECTS');
  });

  it('passes AxiosErrors through untouched and wraps non-errors', () => {
    const timeout = createTimeoutError(config, request);
    expect(fromTransportError(timeout, config, request)).toBe(timeout);
    expect(fromTransportError('boom', config, request).message).toBe('boom');
  });
});
