import {
  type MeterProviderLike,
  type OtelAttributes,
  type OtelBatchResult,
  type OtelCounter,
  type OtelHistogram,
  type OtelMeter,
  type OtelObservable,
  type OtelTracer,
  resolveMeter,
  resolveTracer,
  type TracerProviderLike,
} from '@kit/logger/internal';
import type { RetryPolicyOptions } from '@kit/retry';
import type { RateLimitInfo } from './rate-limit-info';
import type { RateLimiterLike, RestClientHooks, RestTelemetryOptions } from './rest-client-options';

/** The instrumentation scope of every span and metric of the REST client. */
export const REST_TELEMETRY_SCOPE = '@kit/rest-client';

/** The HTTP client conventions' bucket boundaries for `http.client.request.duration`, in seconds. */
const HTTP_DURATION_BUCKETS_S: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

/** Bucket boundaries of `kit.rest.rate_limit.wait.duration`, in seconds (waits run to a minute). */
const RATE_LIMIT_WAIT_BUCKETS_S: readonly number[] = Object.freeze([
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]);

/** Methods the HTTP conventions know; anything else is reported as `_OTHER`. */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
  'QUERY',
]);

/** What the telemetry needs to know about the client it instruments. */
export interface RestTelemetryTarget {
  /** The base URL, parsed. */
  base: URL;
  /** The client's base path (no trailing slash), the prefix of every `url.template`. */
  basePath: string;
  /** The client's limiter, if any (its queue is reported). */
  limiter: RateLimiterLike | undefined;
  /** Whether the retry policy has a circuit breaker (its state is reported). */
  circuitBreaker: boolean;
  /** The client's milliseconds clock (the retry policy's): total delays are measured with it. */
  now: () => number;
}

/** The circuit-breaker states the client can tell from its attempts. */
export type CircuitStateSeen = 'closed' | 'open' | 'half_open';

/**
 * One client's OpenTelemetry instruments, created once when the client is: the tracer, the
 * instruments, and the per-client state the observable gauges read. `undefined` from
 * {@link createRestTelemetry} when there is nothing to report to, so the client adds no steps.
 * @internal
 */
export interface RestTelemetry {
  readonly tracer: OtelTracer | undefined;
  readonly meter: OtelMeter | undefined;
  readonly options: Required<RestTelemetryOptions>;
  readonly target: RestTelemetryTarget;
  /** `server.address`, `server.port`: on every span and metric point. */
  readonly server: { readonly address: string; readonly port: number };
  readonly duration: OtelHistogram | undefined;
  /** Marks a declared endpoint's path as a `url.template` (even without a `{param}`). */
  declare(path: string): void;
  /** The last rate-limit headers seen (read by the headroom gauge at collection, not per response). */
  lastRateLimit: RateLimitInfo | undefined;
  /** The breaker state as the attempts tell it (the fallback when the policy cannot say). */
  circuit: CircuitStateSeen;
  /** The retry policy's exact breaker state, set once the policy exists (read at collection). */
  circuitSource: (() => CircuitStateSeen | undefined) | undefined;
  /** The method as the conventions want it (`_OTHER` for unknown ones). */
  method(method: string): string;
  /** The `url.template` of a call (base path + path template), or `undefined` when its path may hold ids. */
  template(pathTemplate: string): string | undefined;
  /** Records one attempt's duration. */
  recordDuration(seconds: number, attributes: OtelAttributes): void;
  /** The user's hooks with the metric hooks added (retries by code, rate-limit waits). */
  hooks(user: RestClientHooks): RestClientHooks;
  /** The user's `onGiveUp` with the retry-budget counter added. */
  onGiveUp(user: RetryPolicyOptions['onGiveUp']): RetryPolicyOptions['onGiveUp'];
}

/** Options {@link createRestTelemetry} reads from the client's options. @internal */
export interface RestTelemetrySettings {
  tracerProvider?: TracerProviderLike | undefined;
  meterProvider?: MeterProviderLike | undefined;
  telemetry?: RestTelemetryOptions | false | undefined;
}

/** Defaults of {@link RestTelemetryOptions}. */
export const DEFAULT_REST_TELEMETRY_OPTIONS = {
  propagateContext: true,
  pathsAreTemplates: false,
  metricUrlTemplate: false,
} as const satisfies Required<RestTelemetryOptions>;

