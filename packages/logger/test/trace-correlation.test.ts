// Log lines carry the active OpenTelemetry span's ids. With the real SDK (a BasicTracerProvider and
// the AsyncHooks context manager registered globally, as an application does) and without any: the
// logger itself never imports @opentelemetry/api, it reads the api's global registry.
import { context, metrics, ProxyTracerProvider, propagation, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../src/index';
import { activeSpanIds, resolveMeter, resolveTracer } from '../src/internal';

function capture(format: 'json' | 'pretty' = 'json') {
  const lines: string[] = [];
  const records: LogRecord[] = [];
  const logger = createLogger({
    level: 'debug',
    format,
    sink: (line, record) => {
      lines.push(line);
      records.push(record);
    },
  });
  return { logger, lines, records };
}

function registerSdk() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncHooksContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return { provider, tracer: provider.getTracer('test'), exporter };
}

afterEach(() => {
  trace.disable();
  context.disable();
  metrics.disable();
  propagation.disable();
});

describe('trace correlation', () => {
  it('adds nothing when no OpenTelemetry is registered', () => {
    const { logger, lines, records } = capture();
    logger.info('plain');
    expect(records[0]).not.toHaveProperty('trace_id');
    expect(JSON.parse(lines[0] as string)).not.toHaveProperty('trace_id');
    expect(activeSpanIds()).toBeUndefined();
  });

  it('adds trace_id and span_id of the active span, across awaits and in child loggers', async () => {
    const { tracer } = registerSdk();
    const { logger, lines, records } = capture();
    const child = logger.child({ component: 'orders' });
    logger.info('before any span');
    let ids: { traceId: string; spanId: string } | undefined;
    await tracer.startActiveSpan('place order', async (span) => {
      ids = span.spanContext();
      logger.info('inside');
      await new Promise((resolve) => setImmediate(resolve));
      child.warn('after an await');
      span.end();
    });
    logger.info('after the span');

    expect(records.map((r) => r.trace_id)).toEqual([undefined, ids?.traceId, ids?.traceId, undefined]);
    expect(records.map((r) => r.span_id)).toEqual([undefined, ids?.spanId, ids?.spanId, undefined]);
    expect(ids?.traceId).toMatch(/^[0-9a-f]{32}$/);
    const json = JSON.parse(lines[2] as string);
    expect(json).toMatchObject({ msg: 'after an await', trace_id: ids?.traceId, span_id: ids?.spanId });
    expect(json.fields).toEqual({ component: 'orders' });
  });

  it('shows the ids in pretty lines too', () => {
    const { tracer } = registerSdk();
    const { logger, lines } = capture('pretty');
    tracer.startActiveSpan('op', (span) => {
      logger.info('hello');
      expect(lines[0]).toContain(
        `trace_id=${span.spanContext().traceId} span_id=${span.spanContext().spanId}`,
      );
      span.end();
    });
  });

  it('ignores a non-recording span with the invalid trace id (the api no-op)', () => {
    context.setGlobalContextManager(new AsyncHooksContextManager().enable());
    const { logger, records } = capture();
    trace.getTracer('noop').startActiveSpan('op', (span) => {
      logger.info('inside a no-op span');
      span.end();
    });
    expect(records[0]).not.toHaveProperty('trace_id');
  });
});

describe('the OpenTelemetry bridge', () => {
  it('finds no tracer and no meter when nothing is registered, or only the no-ops', () => {
    expect(resolveTracer(undefined, 'kit', '1')).toBeUndefined();
    expect(resolveMeter(undefined, 'kit', '1')).toBeUndefined();
    expect(resolveTracer(trace.getTracerProvider(), 'kit', '1')).toBeUndefined();
    expect(resolveTracer(new ProxyTracerProvider(), 'kit', '1')).toBeUndefined();
    expect(resolveMeter(metrics.getMeterProvider(), 'kit', '1')).toBeUndefined();
  });

  it('finds the registered provider through the api proxy, and a provider passed directly', () => {
    const provider = new BasicTracerProvider();
    expect(resolveTracer(provider, 'kit', '1')).toBeDefined();
    trace.setGlobalTracerProvider(provider);
    const tracer = resolveTracer(undefined, 'kit', '1');
    expect(tracer).toBeDefined();
    // Looked up through the proxy: the tracer is the SDK's, not a proxy that costs a hop per span.
    expect(tracer?.constructor.name).not.toBe('ProxyTracer');
  });
});
