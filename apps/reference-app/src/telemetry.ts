// The reference app's OpenTelemetry: what `--metrics-port` and `--otel console` switch on. It
// registers the SDK globally before the app creates its clients (kit's clients look for providers
// once, when they are created), so every REST call, WebSocket session and log line of the session
// is instrumented without the app passing anything around.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KitError } from '@kit/errors';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

/** Where spans go: `console` prints one line per span as it ends. */
export type OtelMode = 'console';

/** The values `--otel` accepts. */
const OTEL_MODES: readonly OtelMode[] = ['console'];

/** Options for {@link startTelemetry}. */
export interface AppTelemetryOptions {
  /**
   * Serve the metrics in Prometheus' text format on `http://<metricsHost>:<port>/metrics`; `0`
   * picks a free port (read it from `metricsUrl`). @default undefined (no endpoint)
   */
  metricsPort?: number;
  /** The address the metrics endpoint listens on. @default '127.0.0.1' */
  metricsHost?: string;
  /** `console`: print every span when it ends, one line each, to `write`. @default undefined (no spans) */
  otel?: OtelMode;
  /** Receives the console lines (without a newline). @default a line on stderr */
  write?: (line: string) => void;
}

/** The registered telemetry of one app run. */
export interface AppTelemetry {
  /** The Prometheus endpoint, when `metricsPort` was given. */
  readonly metricsUrl: string | undefined;
  /** Unregisters everything and closes the endpoint (spans still in flight are printed first). */
  shutdown(): Promise<void>;
}

const KIND = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
/** Attributes worth a place on a console line, in this order. */
const SHOWN = [
  'http.response.status_code',
  'http.request.resend_count',
  'error.type',
  'kit.rest.attempts',
  'kit.rest.total_delay_ms',
  'kit.ws.close.code',
  'kit.ws.state.final',
];

/** One span as one terminal line: name, kind, duration, the attributes that tell what happened, ids. */
function formatSpanLine(span: ReadableSpan): string {
  const [seconds, nanos] = span.duration;
  const ms = seconds * 1_000 + nanos / 1e6;
  const shown = SHOWN.filter((key) => span.attributes[key] !== undefined).map(
    (key) => `${key}=${String(span.attributes[key])}`,
  );
  const events = span.events.length > 0 ? ` events=${span.events.map((e) => e.name).join(',')}` : '';
  const ids = span.spanContext();
  const parent = span.parentSpanContext?.spanId;
  return `otel span ${span.name} ${KIND[span.kind] ?? span.kind} ${ms.toFixed(1)}ms${shown.length > 0 ? ` ${shown.join(' ')}` : ''}${events} trace=${ids.traceId} span=${ids.spanId}${parent === undefined ? '' : ` parent=${parent}`}`;
}

function consoleExporter(write: (line: string) => void): SpanExporter {
  return {
    export(spans, done) {
      for (const span of spans) write(formatSpanLine(span));
      done({ code: 0 });
    },
    shutdown: async () => {},
  };
}

function invalid(message: string, option: string): KitError {
  return new KitError('config.invalid', {
    message,
    hint:
      option === 'metricsPort'
        ? 'Pass --metrics-port a port number from 0 to 65535 (0 picks a free one).'
        : `Pass --otel one of: ${OTEL_MODES.join(', ')}.`,
    details: { option },
  });
}

/**
 * Registers the OpenTelemetry SDK for this process (context manager, and a tracer provider and/or
 * a meter provider as asked), or does nothing and returns `undefined` when neither is asked for.
 * Call it before creating any kit client. Rejects with `config.invalid` for a bad port or mode,
 * and with the listen error (e.g. `EADDRINUSE`) when the endpoint cannot start.
 *
 * @example
 * ```ts
 * const telemetry = await startTelemetry({ metricsPort: 9464, otel: 'console' });
 * // ... create clients, run the session ...
 * await telemetry?.shutdown();
 * ```
 */
export async function startTelemetry(options: AppTelemetryOptions = {}): Promise<AppTelemetry | undefined> {
  const { metricsPort, otel } = options;
  if (
    metricsPort !== undefined &&
    !(
      typeof metricsPort === 'number' &&
      Number.isInteger(metricsPort) &&
      metricsPort >= 0 &&
      metricsPort <= 65_535
    )
  ) {
    throw invalid(
      `The metrics port must be a whole number from 0 to 65535; got ${String(metricsPort)}`,
      'metricsPort',
    );
  }
  if (otel !== undefined && !OTEL_MODES.includes(otel)) {
    throw invalid(`Unknown --otel mode ${JSON.stringify(String(otel)).slice(0, 40)}`, 'otel');
  }
  if (metricsPort === undefined && otel === undefined) return undefined;

  let server: Server | undefined;
  let meterProvider: MeterProvider | undefined;
  let metricsUrl: string | undefined;
  if (metricsPort !== undefined) {
    // The exporter's own server cannot report the port it got; ours serves its handler.
    const exporter = new PrometheusExporter({ preventServerStart: true });
    meterProvider = new MeterProvider({ readers: [exporter] });
    const host = options.metricsHost ?? '127.0.0.1';
    const listening = createServer((request, response) => {
      if (request.method === 'GET' && request.url?.split('?')[0] === '/metrics') {
        exporter.getMetricsRequestHandler(request, response);
        return;
      }
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('Not found: the metrics are at /metrics\n');
    });
    listening.listen(metricsPort, host);
    try {
      await Promise.race([
        once(listening, 'listening'),
        once(listening, 'error').then(([error]) => Promise.reject(error)),
      ]);
    } catch (error) {
      await meterProvider.shutdown();
      throw error;
    }
    server = listening;
    const { port } = listening.address() as AddressInfo;
    metricsUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`;
  }
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const tracerProvider =
    otel === 'console'
      ? new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(consoleExporter(write))] })
      : undefined;

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  if (tracerProvider !== undefined) trace.setGlobalTracerProvider(tracerProvider);
  if (meterProvider !== undefined) metrics.setGlobalMeterProvider(meterProvider);

  let stopped = false;
  return {
    metricsUrl,
    async shutdown() {
      if (stopped) return;
      stopped = true;
      await tracerProvider?.shutdown();
      await meterProvider?.shutdown();
      if (server !== undefined) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server?.close(() => resolve()));
      }
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
  };
}
