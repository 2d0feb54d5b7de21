import type { IncomingMessage, ServerResponse } from 'node:http';
import { applySchemaDrift, malformJson, proxyErrorPage } from '@kit/testing';
import { type ApiError, apiError } from '../api-error';
import type { Principal } from '../auth/auth-types';
import type { SandboxAuthenticator } from '../auth/create-authenticator';
import type { Ledger } from '../ledger/create-ledger';
import type { FaultPlan, HttpFaultPlanner } from './http-fault-plan';
import { bodyFingerprint, type IdempotencyStore } from './idempotency-store';
import { handleTokenRequest } from './oauth-token-route';
import type { RateLimiter } from './rate-limiter';
import { type PickedHeaders, pickHeaders } from './request-headers';
import type { Reply, RouteContext } from './route-types';
import type { RouteMatch, Router } from './router';
import { SANDBOX_DRIFT } from './sandbox-drift';
import { errorBody, JSON_TYPE, resetSocket, sendText } from './send-reply';

/** What the request handler is assembled from. */
export interface RequestHandlerOptions {
  readonly router: Router;
  readonly auth: SandboxAuthenticator;
  /** The limiter now in force, or undefined when rate limits are off. */
  readonly limiter: () => RateLimiter | undefined;
  readonly idempotency: IdempotencyStore;
  readonly ledger: Ledger;
  readonly faults: HttpFaultPlanner;
  /** The server clock (epoch ms, offset applied). */
  readonly now: () => number;
  /** `/admin/*` requests (not counted, not faulted). */
  readonly admin: (req: IncomingMessage, res: ServerResponse, path: string, body: string) => void;
  /** Largest request body read, in bytes. */
  readonly maxBodyBytes: number;
}

/** The request listener plus the timers it owns. */
export interface RequestHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Cancels pending fault delays (their requests are dropped). */
  close(): void;
}

const ANONYMOUS: Principal = Object.freeze({ accountId: '', keyId: '', scopes: [] });
const NONE: readonly string[] = [];
const REPLAYED = ['idempotent-replayed', 'true'];

type Gate =
  | { readonly kind: 'fresh'; readonly release: (() => void) | undefined }
  | { readonly kind: 'done'; readonly result: Reply | ApiError; readonly replayed: boolean };

function isReply(value: Reply | ApiError): value is Reply {
  return 'json' in value;
}

