// OpenTelemetry without importing it. `@opentelemetry/api` is an optional peer of kit's packages:
// an application that has it registers its providers, context manager and propagator in the api's
// global registry (`globalThis[Symbol.for('opentelemetry.js.api.1')]`), the one place every copy of
// api 1.x reads and writes, so that two copies of the api in one process see the same SDK. kit
// reads that registry directly: nothing is imported at run time (no crash, no bundler error when
// the api is absent, the same code in ESM, CJS and browsers), and when nothing is registered every
// lookup below answers `undefined` from one property read. The shapes are the api's own (a
// structural subset of its 1.x types), so the SDK's objects are used as they are.

/** A context: an immutable map the active span lives in (the api's `Context`). @internal */
export interface OtelContext {
  /** The value stored under `key`, or undefined. */
  getValue(key: symbol): unknown;
  /** A new context with `key` set to `value` (this one is unchanged). */
  setValue(key: symbol, value: unknown): OtelContext;
  /** A new context without `key` (this one is unchanged). */
  deleteValue(key: symbol): OtelContext;
}

/** Identifies a span (the api's `SpanContext`). @internal */
export interface OtelSpanContext {
  /** 32 lower-case hex digits; all zeros means invalid. */
  readonly traceId: string;
  /** 16 lower-case hex digits. */
  readonly spanId: string;
  /** W3C trace flags; bit 0 is "sampled". */
  readonly traceFlags: number;
  /** Vendor entries of the W3C `tracestate` header, when there are any. */
  readonly traceState?: { serialize(): string };
}

/** An attribute value (the api's `AttributeValue`, without arrays: kit sets none). @internal */
export type OtelAttributeValue = string | number | boolean;

/** Attributes of a span, an event or a metric point. @internal */
export type OtelAttributes = Record<string, OtelAttributeValue | undefined>;

/** A span (the api's `Span`, the members kit calls). @internal */
export interface OtelSpan {
  /** The ids that identify this span (and go on the wire as `traceparent`). */
  spanContext(): OtelSpanContext;
  /** Sets one attribute (a no-op once the span has ended). */
  setAttribute(key: string, value: OtelAttributeValue): unknown;
  /** Sets several attributes at once. */
  setAttributes(attributes: OtelAttributes): unknown;
  /** Records a timestamped event on the span. */
  addEvent(name: string, attributes?: OtelAttributes): unknown;
  /** Sets the status ({@link SPAN_STATUS_ERROR} with a message for a failure). */
  setStatus(status: { code: number; message?: string }): unknown;
  /** Ends the span, now or at `endTime` (same units as {@link OtelSpanOptions.startTime}). */
  end(endTime?: number): void;
  /** False for a span the sampler dropped: kit then skips building its attributes. */
  isRecording(): boolean;
}

/** Options of `startSpan` (the api's `SpanOptions`, the members kit sets). @internal */
export interface OtelSpanOptions {
  /** The span kind ({@link SPAN_KIND}). @default SPAN_KIND.INTERNAL */
  kind?: number;
  /** Attributes known at the start (samplers see them). @default {} */
  attributes?: OtelAttributes;
  /** `performance.now()` milliseconds (the SDK converts them) or epoch milliseconds. @default now */
  startTime?: number;
  /** Start a new trace whatever the context holds. @default false */
  root?: boolean;
  /** Spans this one follows from (e.g. the session a reconnect replaces). @default [] */
  links?: Array<{ context: OtelSpanContext; attributes?: OtelAttributes }> | undefined;
}

/** A tracer (the api's `Tracer`). @internal */
export interface OtelTracer {
  /** Starts a span, a child of the span active in `context` (or the current context). */
  startSpan(name: string, options?: OtelSpanOptions, context?: OtelContext): OtelSpan;
}

/**
 * Anything that hands out tracers: an OpenTelemetry SDK `TracerProvider` (or the api's
 * `trace.getTracerProvider()`). Typed structurally so kit's types do not need `@opentelemetry/api`.
 */
export interface TracerProviderLike {
  /** Returns a tracer for an instrumentation scope. */
  getTracer(name: string, version?: string): unknown;
}

/**
 * Anything that hands out meters: an OpenTelemetry SDK `MeterProvider` (or the api's
 * `metrics.getMeterProvider()`). Typed structurally so kit's types do not need `@opentelemetry/api`.
 */
export interface MeterProviderLike {
  /** Returns a meter for an instrumentation scope. */
  getMeter(name: string, version?: string): unknown;
}

