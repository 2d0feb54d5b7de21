// The real OpenTelemetry SDK, in memory, for the clients' telemetry tests: spans through a
// SimpleSpanProcessor into an InMemorySpanExporter, metrics through a pull reader, and the
// AsyncHooks context manager registered globally (as an application does). Providers are registered
// globally only when asked. Imported from the tests' sources (vitest transforms it), never built.
import { readFileSync } from 'node:fs';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

// The SDK types the harness hands out, so a test reads them without a dependency of its own.
export type { Histogram, ReadableSpan };

/** A reader that collects only when the test asks. */
class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** The in-memory SDK of one test file (see {@link createOtelHarness}). */
export interface OtelHarness {
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  /** Finished spans, in the order they ended. */
  spans(): ReadableSpan[];
  /** Every metric as of now (cumulative). */
  metrics(): Promise<MetricData[]>;
  /** The points of one metric (empty when it has none). */
  points(name: string): Promise<DataPoint<number | Histogram>[]>;
  /** Every attribute value, event attribute and status message of every span, and every metric attribute: what the leak checks search. */
  exported(): Promise<string>;
  shutdown(): Promise<void>;
}

/**
 * A tracer provider and a meter provider on the real SDK, exported to memory. With `global: true`
 * they are also registered as the global providers, as an application would.
 */
export function createOtelHarness(options: { global?: boolean } = {}): OtelHarness {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new PullReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  context.setGlobalContextManager(new AsyncHooksContextManager().enable());
  if (options.global) {
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
  }
  const collect = async (): Promise<MetricData[]> => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  };
  return {
    tracerProvider,
    meterProvider,
    spans: () => exporter.getFinishedSpans(),
    metrics: collect,
    async points(name) {
      const metric = (await collect()).find((m) => m.descriptor.name === name);
      return (metric?.dataPoints ?? []) as DataPoint<number | Histogram>[];
    },
    async exported() {
      const parts: string[] = [];
      for (const span of exporter.getFinishedSpans()) {
        parts.push(span.name, span.status.message ?? '', JSON.stringify(span.attributes));
        for (const event of span.events) parts.push(event.name, JSON.stringify(event.attributes ?? {}));
      }
      for (const metric of await collect())
        for (const point of metric.dataPoints) parts.push(JSON.stringify(point.attributes));
      return parts.join('\n');
    },
    async shutdown() {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
      trace.disable();
      metrics.disable();
      context.disable();
      propagation.disable();
    },
  };
}

const seen = new Set<string>();

/** Notes every metric name, attribute key and span event name the harness saw (for the docs check). */
export async function remember(harness: OtelHarness): Promise<void> {
  for (const span of harness.spans()) {
    for (const key of Object.keys(span.attributes)) seen.add(key);
    for (const event of span.events) {
      seen.add(event.name);
      for (const key of Object.keys(event.attributes ?? {})) seen.add(key);
    }
  }
  for (const metric of await harness.metrics()) {
    seen.add(metric.descriptor.name);
    for (const point of metric.dataPoints) for (const key of Object.keys(point.attributes)) seen.add(key);
  }
}

/** What {@link remember} saw that docs/observability.md does not name (as `code`). */
export function undocumented(): string[] {
  const docs = readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8');
  return [...seen].filter((name) => !docs.includes(`\`${name}\``)).sort();
}
