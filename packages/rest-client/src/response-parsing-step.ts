import { classifyHttpResponse, KitError, type VendorErrorMapper } from '@kit/errors';
import { isTruncated, parseResponseBody } from './parse-response-body';
import { createSplitStep, type PipelineRequest, type PipelineResponse, type PipelineStep } from './pipeline';

/** Name of the response-parsing step. */
export const RESPONSE_PARSING_STEP = 'responseParsing';

/** Options for {@link createResponseParsingStep}. */
export interface ResponseParsingStepOptions {
  /** Maps venue error bodies (2xx included). @default undefined */
  errorMapper?: VendorErrorMapper;
  /** Response headers to read the request id from. @default @kit/errors' defaults */
  requestIdHeaders?: readonly string[];
  /**
   * The clock that absolute hints (an HTTP-date `Retry-After`, an epoch `X-RateLimit-Reset`) are
   * measured against: the retry policy's, so an injected clock sees consistent waits. @default Date.now
   */
  now?: () => number;
}

function schemaError(
  code: 'schema.html_error_page' | 'schema.invalid_json' | 'schema.truncated_body',
  request: PipelineRequest,
  response: PipelineResponse,
  extra: { cause?: unknown; details?: unknown } = {},
): KitError {
  const what =
    code === 'schema.html_error_page'
      ? 'an HTML page instead of JSON'
      : code === 'schema.invalid_json'
        ? 'a body that is not valid JSON'
        : `a body shorter than its Content-Length (${response.headers['content-length']} bytes)`;
  return new KitError(code, {
    message: `${request.method} ${request.path}: the server answered HTTP ${response.status} with ${what}`,
    status: response.status,
    requestId: response.requestId,
    method: request.method,
    path: request.path,
    outcome: response.status >= 500 ? 'unknown' : response.status >= 400 ? 'rejected' : 'unknown',
    ...extra,
  });
}

/** A redirect the client did not follow (`maxRedirects` is 0 by default, to keep credentials on one host). */
function redirectError(request: PipelineRequest, response: PipelineResponse): KitError {
  const location = response.headers.location;
  return new KitError('client.error', {
    message: `${request.method} ${request.path}: the server redirected (HTTP ${response.status}) and redirects are not followed`,
    hint: 'Update the base URL to the new location, or set `maxRedirects` if you trust the target host with your credentials.',
    status: response.status,
    requestId: response.requestId,
    method: request.method,
    path: request.path,
    outcome: 'rejected',
    // The query string of a Location may carry tokens; the origin and path are enough to act on.
    details: { location: typeof location === 'string' ? location.split('?')[0] : undefined },
  });
}

/**
 * Turns a raw response into data or a KitError, inside the retry loop (so an HTML 502 page is
 * retried): truncated bodies, HTML pages (`schema.html_error_page` on a 2xx; on an error status the
 * status decides the code and `details.bodyKind` is `'html'`), malformed JSON, venue errors found by the error mapper (2xx bodies included), then statuses >= 400
 * through @kit/errors' `classifyHttpResponse` (401 flavours, Retry-After, request id, outcome).
 */
export function createResponseParsingStep(options: ResponseParsingStepOptions = {}): PipelineStep {
  const { errorMapper, requestIdHeaders } = options;
  const now = options.now ?? Date.now;
  return createSplitStep(RESPONSE_PARSING_STEP, undefined, (request, response) => {
    if (isTruncated(response.bodyText, response.headers)) {
      throw schemaError('schema.truncated_body', request, response);
    }
    if (response.status >= 300 && response.status < 400 && response.status !== 304) {
      throw redirectError(request, response);
    }
    const body = parseResponseBody(response.bodyText, response.headers['content-type']);
    const failed = response.status >= 400;
    if (body.kind === 'invalid_json' && !failed) {
      throw schemaError('schema.invalid_json', request, response, {
        cause: body.error,
        details: { contentType: response.headers['content-type'], length: response.bodyText.length },
      });
    }
    if (errorMapper !== undefined) {
      const mapped = errorMapper(body.value, {
        status: response.status,
        headers: response.headers,
        method: request.method,
        path: request.path,
      });
      if (mapped !== undefined) throw mapped;
    }
    if (failed) {
      const html = body.kind === 'html';
      const error = classifyHttpResponse({
        status: response.status,
        headers: response.headers,
        // A proxy's HTML page says nothing a caller can use; keep it out of the error's details.
        body: html ? undefined : body.value,
        method: request.method,
        path: request.path,
        requestIdHeaders,
        nowMs: now(),
      });
      if (!html) throw error;
      // The status decides the code (an nginx 429 page is still a rate limit, a 504 page still a
      // gateway timeout); the HTML body is only noted, so dashboards counting codes stay right.
      throw new KitError(error.code, {
        message: `${error.message} (the body was an HTML page, typically from a proxy or load balancer)`,
        status: error.status,
        requestId: error.requestId,
        retryAfterMs: error.retryAfterMs,
        method: error.method,
        path: error.path,
        outcome: error.outcome,
        retryable: error.retryable,
        hint: error.hint,
        details: { bodyKind: 'html', contentType: response.headers['content-type'] },
        cause: error.cause,
      });
    }
    if (body.kind === 'html') throw schemaError('schema.html_error_page', request, response);
    response.data = body.value;
  });
}