/** A synchronous histogram. @internal */
export interface OtelHistogram {
  /** Records one measurement. */
  record(value: number, attributes?: OtelAttributes): void;
}

/** A synchronous counter. @internal */
export interface OtelCounter {
  /** Adds a non-negative amount. */
  add(value: number, attributes?: OtelAttributes): void;
}

/** An asynchronous instrument, observed in a batch callback. @internal */
export type OtelObservable = object;

/** What a batch callback reports into. @internal */
export interface OtelBatchResult {
  /** Reports the current value of one asynchronous instrument. */
  observe(observable: OtelObservable, value: number, attributes?: OtelAttributes): void;
}

/** Options of an instrument (the api's `MetricOptions`). @internal */
export interface OtelMetricOptions {
  /** What the instrument measures. @default '' */
  description?: string;
  /** UCUM unit (`s`, `1`, `{request}`). @default '' */
  unit?: string;
  /** Hints to the SDK, e.g. a histogram's bucket boundaries. @default the SDK's */
  advice?: { explicitBucketBoundaries?: number[] };
}

/** A meter (the api's `Meter`, the members kit calls). @internal */
export interface OtelMeter {
  /** A histogram (durations, sizes). */
  createHistogram(name: string, options?: OtelMetricOptions): OtelHistogram;
  /** A monotonic counter. */
  createCounter(name: string, options?: OtelMetricOptions): OtelCounter;
  /** A gauge read by a batch callback. */
  createObservableGauge(name: string, options?: OtelMetricOptions): OtelObservable;
  /** A monotonic counter read by a batch callback. */
  createObservableCounter(name: string, options?: OtelMetricOptions): OtelObservable;
  /** A counter that can go down, read by a batch callback. */
  createObservableUpDownCounter(name: string, options?: OtelMetricOptions): OtelObservable;
  /** Calls `callback` at each collection to observe `observables`. */
  addBatchObservableCallback(
    callback: (result: OtelBatchResult) => void,
    observables: OtelObservable[],
  ): void;
  /** Stops calling a callback added with `addBatchObservableCallback`. */
  removeBatchObservableCallback(
    callback: (result: OtelBatchResult) => void,
    observables: OtelObservable[],
  ): void;
}

/** `SpanKind` values (the api's enum). @internal */
export const SPAN_KIND = Object.freeze({ INTERNAL: 0, CLIENT: 2 });

/** `SpanStatusCode.ERROR` (the api's enum). @internal */
export const SPAN_STATUS_ERROR = 2;

/** The key of the active span in a context: the api builds it with `Symbol.for` for this very reason. */
const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');
const REGISTRY_KEY = Symbol.for('opentelemetry.js.api.1');
const INVALID_TRACE_ID = '00000000000000000000000000000000';

interface ContextManagerLike {
  active(): OtelContext;
  with<T>(context: OtelContext, fn: () => T): T;
}

interface PropagatorLike {
  inject(
    context: OtelContext,
    carrier: Record<string, string>,
    setter: { set(carrier: Record<string, string>, key: string, value: string): void },
  ): void;
}

interface Registry {
  version?: unknown;
  trace?: TracerProviderLike & { getDelegate?: () => TracerProviderLike };
  metrics?: MeterProviderLike;
  context?: ContextManagerLike;
  propagation?: PropagatorLike;
}

function registry(): Registry | undefined {
  const found = (globalThis as Record<symbol, unknown>)[REGISTRY_KEY] as Registry | undefined;
  return typeof found === 'object' && found !== null ? found : undefined;
}

