import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createSeededRandom } from '../shared/seeded-random';
import { malformJson, proxyErrorPage, retryAfterHeader } from './fault-responses';
import type {
  Fault,
  FaultHandler,
  FaultRequest,
  FaultResponse,
  FaultRouteDefinition,
  FaultRule,
  RecordedRequest,
} from './fault-types';
import { compileRoutePattern, type RoutePattern } from './route-pattern';
import { applySchemaDrift } from './schema-drift';

/** Options for {@link createFaultServer}. */
export interface FaultServerOptions {
  /** The routes. More can be added with `server.route()`. @default [] */
  routes?: FaultRouteDefinition[];
  /** Seed for every random choice (probabilities, random latency), so a run replays exactly. @default 1 */
  seed?: number;
  /** Global fault rules (see {@link FaultRule}). @default [] */
  faults?: FaultRule[];
  /** The header that carries the idempotency key (case-insensitive). @default 'Idempotency-Key' */
  idempotencyHeader?: string;
  /** How long an idle keep-alive socket stays open, in milliseconds. @default 5_000 */
  keepAliveTimeoutMs?: number;
  /** Largest request body read, in bytes; larger bodies get a 413. @default 1_048_576 */
  maxBodyBytes?: number;
}

/** The defaults of {@link FaultServerOptions}. */
export const DEFAULT_FAULT_SERVER_OPTIONS = {
  routes: [],
  seed: 1,
  faults: [],
  idempotencyHeader: 'Idempotency-Key',
  keepAliveTimeoutMs: 5_000,
  maxBodyBytes: 1_048_576,
} as const satisfies Required<FaultServerOptions>;

/** A running fault server. */
export interface FaultServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The port the OS picked. */
  readonly port: number;
  /** Every request received, in arrival order (cleared by `reset()`). */
  readonly requests: readonly RecordedRequest[];
  /** Replaces the global fault rules (and restarts their `firstN` counts). */
  setFaults(rules: FaultRule[]): void;
  /** Adds a route, replacing one with the same method and path. */
  route(definition: FaultRouteDefinition): void;
  /** How many times side-effect handlers really ran for `key`. */
  sideEffects(key: string): number;
  /** How many times side-effect handlers really ran, over all keys (and requests without one). */
  sideEffectCount(): number;
  /** Clears the request log, side effects and fault counters, restores the initial faults, reseeds. */
  reset(): void;
  /** Stops the server, destroying open sockets (hung requests included) and pending timers. */
  close(): Promise<void>;
}

interface RuleState {
  rule: FaultRule;
  pattern: RoutePattern | undefined;
  matched: number;
}

interface RouteEntry {
  definition: FaultRouteDefinition;
  pattern: RoutePattern;
  rules: RuleState[];
}

interface PreparedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  json: unknown;
}

const COMBINING = new Set<Fault['type']>(['latency', 'drift', 'slow_body']);

