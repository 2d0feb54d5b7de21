import { KitError } from '@kit/errors';
import { schemaIssueSegments } from '@kit/errors/internal';
import { safeParse } from 'valibot';
import type { Endpoint } from './define-endpoint';
import type { RestRequestOptions } from './rest-request';

function requestMismatch(endpoint: Endpoint, part: 'query' | 'body', issues: readonly unknown[]): KitError {
  // @kit/errors' one reading of an issue path: keys other than strings and numbers print as `?`.
  const paths = issues.map((issue) => schemaIssueSegments(issue).join('.'));
  return new KitError('schema.request_mismatch', {
    message: `${endpoint.method} ${endpoint.path}: the ${part} did not match its schema (${paths.map((p) => p || '(root)').join(', ')})`,
    method: endpoint.method,
    path: endpoint.path,
    outcome: 'not_sent',
    details: { part, paths },
  });
}

/**
 * The request options of one endpoint call: the query (when given) and the body validated against
 * the endpoint's schemas, `schema.request_mismatch` before anything is sent otherwise; the
 * response schema and the rate-limit weight taken from the endpoint.
 */
export function toEndpointRequest(
  endpoint: Endpoint,
  input: Record<string, unknown> = {},
  signal?: AbortSignal,
): RestRequestOptions {
  let query = input.query;
  let body = input.body;
  if (endpoint.query !== undefined && query !== undefined) {
    const result = safeParse(endpoint.query, query);
    if (!result.success) throw requestMismatch(endpoint, 'query', result.issues);
    query = result.output;
  }
  if (endpoint.body !== undefined) {
    const result = safeParse(endpoint.body, body);
    if (!result.success) throw requestMismatch(endpoint, 'body', result.issues);
    body = result.output;
  }
  return {
    method: endpoint.method,
    path: endpoint.path,
    params: input.params as RestRequestOptions['params'],
    query: query as RestRequestOptions['query'],
    body,
    headers: input.headers as RestRequestOptions['headers'],
    idempotencyKey: input.idempotencyKey as string | undefined,
    schema: endpoint.response,
    weight: endpoint.weight,
    signal,
  };
}
