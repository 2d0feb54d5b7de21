import { KitError } from '@kit/errors';
import type { GenericSchema } from 'valibot';
import type { BaseUrl } from './base-url';
import { mergeHeaders } from './headers';
import { expandPath } from './path-template';
import type { PipelineRequest } from './pipeline';
import { toQueryPairs } from './query-string';
import { serializeBody } from './request-body';
import type { HttpMethod, RestRequestOptions } from './rest-request';

/** What a call gives besides its method, path and body. @internal */
export type CallParts = Omit<RestRequestOptions<GenericSchema | undefined>, 'method' | 'path' | 'body'>;

/** What {@link createRequestBuilder} needs from the client. @internal */
export interface RequestBuilderOptions {
  readonly base: BaseUrl;
  /** Headers every call starts from. */
  readonly headers: Readonly<Record<string, string>>;
  /** The client's milliseconds clock. */
  readonly now: () => number;
}

/**
 * Turns one call's options into the request the pipeline carries: path placeholders filled and
 * the path checked, the body serialised once (every attempt and signature covers the same bytes),
 * the client's headers, the body's content type and the call's headers merged in that order.
 * @internal
 */
export function createRequestBuilder(
  options: RequestBuilderOptions,
): (method: HttpMethod, path: string, body: unknown, call: CallParts | undefined) => PipelineRequest {
  const { base, headers: clientHeaders, now } = options;
  return (method, path, rawBody, call) => {
    const expanded = expandPath(path, call?.params);
    if (!expanded.startsWith('/')) {
      throw new KitError('client.invalid_argument', {
        message: `The path must start with "/": ${path}`,
        outcome: 'not_sent',
      });
    }
    const body = serializeBody(rawBody);
    const headers = { ...clientHeaders };
    if (body?.contentType !== undefined) headers['content-type'] = body.contentType;
    if (call?.headers !== undefined) mergeHeaders(headers, call.headers);
    return {
      method: method.toUpperCase(),
      url: base.href + expanded,
      path: base.path + expanded,
      pathTemplate: path,
      query: toQueryPairs(call?.query),
      headers,
      body: body?.text,
      signal: call?.signal,
      weight: call?.weight ?? 1,
      schema: call?.schema,
      idempotencyKey: call?.idempotencyKey,
      replayedUnauthorized: false,
      attempt: 0,
      attemptSignal: undefined,
      sent: undefined,
      authenticated: undefined,
      startedAtMs: now(),
      telemetry: undefined,
    };
  };
}
