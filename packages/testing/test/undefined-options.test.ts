// An option passed as `undefined` means its documented default, for every public option: a test
// that writes `{ seed: process.env.SEED && Number(process.env.SEED) }` unset gets the default.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  createFaultServer,
  createManualClock,
  createTcpFaultProxy,
  createWsFaultServer,
  DEFAULT_MANUAL_CLOCK_OPTIONS,
  type FaultServer,
  type TcpFaultProxy,
  type WsFaultServer,
} from '../src/index';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('createFaultServer with every option undefined', () => {
  it('has no routes (JSON 404), no faults, Idempotency-Key and the body limit', async () => {
    const server: FaultServer = await createFaultServer({
      routes: undefined,
      seed: undefined,
      faults: undefined,
      idempotencyHeader: undefined,
      keepAliveTimeoutMs: undefined,
      maxBodyBytes: undefined,
    });
    cleanups.push(() => server.close());
    const missing = await fetch(`${server.url}/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
    server.route({
      method: 'POST',
      path: '/orders',
      sideEffect: true,
      handler: () => ({ status: 201, json: {} }),
    });
    for (let i = 0; i < 2; i++) {
      await fetch(`${server.url}/orders`, {
        method: 'POST',
        headers: { 'Idempotency-Key': 'k' },
        body: '{}',
      });
    }
    expect(server.sideEffectCount()).toBe(1);
    const tooBig = await fetch(`${server.url}/orders`, { method: 'POST', body: 'x'.repeat(1_048_577) });
    expect(tooBig.status).toBe(413);
  });
});

describe('createWsFaultServer with every option undefined', () => {
  it('speaks the default protocol, needs no login and keeps history', async () => {
    const server: WsFaultServer = await createWsFaultServer({
      seed: undefined,
      faults: undefined,
      defaultProtocol: undefined,
      requireLogin: undefined,
      verifyLogin: undefined,
      onConnection: undefined,
      onSubscribe: undefined,
      onMessage: undefined,
      maxPayloadBytes: undefined,
      historyLimit: undefined,
    });
    cleanups.push(() => server.close());
    const socket = new WebSocket(server.url);
    cleanups.push(() => socket.terminate());
    const frames: unknown[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ op: 'subscribe', channels: ['quotes:X'] }));
    const connection = server.connections[0] ?? (await server.nextConnection());
    await connection.nextMessage((m) => (m as { op?: string }).op === 'subscribe');
    await expect.poll(() => frames).toContainEqual({ op: 'subscribed', channel: 'quotes:X' });
    server.publish('quotes:X', { bid: 1 });
    expect(server.history('quotes:X')).toHaveLength(1);
  });
});

describe('createTcpFaultProxy with every optional field undefined', () => {
  it('listens on 127.0.0.1 on a free port and forwards with no toxics', async () => {
    const api = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
    cleanups.push(() => new Promise((resolve) => api.close(resolve)));
    await new Promise((resolve) => api.once('listening', resolve));
    const proxy: TcpFaultProxy = await createTcpFaultProxy({
      target: { host: undefined, port: (api.address() as AddressInfo).port },
      host: undefined,
      port: undefined,
      seed: undefined,
      toxics: undefined,
    });
    cleanups.push(() => proxy.close());
    expect(proxy.port).toBeGreaterThan(0);
    expect(await (await fetch(`http://127.0.0.1:${proxy.port}/`)).text()).toBe('ok');
    expect(proxy.toxics).toEqual([]);
  });
});

describe('createManualClock with every option undefined', () => {
  it('starts at the default time and rejects an aborted sleep with the signal reason', async () => {
    const clock = createManualClock({ startMs: undefined, abortError: undefined });
    expect(clock.now()).toBe(DEFAULT_MANUAL_CLOCK_OPTIONS.startMs);
    const reason = new Error('stop');
    await expect(clock.sleep(1, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
