// The OpenTelemetry SDK as an application registers it (what the telemetry-on contenders run
// under): the AsyncLocalStorage context manager (NodeSDK's default), a BasicTracerProvider with a
// BatchSpanProcessor, a MeterProvider with a periodic reader, all registered globally. The exporters
// discard what they get, so the figures are the cost of producing telemetry in the request path,
// not of serialising and shipping it (that happens off the request path, in batches).
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

const SUCCESS = { code: 0 } as const;

const discardSpans: SpanExporter = {
  export: (_spans, done) => done(SUCCESS),
  shutdown: async () => {},
};

const discardMetrics: PushMetricExporter = {
  export: (_metrics, done) => done(SUCCESS),
  forceFlush: async () => {},
  shutdown: async () => {},
  selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
};

/** A registered SDK and the way to take it down again. */
export interface RegisteredSdk {
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  /**
   * Unregisters the globals and disables the context manager (which switches AsyncLocalStorage's
   * promise hooks off again), keeping the providers: clients created while it was registered
   * keep reporting to them. For benchmarks that alternate with and without the SDK.
   */
  leave(): void;
  /** Registers the same providers and context manager again (after {@link RegisteredSdk.leave}). */
  enter(): void;
  shutdown(): Promise<void>;
}

/**
 * Registers the SDK globally. Unless `enterContext` is false, also runs one `context.with()`, as
 * any instrumented application does on its first request: on Node 20 that switches on
 * AsyncLocalStorage's promise hooks for the whole process, a cost every path measured afterwards
 * pays (the baselines too).
 */
export function registerOtelSdk({ enterContext = true }: { enterContext?: boolean } = {}): RegisteredSdk {
  const manager = new AsyncLocalStorageContextManager();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discardSpans)] });
  const meterProvider = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter: discardMetrics, exportIntervalMillis: 60_000 })],
  });
  const enter = (): void => {
    context.setGlobalContextManager(manager.enable());
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
    if (enterContext) context.with(context.active(), () => {});
  };
  enter();
  return {
    tracerProvider,
    meterProvider,
    enter,
    leave() {
      trace.disable();
      metrics.disable();
      context.disable();
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      metrics.disable();
      context.disable();
      propagation.disable();
    },
  };
}