/** Reads the whole body (undefined when over the limit); bodiless requests answer at once. */
function readBody(
  req: IncomingMessage,
  headers: PickedHeaders,
  limit: number,
  done: (body: string | undefined) => void,
): void {
  if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
    done('');
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  });
  req.on('end', () => done(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
  req.on('error', () => {
    // The client went away mid-body: there is nobody to answer.
  });
}

/**
 * The REST pipeline, in order: route (404/405), body, credentials (401), scope (403), rate limit
 * (429/418), JSON body (400), idempotency (replay/409/422), faults drawn, handler, delivery. With
 * faults off nothing asynchronous happens after the body: the answer is written in the same tick.
 */
export function createRequestHandler(options: RequestHandlerOptions): RequestHandler {
  const { router, auth, idempotency, ledger, faults, now, maxBodyBytes } = options;
  const idPrefix = `req_${Math.floor(Math.random() * 0xffffff).toString(36)}`;
  let requestCounter = 0;
  const timers = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: (ok: boolean) => void }>();
  let closed = false;

  const sendError = (
    res: ServerResponse,
    error: ApiError,
    requestId: string,
    headers: readonly string[],
  ): void => {
    ledger.countResponse(error.status);
    sendText(res, error.status, errorBody(error, requestId), requestId, headers);
  };
  const sendJson = (
    res: ServerResponse,
    status: number,
    json: unknown,
    requestId: string,
    headers: readonly string[],
  ): void => {
    ledger.countResponse(status);
    sendText(res, status, JSON.stringify(json), requestId, headers);
  };

  const delay = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (closed) {
        resolve(false);
        return;
      }
      const entry = {
        timer: setTimeout(() => {
          timers.delete(entry);
          resolve(true);
        }, ms),
        resolve,
      };
      timers.add(entry);
    });

  /**
   * Consults the idempotency store for `POST /v1/orders` with a key: a stored answer, an error, or
   * `fresh` (the key is now in flight; `release` forgets it if the handler never runs).
   */
  const gateOf = (match: RouteMatch, context: RouteContext): Gate => {
    const key = context.idempotencyKey;
    if (key === undefined || match.label !== 'POST /v1/orders') return { kind: 'fresh', release: undefined };
    const scope = context.principal.accountId;
    const check = idempotency.begin(scope, key, bodyFingerprint(context.body, context.json));
    switch (check.kind) {
      case 'mismatch':
        return {
          kind: 'done',
          replayed: false,
          result: apiError(
            422,
            'IDEMPOTENCY_KEY_REUSED',
            'This Idempotency-Key was first used with a different body',
          ),
        };
      case 'in_flight':
        return {
          kind: 'done',
          replayed: false,
          result: apiError(
            409,
            'IDEMPOTENCY_KEY_IN_USE',
            'A request with this Idempotency-Key is still being processed; retry shortly',
          ),
        };
      case 'replay':
        ledger.countIdempotentReplay();
        return { kind: 'done', replayed: true, result: check.reply };
      default:
        return { kind: 'fresh', release: () => idempotency.abandon(scope, key) };
    }
  };

  const finishFresh = (match: RouteMatch, context: RouteContext): Reply | ApiError => {
    const result = match.route.handler(context);
    if (context.idempotencyKey !== undefined && match.label === 'POST /v1/orders') {
      idempotency.complete(context.principal.accountId, context.idempotencyKey, {
        status: result.status,
        json: isReply(result)
          ? result.json
          : { error: { code: result.code, message: result.message, ...result.extra } },
      });
    }
    return result;
  };

  const deliver = (
    res: ServerResponse,
    result: Reply | ApiError,
    requestId: string,
    headers: readonly string[],
    replayed: boolean,
  ): void => {
    const extra = replayed ? [...headers, ...REPLAYED] : headers;
    if (isReply(result)) {
      if (replayed && typeof result.json === 'object' && result.json !== null && 'error' in result.json) {
        // A stored error answer: its body has no request id of this request yet.
        const stored = (result.json as { error: Record<string, unknown> }).error;
        sendJson(res, result.status, { error: { ...stored, requestId } }, requestId, extra);
      } else sendJson(res, result.status, result.json, requestId, extra);
    } else sendError(res, result, requestId, extra);
  };

  const withFaults = async (
    res: ServerResponse,
    match: RouteMatch,
    context: RouteContext,
    plan: FaultPlan,
    requestId: string,
    headers: readonly string[],
  ): Promise<void> => {
    const record = (kind: string, detail?: string) => ledger.recordFault(kind, detail, match.label);
    const gate = gateOf(match, context);
    const replayed = gate.kind === 'done' && gate.replayed;
    if (plan.latencyMs > 0) {
      record('http.latency', `${plan.latencyMs} ms`);
      if (!(await delay(plan.latencyMs)) || res.destroyed) {
        if (gate.kind === 'fresh') gate.release?.();
        return;
      }
    }
    const before = plan.before;
    if (before !== undefined) {
      if (gate.kind === 'fresh') gate.release?.();
      record(
        before.kind,
        'status' in before
          ? String(before.status)
          : before.kind === 'http.execution_unknown'
            ? 'created=false'
            : undefined,
      );
      switch (before.kind) {
        case 'http.reset_before':
          resetSocket(res);
          return;
        case 'http.server_error':
          sendError(
            res,
            before.status === 500
              ? apiError(500, 'INTERNAL', 'Injected internal error')
              : apiError(503, 'UNAVAILABLE', 'Injected: the service is unavailable, retry later'),
            requestId,
            headers,
          );
          return;
        case 'http.rate_limit_burst':
          sendError(
            res,
            apiError(429, 'RATE_LIMITED', `Too many requests; retry in ${before.retryAfterSeconds} s`),
            requestId,
            [...headers, 'retry-after', String(before.retryAfterSeconds)],
          );
          return;
        case 'http.html_error':
          ledger.countResponse(before.status);
          sendText(res, before.status, proxyErrorPage(before.status), requestId, NONE, 'text/html');
          return;
        case 'http.execution_unknown':
          sendError(res, executionUnknown(), requestId, headers);
          return;
      }
    }
    const result = gate.kind === 'fresh' ? finishFresh(match, context) : gate.result;
    const after = plan.after;
    if (after?.kind === 'http.response_lost' || after?.kind === 'http.execution_unknown') {
      // Only the first answer of an order commits it; a replay is not a new loss.
      if (!replayed) {
        const orderId =
          isReply(result) && result.status === 201 ? (result.json as { id: string }).id : 'none';
        record(
          after.kind,
          after.kind === 'http.execution_unknown'
            ? `created=${orderId !== 'none'} order=${orderId}`
            : `order=${orderId}`,
        );
        if (after.kind === 'http.response_lost') resetSocket(res);
        else sendError(res, executionUnknown(), requestId, headers);
        return;
      }
    }
    if (after?.kind === 'http.reset_after') {
      record(after.kind);
      resetSocket(res);
      return;
    }
    let json: unknown = isReply(result) ? result.json : undefined;
    if (plan.drift && json !== undefined && result.status < 300) {
      record('http.drift');
      json = applySchemaDrift(json, SANDBOX_DRIFT);
    }
    if (after?.kind === 'http.truncated' || after?.kind === 'http.malformed') {
      record(after.kind);
      const text = json !== undefined ? JSON.stringify(json) : errorBody(result as ApiError, requestId);
      const extra = replayed ? [...headers, ...REPLAYED] : headers;
      ledger.countResponse(result.status);
      if (after.kind === 'http.malformed') {
        sendText(res, result.status, malformJson(text), requestId, extra);
        return;
      }
      const body = Buffer.from(text);
      const head = [
        'content-type',
        JSON_TYPE,
        'content-length',
        String(body.length),
        'x-request-id',
        requestId,
        ...extra,
      ];
      res.writeHead(result.status, head);
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    deliver(
      res,
      json === undefined || !isReply(result) ? result : { status: result.status, json },
      requestId,
      headers,
      replayed,
    );
  };

  const proceed = (
    req: IncomingMessage,
    res: ServerResponse,
    picked: PickedHeaders,
    match: RouteMatch,
    path: string,
    rawQuery: string,
    body: string,
    requestId: string,
  ): void => {
    const route = match.route;
    let principal = ANONYMOUS;
    let headers = NONE;
    if (route.scope !== 'public') {
      const verdict = auth.verify({
        method: route.method,
        target: req.url!,
        headers: picked,
        body,
      });
      if (!verdict.ok) {
        const extra = verdict.code === 'TIMESTAMP_OUTSIDE_WINDOW' ? { serverTime: now() } : undefined;
        sendError(res, apiError(verdict.status, verdict.code, verdict.message, extra), requestId, NONE);
        return;
      }
      principal = verdict.principal;
      if (!principal.scopes.includes(route.scope)) {
        sendError(
          res,
          apiError(
            403,
            'INSUFFICIENT_SCOPE',
            `${match.label} needs the "${route.scope}" scope; this credential has ${principal.scopes.join(', ') || 'none'}`,
          ),
          requestId,
          NONE,
        );
        return;
      }
      const limiter = options.limiter();
      if (limiter !== undefined) {
        const decision = limiter.take(principal.keyId, route.weight);
        headers = decision.headers;
        if (decision.status === 429) {
          ledger.countRateLimited();
          sendError(
            res,
            apiError(
              429,
              'RATE_LIMITED',
              `Over the key's weight budget; retry in ${decision.retryAfterSeconds} s`,
            ),
            requestId,
            headers,
          );
          return;
        }
        if (decision.status === 418) {
          ledger.countBanned();
          sendError(
            res,
            apiError(
              418,
              'KEY_BANNED',
              `The key kept sending while rate limited and is banned for ${decision.retryAfterSeconds} s`,
            ),
            requestId,
            headers,
          );
          return;
        }
      }
    }
    let json: unknown;
    if (route.jsonBody === true && body.length > 0) {
      try {
        json = JSON.parse(body);
      } catch {
        sendError(res, apiError(400, 'INVALID_REQUEST', 'The body is not valid JSON'), requestId, headers);
        return;
      }
    }
    const idempotencyKey = picked['idempotency-key'];
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 255)) {
      sendError(
        res,
        apiError(400, 'INVALID_REQUEST', 'Idempotency-Key must be 1-255 characters'),
        requestId,
        headers,
      );
      return;
    }
    const context: RouteContext = { principal, param: match.param, rawQuery, body, json, idempotencyKey };
    const plan = faults.active ? faults.plan(match.label, route.method, path) : undefined;
    if (plan !== undefined) {
      withFaults(res, match, context, plan, requestId, headers).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed)
          sendError(res, apiError(500, 'INTERNAL', `Sandbox bug: ${String(error)}`), requestId, NONE);
        else res.destroy();
      });
      return;
    }
    const gate = gateOf(match, context);
    if (gate.kind === 'fresh') deliver(res, finishFresh(match, context), requestId, headers, false);
    else deliver(res, gate.result, requestId, headers, gate.replayed);
  };

  const handler = ((req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    if (path.startsWith('/admin/')) {
      readBody(req, pickHeaders(req.rawHeaders), maxBodyBytes, (body) =>
        options.admin(req, res, path, body ?? ''),
      );
      return;
    }
    ledger.countRequest();
    const requestId = `${idPrefix}${(++requestCounter).toString(36)}`;
    const method = req.method ?? 'GET';
    const picked = pickHeaders(req.rawHeaders);
    if (path === '/oauth/token') {
      readBody(req, picked, maxBodyBytes, (body) => {
        const reply =
          body === undefined
            ? {
                status: 413,
                json: { error: 'invalid_request', error_description: 'Body too large' },
                headers: [],
              }
            : handleTokenRequest(auth, method, req.headers, body);
        sendJson(res, reply.status, reply.json, requestId, reply.headers);
      });
      return;
    }
    const found = router.lookup(method, path);
    if (found.kind !== 'match') {
      const error =
        found.kind === 'method_not_allowed'
          ? apiError(
              405,
              'METHOD_NOT_ALLOWED',
              `${method} is not allowed on ${path}; allowed: ${found.allow}`,
            )
          : found.kind === 'bad_param'
            ? apiError(400, 'INVALID_REQUEST', 'The path has a malformed percent-encoding')
            : apiError(404, 'NOT_FOUND', `No route ${method} ${path.slice(0, 100)}`);
      req.resume();
      sendError(res, error, requestId, found.kind === 'method_not_allowed' ? ['allow', found.allow] : NONE);
      return;
    }
    readBody(req, picked, maxBodyBytes, (body) => {
      if (body === undefined) {
        sendError(
          res,
          apiError(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${maxBodyBytes} bytes`),
          requestId,
          NONE,
        );
        return;
      }
      proceed(req, res, picked, found.match, path, rawQuery, body, requestId);
    });
  }) as RequestHandler;

  handler.close = () => {
    closed = true;
    for (const entry of timers) {
      clearTimeout(entry.timer);
      entry.resolve(false);
    }
    timers.clear();
  };
  return handler;
}

function executionUnknown(): ApiError {
  return apiError(
    503,
    'EXECUTION_UNKNOWN',
    'The order may or may not have been created; look it up by clientOrderId before sending it again',
  );
}
