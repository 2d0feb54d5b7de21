import { compileRoutePattern, createSeededRandom, type RoutePattern } from '@kit/testing';
import type { SandboxHttpFaults } from '../sandbox-faults';

/** A fault that answers instead of the handler (the handler never runs). */
export type BeforeFault =
  | { readonly kind: 'http.server_error'; readonly status: 500 | 503 }
  | { readonly kind: 'http.rate_limit_burst'; readonly retryAfterSeconds: number }
  | { readonly kind: 'http.reset_before' }
  | { readonly kind: 'http.html_error'; readonly status: number }
  | { readonly kind: 'http.execution_unknown'; readonly created: false };

/** A fault that spoils the delivery of the handler's answer (the handler ran). */
export type AfterFault =
  | { readonly kind: 'http.response_lost' }
  | { readonly kind: 'http.execution_unknown'; readonly created: true }
  | { readonly kind: 'http.reset_after' }
  | { readonly kind: 'http.truncated' }
  | { readonly kind: 'http.malformed' };

/** What happens to one request. */
export interface FaultPlan {
  readonly latencyMs: number;
  readonly before: BeforeFault | undefined;
  readonly after: AfterFault | undefined;
  readonly drift: boolean;
}

interface Matcher {
  readonly method: string;
  readonly pattern: RoutePattern;
}

const ORDER_ROUTE = 'POST /v1/orders';

/** Parses a `match` entry: `'POST /v1/orders'`, `'* /v1/*'` or a bare path (any method). */
function compileMatcher(entry: string): Matcher {
  const space = entry.indexOf(' ');
  const method = space < 0 ? '*' : entry.slice(0, space).toUpperCase();
  const path = space < 0 ? entry : entry.slice(space + 1).trim();
  return { method, pattern: compileRoutePattern(path) };
}

const KINDS = [
  'latency',
  'serverError',
  'rateLimitBurst',
  'resetBefore',
  'htmlError',
  'resetAfter',
  'truncated',
  'malformed',
  'drift',
  'responseLost',
  'executionUnknown',
] as const;
type Kind = (typeof KINDS)[number];

/**
 * Draws the HTTP faults of each request. Every kind has its own seeded stream (derived from the
 * seed and the kind) and draws once per matching request whether or not another kind won, so a
 * kind's schedule depends only on the seed and the requests it saw: switching another kind on never
 * shifts it, and the same seed and requests replay exactly. Precedence: a before-fault beats an
 * after-fault (the handler never ran).
 */
export class HttpFaultPlanner {
  #faults: SandboxHttpFaults = {};
  #matchers: Matcher[] | undefined;
  #active = false;
  #burstLeft = 0;
  #burstRetryAfter = 1;

  readonly #streams: Record<Kind, () => number>;

  constructor(seed: number) {
    const streams = {} as Record<Kind, () => number>;
    KINDS.forEach((kind, index) => {
      streams[kind] = createSeededRandom(
        (Math.imul((seed >>> 0) ^ 0x2545f491, 0x9e3779b1) + (index + 1) * 0x6a09e667) >>> 0,
      );
    });
    this.#streams = streams;
  }

  /** Whether any HTTP fault is on (the hot path skips the planner when not). */
  get active(): boolean {
    return this.#active;
  }

  set(faults: SandboxHttpFaults | undefined): void {
    this.#faults = faults ?? {};
    this.#matchers = this.#faults.match?.map(compileMatcher);
    this.#burstLeft = 0;
    const { match: _match, ...kinds } = this.#faults;
    this.#active = Object.values(kinds).some((kind) => kind !== undefined && kind.probability > 0);
  }

  /** The plan for one request, or undefined when no fault applies to it. */
  plan(label: string, method: string, path: string): FaultPlan | undefined {
    if (!this.#active) return undefined;
    if (
      this.#matchers &&
      !this.#matchers.some((m) => (m.method === '*' || m.method === method) && m.pattern.match(path))
    ) {
      return undefined;
    }
    const f = this.#faults;
    const streams = this.#streams;
    const hit = (name: Kind): boolean => {
      const kind = f[name];
      return kind !== undefined && kind.probability > 0 && streams[name]() < kind.probability;
    };
    const isOrder = label === ORDER_ROUTE;

    let latencyMs = 0;
    if (hit('latency')) {
      const { minMs, maxMs } = f.latency!;
      latencyMs = Math.round(minMs + streams.latency() * Math.max(0, maxMs - minMs));
    }
    const serverError = hit('serverError') ? (streams.serverError() < 0.5 ? 500 : 503) : undefined;
    let burst = false;
    if (this.#burstLeft > 0) {
      this.#burstLeft--;
      burst = true;
    } else if (hit('rateLimitBurst')) {
      this.#burstLeft = Math.max(0, f.rateLimitBurst!.length - 1);
      this.#burstRetryAfter = f.rateLimitBurst!.retryAfterSeconds;
      burst = true;
    }
    const resetBefore = hit('resetBefore');
    const html = hit('htmlError');
    const resetAfter = hit('resetAfter');
    const truncated = hit('truncated');
    const malformed = hit('malformed');
    const drift = hit('drift');
    const responseLost = isOrder && hit('responseLost');
    let unknown: boolean | undefined;
    if (isOrder && hit('executionUnknown'))
      unknown = streams.executionUnknown() < (f.executionUnknown!.createdProbability ?? 0.5);

    let before: BeforeFault | undefined;
    if (burst) before = { kind: 'http.rate_limit_burst', retryAfterSeconds: this.#burstRetryAfter };
    else if (resetBefore) before = { kind: 'http.reset_before' };
    else if (serverError !== undefined) before = { kind: 'http.server_error', status: serverError };
    else if (html) before = { kind: 'http.html_error', status: f.htmlError!.status ?? 502 };
    else if (unknown === false) before = { kind: 'http.execution_unknown', created: false };

    let after: AfterFault | undefined;
    if (responseLost) after = { kind: 'http.response_lost' };
    else if (unknown === true) after = { kind: 'http.execution_unknown', created: true };
    else if (resetAfter) after = { kind: 'http.reset_after' };
    else if (truncated) after = { kind: 'http.truncated' };
    else if (malformed) after = { kind: 'http.malformed' };

    if (latencyMs === 0 && before === undefined && after === undefined && !drift) return undefined;
    return {
      latencyMs,
      before,
      after: before === undefined ? after : undefined,
      drift: before === undefined && drift,
    };
  }
}