function defaultPort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function compose<E>(mine: (event: E) => void, theirs: ((event: E) => void) | undefined): (event: E) => void {
  if (theirs === undefined) return mine;
  return (event) => {
    mine(event);
    theirs(event);
  };
}

const MAX_TEMPLATES = 1_000;

/**
 * Resolves the tracer and meter once (the options', else the global ones; the api's no-ops count
 * as none) and creates the instruments. Returns `undefined` when neither exists or `telemetry` is
 * `false`: the client then runs exactly the pipeline it runs without OpenTelemetry. @internal
 */
export function createRestTelemetry(
  settings: RestTelemetrySettings,
  target: RestTelemetryTarget,
): RestTelemetry | undefined {
  if (settings.telemetry === false) return undefined;
  const tracer = resolveTracer(settings.tracerProvider, REST_TELEMETRY_SCOPE, '');
  const meter = resolveMeter(settings.meterProvider, REST_TELEMETRY_SCOPE, '');
  if (tracer === undefined && meter === undefined) return undefined;
  const options: Required<RestTelemetryOptions> = { ...DEFAULT_REST_TELEMETRY_OPTIONS };
  for (const key of Object.keys(DEFAULT_REST_TELEMETRY_OPTIONS) as (keyof RestTelemetryOptions)[]) {
    const value = settings.telemetry?.[key];
    if (value !== undefined) options[key] = Boolean(value);
  }
  const server = { address: target.base.hostname.replace(/^\[|\]$/g, ''), port: defaultPort(target.base) };
  const serverAttributes = { 'server.address': server.address, 'server.port': server.port };
  const declared = new Set<string>();
  const templates = new Map<string, string>();

  const duration = meter?.createHistogram('http.client.request.duration', {
    description: 'Duration of HTTP client requests (one per attempt).',
    unit: 's',
    advice: { explicitBucketBoundaries: [...HTTP_DURATION_BUCKETS_S] },
  });
  const retries = meter?.createCounter('kit.rest.retries', {
    description: 'Attempts retried, by the error that made the client retry.',
    unit: '{retry}',
  });
  const waits = meter?.createHistogram('kit.rest.rate_limit.wait.duration', {
    description: "How long attempts waited for the client's rate limiter (attempts that waited).",
    unit: 's',
    advice: { explicitBucketBoundaries: [...RATE_LIMIT_WAIT_BUCKETS_S] },
  });
  const budgetExhausted = meter?.createCounter('kit.rest.retry_budget.exhausted', {
    description: 'Calls that failed without a retry because the retry budget for the host was empty.',
    unit: '{call}',
  });

  const telemetry: RestTelemetry = {
    tracer,
    meter,
    options,
    target,
    server,
    duration,
    declare(path) {
      if (declared.size < MAX_TEMPLATES) declared.add(path);
    },
    lastRateLimit: undefined,
    circuit: 'closed',
    circuitSource: undefined,
    method: (method) => (KNOWN_METHODS.has(method) ? method : '_OTHER'),
    template(pathTemplate) {
      let found = templates.get(pathTemplate);
      if (found !== undefined) return found;
      if (!options.pathsAreTemplates && !pathTemplate.includes('{') && !declared.has(pathTemplate))
        return undefined;
      found = target.basePath + pathTemplate;
      // Bounded: templates are a vocabulary written in code; a flood of paths must not grow memory.
      if (templates.size < MAX_TEMPLATES) templates.set(pathTemplate, found);
      return found;
    },
    recordDuration(seconds, attributes) {
      duration?.record(seconds, attributes);
    },
    hooks(user) {
      if (meter === undefined) return user;
      return {
        ...user,
        onRetry: compose((event) => {
          if (event.error.code === 'server.circuit_open') telemetry.circuit = 'open';
          (retries as OtelCounter).add(1, {
            ...serverAttributes,
            'http.request.method': telemetry.method(event.method),
            'error.type': event.error.code,
          });
        }, user.onRetry),
        onRateLimit: compose((event) => {
          if (event.waitedMs > 0) (waits as OtelHistogram).record(event.waitedMs / 1_000, serverAttributes);
        }, user.onRateLimit),
      };
    },
    onGiveUp(user) {
      if (budgetExhausted === undefined) return user;
      return compose((event) => {
        if (event.reason === 'budget_exhausted')
          budgetExhausted.add(1, { ...serverAttributes, 'error.type': event.error.code });
      }, user);
    },
  };

  if (meter !== undefined) observeGauges(meter, telemetry, serverAttributes);
  return telemetry;
}