function ruleStates(rules: readonly FaultRule[]): RuleState[] {
  return rules.map((rule) => ({
    rule,
    pattern: rule.match?.path === undefined ? undefined : compileRoutePattern(rule.match.path),
    matched: 0,
  }));
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseQuery(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of search) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

function safeJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function prepare(response: FaultResponse | undefined): PreparedResponse {
  const status = response?.status ?? 200;
  const headers = { ...(response?.headers ?? {}) };
  if (response?.json !== undefined) {
    headers['content-type'] ??= 'application/json; charset=utf-8';
    return { status, headers, body: Buffer.from(JSON.stringify(response.json)), json: response.json };
  }
  const raw = response?.body;
  const body =
    raw === undefined ? Buffer.alloc(0) : typeof raw === 'string' ? Buffer.from(raw) : Buffer.from(raw);
  return { status, headers, body, json: undefined };
}

/**
 * Starts a fault-injecting HTTP server on 127.0.0.1 (port 0, keep-alive on) for integration tests.
 * Routes come from the test; faults are seeded so a run replays exactly; side effects are counted by
 * idempotency key so a test can assert that retries created one order, not two.
 *
 * @example
 * ```ts
 * const server = await createFaultServer({
 *   routes: [{ method: 'POST', path: '/orders', sideEffect: true, handler: () => ({ status: 201, json: { id: 'o1' } }) }],
 *   faults: [{ firstN: 1, fault: { type: 'status', status: 503 } }],
 * });
 * // ... point a client at server.url ...
 * expect(server.sideEffectCount()).toBe(1);
 * await server.close();
 * ```
 */
export async function createFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const seed = options.seed ?? DEFAULT_FAULT_SERVER_OPTIONS.seed;
  const initialFaults = options.faults ?? DEFAULT_FAULT_SERVER_OPTIONS.faults;
  const idempotencyHeader = (
    options.idempotencyHeader ?? DEFAULT_FAULT_SERVER_OPTIONS.idempotencyHeader
  ).toLowerCase();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_FAULT_SERVER_OPTIONS.maxBodyBytes;

  let random = createSeededRandom(seed);
  let globalRules = ruleStates(initialFaults);
  const routes: RouteEntry[] = [];
  const requests: RecordedRequest[] = [];
  const attempts = new Map<string, { count: number; lastAtMs: number }>();
  const stored = new Map<string, Promise<FaultResponse>>();
  const sideEffectsByKey = new Map<string, number>();
  let sideEffectTotal = 0;
  const servedBySocket = new WeakMap<Socket, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();
  let closed = false;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0 || closed) {
        resolve();
        return;
      }
      const entry = {
        timer: setTimeout(() => {
          timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      timers.add(entry);
    });

  const addRoute = (definition: FaultRouteDefinition): void => {
    const entry: RouteEntry = {
      definition,
      pattern: compileRoutePattern(definition.path),
      rules: ruleStates(definition.faults ?? []),
    };
    const method = definition.method.toUpperCase();
    const index = routes.findIndex(
      (r) => r.definition.method.toUpperCase() === method && r.definition.path === definition.path,
    );
    if (index >= 0) routes[index] = entry;
    else routes.push(entry);
  };
  for (const definition of options.routes ?? DEFAULT_FAULT_SERVER_OPTIONS.routes) addRoute(definition);

  const findRoute = (
    method: string,
    path: string,
  ): { entry: RouteEntry; params: Record<string, string> } | undefined => {
    for (const entry of routes) {
      const routeMethod = entry.definition.method.toUpperCase();
      if (routeMethod !== '*' && routeMethod !== method) continue;
      const params = entry.pattern.match(path);
      if (params) return { entry, params };
    }
    return undefined;
  };

  /** Walks the rules in order; counts `firstN` per rule and draws from the seeded source only for probabilities. */
  const selectFaults = (
    states: readonly RuleState[],
    method: string,
    path: string,
    selected: Fault[],
  ): void => {
    for (const state of states) {
      const match = state.rule.match;
      if (match?.method !== undefined && match.method !== '*' && match.method.toUpperCase() !== method)
        continue;
      if (state.pattern && !state.pattern.match(path)) continue;
      state.matched++;
      if (state.rule.firstN !== undefined && state.matched > state.rule.firstN) continue;
      if (state.rule.probability !== undefined && random() >= state.rule.probability) continue;
      selected.push(state.rule.fault);
    }
  };

  const runHandler = async (
    handler: FaultHandler | undefined,
    request: FaultRequest,
  ): Promise<FaultResponse> => {
    if (handler === undefined) return { status: 200, json: {} };
    if (typeof handler !== 'function') return handler;
    try {
      return await handler(request);
    } catch (error) {
      return {
        status: 500,
        json: { error: 'handler_failed', message: String((error as Error)?.message ?? error) },
      };
    }
  };

  const runWithSideEffects = async (
    entry: RouteEntry | undefined,
    request: FaultRequest,
  ): Promise<FaultResponse> => {
    if (!entry) return { status: 404, json: { error: 'not_found', path: request.path } };
    if (entry.definition.sideEffect !== true) return runHandler(entry.definition.handler, request);
    const key = request.idempotencyKey;
    if (key !== undefined) {
      const previous = stored.get(key);
      if (previous) return previous;
    }
    sideEffectTotal++;
    const countKey = key ?? '';
    sideEffectsByKey.set(countKey, (sideEffectsByKey.get(countKey) ?? 0) + 1);
    const result = runHandler(entry.definition.handler, request);
    if (key !== undefined) stored.set(key, result);
    return result;
  };

  const send = (res: ServerResponse, record: RecordedRequest, prepared: PreparedResponse): void => {
    record.status = prepared.status;
    res.writeHead(prepared.status, { ...prepared.headers, 'content-length': String(prepared.body.length) });
    res.end(prepared.body);
  };

  const sendSlowly = async (
    res: ServerResponse,
    record: RecordedRequest,
    prepared: PreparedResponse,
    fault: Extract<Fault, { type: 'slow_body' }>,
  ): Promise<void> => {
    const chunkBytes = Math.max(1, fault.chunkBytes ?? 16);
    const delayMs = fault.delayMs ?? 20;
    record.status = prepared.status;
    res.writeHead(prepared.status, { ...prepared.headers, 'content-length': String(prepared.body.length) });
    for (let offset = 0; offset < prepared.body.length; offset += chunkBytes) {
      if (closed || res.destroyed) return;
      if (offset > 0) await wait(delayMs);
      res.write(prepared.body.subarray(offset, offset + chunkBytes));
    }
    res.end();
  };

  const resetSocket = (res: ServerResponse): void => {
    const socket = res.socket;
    if (!socket) return;
    // resetAndDestroy sends a TCP RST, so the client sees ECONNRESET rather than a clean close.
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  };

  const deliverFault = async (
    res: ServerResponse,
    record: RecordedRequest,
    fault: Fault,
    produce: () => Promise<PreparedResponse>,
  ): Promise<void> => {
    switch (fault.type) {
      case 'status': {
        if (fault.afterHandler === true) await produce();
        send(
          res,
          record,
          prepare({
            status: fault.status,
            headers: fault.headers,
            json: fault.json ?? { error: `status_${fault.status}` },
          }),
        );
        return;
      }
      case 'rate_limit': {
        const headers: Record<string, string> = { ...(fault.headers ?? {}) };
        const [name, value] = retryAfterHeader(fault.retryAfter ?? { seconds: 1 });
        headers[name] = value;
        if (fault.limit !== undefined) headers['X-RateLimit-Limit'] = String(fault.limit);
        headers['X-RateLimit-Remaining'] = String(fault.remaining ?? 0);
        if (fault.resetSeconds !== undefined) headers['X-RateLimit-Reset'] = String(fault.resetSeconds);
        send(res, record, prepare({ status: 429, headers, json: fault.json ?? { error: 'rate_limited' } }));
        return;
      }
      case 'html_error': {
        const status = fault.status ?? 502;
        send(
          res,
          record,
          prepare({ status, headers: { 'content-type': 'text/html' }, body: proxyErrorPage(status) }),
        );
        return;
      }
      case 'hang':
        if (fault.afterHandler === true) await produce();
        return;
      case 'reset': {
        if (fault.midBody !== true) {
          if (fault.afterHandler === true) await produce();
          resetSocket(res);
          return;
        }
        const prepared = await produce();
        record.status = prepared.status;
        // No Content-Length: chunked, so only the reset tells the client the body is incomplete.
        res.writeHead(prepared.status, prepared.headers);
        const half = prepared.body.subarray(0, Math.max(1, Math.floor(prepared.body.length / 2)));
        await new Promise<void>((resolve) => res.write(half, () => resolve()));
        // Give the client a moment to read what was sent: an RST can discard unread bytes.
        await wait(10);
        resetSocket(res);
        return;
      }
      case 'truncated': {
        const prepared = await produce();
        record.status = prepared.status;
        res.writeHead(prepared.status, {
          ...prepared.headers,
          'content-length': String(prepared.body.length),
        });
        const half = prepared.body.subarray(0, Math.floor(prepared.body.length / 2));
        res.write(half, () => res.socket?.destroy());
        return;
      }
      case 'malformed_json': {
        const prepared = await produce();
        const text = malformJson(prepared.body.length > 0 ? prepared.body.toString('utf8') : undefined);
        send(res, record, {
          ...prepared,
          headers: { ...prepared.headers, 'content-type': 'application/json; charset=utf-8' },
          body: Buffer.from(text),
        });
        return;
      }
      case 'empty_body': {
        const prepared = await produce();
        send(res, record, {
          ...prepared,
          status: fault.status ?? prepared.status,
          headers: { ...prepared.headers, 'content-type': 'application/json; charset=utf-8' },
          body: Buffer.alloc(0),
        });
        return;
      }
      default:
        return;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const socket = req.socket;
    const served = servedBySocket.get(socket) ?? 0;
    servedBySocket.set(socket, served + 1);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const headers = flattenHeaders(req);
    const body = Buffer.concat(chunks).toString('utf8');
    const idempotencyKey = headers[idempotencyHeader];
    const logicalKey = idempotencyKey !== undefined ? `key:${idempotencyKey}` : `${method} ${path}`;
    const now = Date.now();
    const previous = attempts.get(logicalKey);
    const attempt = (previous?.count ?? 0) + 1;
    attempts.set(logicalKey, { count: attempt, lastAtMs: now });
    const found = findRoute(method, path);
    const record: RecordedRequest = {
      seq: requests.length + 1,
      method,
      path,
      query: parseQuery(url.searchParams),
      rawQuery: url.search.slice(1),
      headers,
      body,
      idempotencyKey,
      route: found
        ? `${found.entry.definition.method.toUpperCase()} ${found.entry.definition.path}`
        : undefined,
      attempt,
      receivedAtMs: now,
      sinceLastAttemptMs: previous ? now - previous.lastAtMs : 0,
      socketReused: served > 0,
      faults: [],
      status: undefined,
    };
    requests.push(record);

    if (size > maxBodyBytes) {
      send(res, record, prepare({ status: 413, json: { error: 'payload_too_large' } }));
      return;
    }

    const selected: Fault[] = [];
    if (found) selectFaults(found.entry.rules, method, path, selected);
    selectFaults(globalRules, method, path, selected);
    record.faults = selected.map((fault) => fault.type);

    let latencyMs = 0;
    let slow: Extract<Fault, { type: 'slow_body' }> | undefined;
    const drifts: Extract<Fault, { type: 'drift' }>[] = [];
    let terminal: Fault | undefined;
    for (const fault of selected) {
      if (fault.type === 'latency') {
        const min = fault.minMs ?? fault.ms ?? 0;
        const max = fault.maxMs ?? min;
        latencyMs += max > min ? min + Math.floor(random() * (max - min + 1)) : min;
      } else if (fault.type === 'slow_body') slow = fault;
      else if (fault.type === 'drift') drifts.push(fault);
      else if (!COMBINING.has(fault.type)) terminal ??= fault;
    }
    await wait(latencyMs);
    if (closed) return;

    const request: FaultRequest = {
      method,
      path,
      params: found?.params ?? {},
      query: record.query,
      rawQuery: record.rawQuery,
      headers,
      body,
      json: safeJson(body),
      idempotencyKey,
      attempt,
    };
    const produce = async (): Promise<PreparedResponse> => {
      const response = await runWithSideEffects(found?.entry, request);
      if (drifts.length === 0 || response.json === undefined) return prepare(response);
      let json: unknown = response.json;
      for (const drift of drifts) json = applySchemaDrift(json, drift);
      return prepare({ ...response, json });
    };

    if (terminal) {
      await deliverFault(res, record, terminal, produce);
      return;
    }
    const prepared = await produce();
    if (closed) return;
    if (slow) await sendSlowly(res, record, prepared, slow);
    else send(res, record, prepared);
  };

  const server = createServer({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULT_FAULT_SERVER_OPTIONS.keepAliveTimeoutMs,
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      // A failure here is a bug in the server itself; never leave the client waiting.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"fault_server_failed"}');
      } else res.destroy();
    });
  });
  server.on('clientError', (_error, socket: Socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setFaults(rules) {
      globalRules = ruleStates(rules);
    },
    route: addRoute,
    sideEffects(key) {
      return sideEffectsByKey.get(key) ?? 0;
    },
    sideEffectCount() {
      return sideEffectTotal;
    },
    reset() {
      requests.length = 0;
      attempts.clear();
      stored.clear();
      sideEffectsByKey.clear();
      sideEffectTotal = 0;
      globalRules = ruleStates(initialFaults);
      for (const entry of routes) entry.rules = ruleStates(entry.definition.faults ?? []);
      random = createSeededRandom(seed);
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const entry of timers) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