/** The api's root context, for when no context manager is registered. */
class MapContext implements OtelContext {
  readonly #values: Map<symbol, unknown>;
  constructor(values?: Map<symbol, unknown>) {
    this.#values = values ?? new Map();
  }
  getValue(key: symbol): unknown {
    return this.#values.get(key);
  }
  setValue(key: symbol, value: unknown): OtelContext {
    const values = new Map(this.#values);
    values.set(key, value);
    return new MapContext(values);
  }
  deleteValue(key: symbol): OtelContext {
    const values = new Map(this.#values);
    values.delete(key);
    return new MapContext(values);
  }
}

const ROOT_CONTEXT: OtelContext = new MapContext();

const constructorName = (value: unknown): string | undefined =>
  (value as { constructor?: { name?: unknown } } | null)?.constructor?.name as string | undefined;

/**
 * The tracer for `scope`: from `provider`, else from the globally registered provider; `undefined`
 * when there is none or it is the api's no-op (so callers leave their tracing out entirely). Call
 * it once, when a client is created. @internal
 */
export function resolveTracer(
  provider: TracerProviderLike | undefined,
  scope: string,
  version: string,
): OtelTracer | undefined {
  let source: (TracerProviderLike & { getDelegate?: () => TracerProviderLike }) | undefined =
    provider ?? registry()?.trace;
  if (source === undefined || typeof source.getTracer !== 'function') return undefined;
  // The api's ProxyTracerProvider: look through it, so a proxy over the no-op counts as nothing.
  if (typeof source.getDelegate === 'function') source = source.getDelegate();
  if (constructorName(source) === 'NoopTracerProvider') return undefined;
  const tracer = source.getTracer(scope, version) as OtelTracer | undefined;
  if (typeof tracer?.startSpan !== 'function' || constructorName(tracer) === 'NoopTracer') return undefined;
  return tracer;
}

/**
 * The meter for `scope`: from `provider`, else from the globally registered provider; `undefined`
 * when there is none or it is the api's no-op. Call it once, when a client is created. @internal
 */
export function resolveMeter(
  provider: MeterProviderLike | undefined,
  scope: string,
  version: string,
): OtelMeter | undefined {
  const source = provider ?? registry()?.metrics;
  if (source === undefined || typeof source.getMeter !== 'function') return undefined;
  if (constructorName(source) === 'NoopMeterProvider') return undefined;
  const meter = source.getMeter(scope, version) as OtelMeter | undefined;
  if (typeof meter?.createHistogram !== 'function' || constructorName(meter) === 'NoopMeter')
    return undefined;
  return meter;
}

/** The active context (the registered context manager's, else the root). @internal */
export function activeContext(): OtelContext {
  return registry()?.context?.active() ?? ROOT_CONTEXT;
}

/** Runs `fn` with `context` active, when a context manager is registered (else just runs it). @internal */
export function withContext<T>(context: OtelContext, fn: () => T): T {
  const manager = registry()?.context;
  return manager === undefined ? fn() : manager.with(context, fn);
}

/** `context` with `span` as its active span (the api's `trace.setSpan`). @internal */
export function contextWithSpan(context: OtelContext, span: OtelSpan): OtelContext {
  return context.setValue(SPAN_KEY, span);
}

/** The span active in `context`, if any (the api's `trace.getSpan`). @internal */
export function spanOf(context: OtelContext): OtelSpan | undefined {
  const span = context.getValue(SPAN_KEY) as OtelSpan | undefined;
  return typeof span?.spanContext === 'function' ? span : undefined;
}

const HEADER_SETTER = {
  set(carrier: Record<string, string>, key: string, value: string): void {
    carrier[key] = value;
  },
};

// The SDK's ids are well-formed by construction: the lengths rule out the api's invalid context
// and anything that is not an id at all, without a regular expression per request.
function isValid(ids: OtelSpanContext): boolean {
  return ids.traceId.length === 32 && ids.spanId.length === 16 && ids.traceId !== INVALID_TRACE_ID;
}

/**
 * Writes the trace context of `span` (a child of `parent`) into outgoing `headers`: through the
 * registered propagator when the application set one (W3C, B3, whatever it chose; it also gets
 * `parent`'s baggage), else as W3C `traceparent` (and `tracestate`) directly, so a tracer provider
 * passed only to kit still propagates, without building a context per request. @internal
 */
export function injectTraceContext(
  parent: OtelContext,
  span: OtelSpan,
  headers: Record<string, string>,
): void {
  const propagator = registry()?.propagation;
  if (propagator !== undefined) {
    propagator.inject(contextWithSpan(parent, span), headers, HEADER_SETTER);
    return;
  }
  const ids = span.spanContext();
  if (!isValid(ids)) return;
  headers.traceparent = `00-${ids.traceId}-${ids.spanId}-0${ids.traceFlags & 1}`;
  const state = ids.traceState?.serialize();
  if (state) headers.tracestate = state;
}

/**
 * The trace and span id of the span active right now, for log correlation; `undefined` (after one
 * property read) when no context manager is registered or no valid span is active. @internal
 */
export function activeSpanIds(): { traceId: string; spanId: string } | undefined {
  const manager = registry()?.context;
  if (manager === undefined) return undefined;
  const span = manager.active().getValue(SPAN_KEY) as { spanContext?: () => OtelSpanContext } | undefined;
  if (typeof span?.spanContext !== 'function') return undefined;
  const ids = span.spanContext();
  return ids.traceId === INVALID_TRACE_ID ? undefined : ids;
}
