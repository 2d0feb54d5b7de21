import type { PipelineRequest, PipelineResponse } from '../src/pipeline';
import { readRateLimitInfo } from '../src/rate-limit-info';

/** A pipeline request as the client builds it, for testing one step in isolation. */
export function pipelineRequest(overrides: Partial<PipelineRequest> = {}): PipelineRequest {
  return {
    method: 'GET',
    url: 'https://api.example.test/v1/orders',
    path: '/v1/orders',
    pathTemplate: '/orders',
    query: [],
    headers: {},
    body: undefined,
    signal: undefined,
    weight: 1,
    schema: undefined,
    idempotencyKey: undefined,
    replayedUnauthorized: false,
    attempt: 1,
    attemptSignal: undefined,
    sent: undefined,
    startedAtMs: 0,
    ...overrides,
  };
}

/** A raw response as the transport returns it. */
export function pipelineResponse(overrides: Partial<PipelineResponse> = {}): PipelineResponse {
  const headers = overrides.headers ?? { 'content-type': 'application/json' };
  return {
    status: 200,
    headers,
    bodyText: '{}',
    data: undefined,
    durationMs: 1,
    requestId: undefined,
    rateLimit: readRateLimitInfo(headers),
    ...overrides,
  };
}