const CIRCUIT_STATES: readonly CircuitStateSeen[] = ['closed', 'half_open', 'open'];

/**
 * The gauges (rate-limit headroom, limiter queue, circuit state), read at collection time from
 * what the pipeline left behind, so they cost nothing per request. The callback holds the client
 * weakly: a client that is garbage-collected stops being reported (and its callback goes).
 */
function observeGauges(meter: OtelMeter, telemetry: RestTelemetry, serverAttributes: OtelAttributes): void {
  const observables: OtelObservable[] = [];
  const headroom = meter.createObservableGauge('kit.rest.rate_limit.headroom', {
    description:
      'The share of the rate limit left, as the server last announced it (remaining / limit, 0 to 1).',
    unit: '1',
  });
  const remaining = meter.createObservableGauge('kit.rest.rate_limit.remaining', {
    description: 'Requests (or weight) left in the current window, as the server last announced it.',
    unit: '{request}',
  });
  observables.push(headroom, remaining);
  const queueOf = (live: RestTelemetry): unknown =>
    (live.target.limiter as { readonly queueSize?: unknown } | undefined)?.queueSize;
  const queued =
    typeof queueOf(telemetry) === 'number'
      ? meter.createObservableGauge('kit.rest.rate_limit.queued', {
          description: "Attempts waiting in the client's rate limiter.",
          unit: '{request}',
        })
      : undefined;
  if (queued !== undefined) observables.push(queued);
  const limiterHeadroomOf = (live: RestTelemetry) =>
    (live.target.limiter as { readonly headroom?: { readonly ratio?: unknown } } | undefined)?.headroom;
  const limiterHeadroom =
    telemetry.target.limiter !== undefined && 'headroom' in telemetry.target.limiter
      ? meter.createObservableGauge('kit.rest.rate_limiter.headroom', {
          description:
            "The share of the client-side rate limiter's tightest window still free (0 to 1; a shared store's is its last known).",
          unit: '1',
        })
      : undefined;
  if (limiterHeadroom !== undefined) observables.push(limiterHeadroom);
  const circuit = telemetry.target.circuitBreaker
    ? meter.createObservableGauge('kit.rest.circuit_breaker.state', {
        description:
          "The circuit breaker state (the retry policy's own): 1 for the current state, 0 for the others.",
        unit: '1',
      })
    : undefined;
  if (circuit !== undefined) observables.push(circuit);

  const ref = new WeakRef(telemetry);
  const stateAttributes = CIRCUIT_STATES.map((state) => ({
    ...serverAttributes,
    'kit.circuit_breaker.state': state,
  }));
  const callback = (result: OtelBatchResult): void => {
    const live = ref.deref();
    if (live === undefined) {
      meter.removeBatchObservableCallback(callback, observables);
      return;
    }
    const info = live.lastRateLimit;
    const left = info?.remaining;
    if (left !== undefined) {
      result.observe(remaining, left, serverAttributes);
      const limit = info?.limit;
      if (limit !== undefined && limit > 0)
        result.observe(headroom, Math.max(0, Math.min(1, left / limit)), serverAttributes);
    }
    if (queued !== undefined) result.observe(queued, Number(queueOf(live)), serverAttributes);
    if (limiterHeadroom !== undefined) {
      const ratio = limiterHeadroomOf(live)?.ratio;
      if (typeof ratio === 'number') result.observe(limiterHeadroom, ratio, serverAttributes);
    }
    if (circuit !== undefined) {
      const state = live.circuitSource?.() ?? live.circuit;
      for (let i = 0; i < CIRCUIT_STATES.length; i++)
        result.observe(circuit, CIRCUIT_STATES[i] === state ? 1 : 0, stateAttributes[i]);
    }
  };
  meter.addBatchObservableCallback(callback, observables);
}
