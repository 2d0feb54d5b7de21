import { classifyHttpResponse, KitError, type VendorErrorMapper } from '@kit/errors';
import { isTruncated, parseResponseBody } from './parse-response-body';
import type { PipelineRequest, PipelineResponse, PipelineStep } from './pipeline';

/** Name of the response-parsing step. */
export const RESPONSE_PARSING_STEP = 'responseParsing';

/** Options for {@link createResponseParsingStep}. */
export interface ResponseParsingStepOptions {
  /** Maps venue error bodies (2xx included). @default undefined */
  errorMapper?: VendorErrorMapper;
  /** Response headers to read the request id from. @default @kit/errors' defaults */
  requestIdHeaders?: readonly string[];
}

function schemaError(
  code: 'schema.html_error_page' | 'schema.invalid_json' | 'schema.truncated_body',
  request: PipelineRequest,
  response: PipelineResponse,
  extra: { retryable?: boolean; cause?: unknown; retryAfterMs?: number; details?: unknown } = {},
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

/**
 * Turns a raw response into data or a KitError, inside the retry loop (so an HTML 502 page is
 * retried): truncated bodies, HTML pages (`schema.html_error_page`, retryable as the status says),
 * malformed JSON, venue errors found by the error mapper (2xx bodies included), then statuses >= 400
 * through @kit/errors' `classifyHttpResponse` (401 flavours, Retry-After, request id, outcome).
 */
export function createResponseParsingStep(options: ResponseParsingStepOptions = {}): PipelineStep {
  const { errorMapper, requestIdHeaders } = options;
  return {
    name: RESPONSE_PARSING_STEP,
    async send(request, next) {
      const response = await next(request);
      if (isTruncated(response.bodyText, response.headers)) {
        throw schemaError('schema.truncated_body', request, response);
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
        const error = classifyHttpResponse({
          status: response.status,
          headers: response.headers,
          body: body.value,
          method: request.method,
          path: request.path,
          requestIdHeaders,
        });
        if (body.kind !== 'html') throw error;
        throw schemaError('schema.html_error_page', request, response, {
          retryable: error.retryable,
          retryAfterMs: error.retryAfterMs,
          cause: error,
        });
      }
      if (body.kind === 'html') throw schemaError('schema.html_error_page', request, response);
      response.data = body.value;
      return response;
    },
  };
}
