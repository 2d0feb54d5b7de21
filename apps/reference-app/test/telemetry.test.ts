// The reference app's telemetry helper (what --metrics-port and --otel console turn on): the real
// SDK registered globally, a kit client created afterwards against a loopback fault server, the
// Prometheus endpoint scraped over HTTP, the console span lines read back.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isKitError } from '@kit/errors';
import { createRestClient } from '@kit/rest-client';
import { createFaultServer, type FaultServer } from '@kit/testing';
import { trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppTelemetry, startTelemetry } from '../src/telemetry';

let server: FaultServer;
let telemetry: AppTelemetry | undefined;
beforeEach(async () => {
  server = await createFaultServer({
    routes: [
      { method: 'GET', path: '/v1/quotes/:symbol', handler: (r) => ({ json: { symbol: r.params.symbol } }) },
    ],
  });
});
afterEach(async () => {
  await telemetry?.shutdown();
  telemetry = undefined;
  await server.close();
});

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('startTelemetry', () => {
  it('serves Prometheus metrics and prints spans for the clients created after it', async () => {
    const lines: string[] = [];
    telemetry = await startTelemetry({ metricsPort: 0, otel: 'console', write: (line) => lines.push(line) });
    expect(telemetry?.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    server.setFaults([{ firstN: 1, fault: { type: 'status', status: 503 } }]);
    const client = createRestClient({
      baseUrl: `${server.url}/v1`,
      retry: { initialDelayMs: 1, maxDelayMs: 2, random: () => 0.5, budget: false },
    });
    await client.get('/quotes/{symbol}', { params: { symbol: 'AAPL' } });

    const scraped = await fetch(telemetry?.metricsUrl as string);
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    expect(text).toMatch(
      /http_client_request_duration(_seconds)?_count\{[^}]*http_response_status_code="503"[^}]*\} 1/,
    );
    expect(text).toMatch(
      /http_client_request_duration(_seconds)?_count\{[^}]*http_response_status_code="200"[^}]*\} 1/,
    );
    expect(text).toMatch(/kit_rest_retries(_total)?\{[^}]*error_type="server.unavailable"[^}]*\} 1/);

    expect(lines.filter((l) => l.startsWith('otel span GET /v1/quotes/{symbol} CLIENT'))).toHaveLength(2);
    const call = lines.find((l) => l.startsWith('otel span GET /v1/quotes/{symbol} INTERNAL'));
    expect(call).toMatch(/http\.response\.status_code=200 kit\.rest\.attempts=2 /);
    expect((await fetch(`${new URL(telemetry?.metricsUrl as string).origin}/other`)).status).toBe(404);
  });

  it('does nothing when nothing is asked for', async () => {
    expect(await startTelemetry({})).toBeUndefined();
    expect(trace.getTracerProvider().getTracer('x').startSpan('probe').isRecording()).toBe(false);
  });

  it.each([-1, 1.5, 70_000, Number.NaN, '9464' as unknown as number])(
    'refuses the port %s with config.invalid',
    async (port) => {
      const error = await rejection(startTelemetry({ metricsPort: port }));
      expect(isKitError(error) && error.code).toBe('config.invalid');
      expect(isKitError(error) && error.hint).toContain('--metrics-port');
    },
  );

  it('refuses an unknown --otel mode', async () => {
    const error = await rejection(startTelemetry({ otel: 'jaeger' as 'console' }));
    expect(isKitError(error) && error.code).toBe('config.invalid');
    expect(isKitError(error) && error.hint).toContain('console');
  });

  it('a port in use fails with the listen error and registers nothing', async () => {
    const busy = createServer();
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const { port } = busy.address() as AddressInfo;
    try {
      const error = await rejection(startTelemetry({ metricsPort: port }));
      expect((error as { code?: string }).code).toBe('EADDRINUSE');
      // Nothing half-registered: a later start works.
      telemetry = await startTelemetry({ otel: 'console', write: () => {} });
      expect(telemetry).toBeDefined();
    } finally {
      busy.close();
    }
  });
});
