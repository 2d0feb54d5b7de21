import { createManualClock, createWsFaultServer, type WsFaultServer } from '@kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWsClient, type WsClient, type WsStateChange } from '../src/index';
import { countingAuth, nextState, recordStates, waitForState } from './helpers';

let server: WsFaultServer | undefined;
let client: WsClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

describe('ws-client under faults (injected clock)', () => {
  it('detects a half-open server within pingInterval + pongTimeout and reconnects', async () => {
    const clock = createManualClock();
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, clock, random: () => 0, idleTimeoutMs: 60_000 });
    const { states } = recordStates(client);
    client.subscribe('quotes:BTC', { onMessage: () => {} });
    client.connect();
    await client.ready();
    server.connections[0]!.halfOpen();
    const t0 = clock.now();
    const backoff = waitForState(client, 'backoff');
    await clock.advance(10_000 + 5_000);
    const change = (await backoff) as WsStateChange;
    expect(change.error?.code).toBe('timeout.heartbeat');
    expect(clock.now() - t0).toBeLessThanOrEqual(15_000);
    expect(states.slice(0, 4)).toEqual(['connecting', 'subscribing', 'live', 'backoff']);
    const live = waitForState(client, 'live');
    await clock.advance(1);
    await live;
    expect(server.connections).toHaveLength(2);
  });

  it('marks a quiet connection stale after idleTimeoutMs and reconnects', async () => {
    const clock = createManualClock();
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, clock, random: () => 0, pingIntervalMs: 0 });
    const { states, changes } = recordStates(client);
    client.connect();
    await client.ready();
    const backoff = waitForState(client, 'backoff');
    await clock.advance(14_999);
    expect(client.state).toBe('live');
    await clock.advance(1);
    await backoff;
    expect(states.slice(0, 4)).toEqual(['connecting', 'live', 'stale', 'backoff']);
    expect(changes[2]?.error?.code).toBe('timeout.idle');
  });

  it('applies a per-stream idle timeout for streams the venue heartbeats', async () => {
    const clock = createManualClock();
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, clock, pingIntervalMs: 0, idleTimeoutMs: 0 });
    client.subscribe('heartbeat:BTC', { idleTimeoutMs: 3_000, onMessage: () => {} });
    client.connect();
    await client.ready();
    const stale = waitForState(client, 'stale');
    await clock.advance(3_000);
    expect((await stale)?.error?.message).toContain('heartbeat:BTC');
  });

  it('times out a slow handshake after handshakeTimeoutMs', async () => {
    const clock = createManualClock();
    server = await createWsFaultServer({ faults: { acceptDelayMs: 60_000 } });
    client = createWsClient({ url: server.url, clock });
    const backoff = waitForState(client, 'backoff');
    client.connect();
    await clock.advance(10_000);
    expect((await backoff)?.error?.code).toBe('timeout.handshake');
  });

  it('times out an unanswered login after authTimeoutMs', async () => {
    const clock = createManualClock();
    server = await createWsFaultServer({ faults: { ignoreLogin: true } });
    client = createWsClient({ url: server.url, clock, auth: countingAuth() });
    const authenticating = waitForState(client, 'authenticating');
    const backoff = waitForState(client, 'backoff');
    client.connect();
    await authenticating;
    await clock.advance(5_000);
    expect((await backoff)?.error?.code).toBe('timeout.auth_ack');
  });

  it('times out unacknowledged subscriptions after subscribeTimeoutMs', async () => {
    const clock = createManualClock();
    server = await createWsFaultServer({ faults: { ignoreSubscribe: true } });
    client = createWsClient({ url: server.url, clock });
    client.subscribe('quotes:BTC', { onMessage: () => {} });
    const subscribing = waitForState(client, 'subscribing');
    const backoff = waitForState(client, 'backoff');
    client.connect();
    await subscribing;
    await clock.advance(5_000);
    expect((await backoff)?.error?.code).toBe('timeout.subscribe_ack');
  });

  it('waits 1-5 s after 1012 and at least 10 s after 1013', async () => {
    const clock = createManualClock();
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, clock, random: () => 0.5 });
    client.connect();
    await client.ready();
    let backoff = waitForState(client, 'backoff');
    server.connections[0]!.close(1012, 'restarting');
    let change = (await backoff) as WsStateChange;
    expect(change.error?.code).toBe('protocol.ws_server_restart');
    expect(change.closeCode).toBe(1012);
    expect(change.nextDelayMs).toBeGreaterThanOrEqual(1_000);
    expect(change.nextDelayMs).toBeLessThanOrEqual(5_000);
    let live = waitForState(client, 'live');
    await clock.advance(change.nextDelayMs!);
    await live;
    backoff = waitForState(client, 'backoff');
    server.connections[1]!.close(1013, 'overloaded');
    change = (await backoff) as WsStateChange;
    expect(change.error?.code).toBe('protocol.ws_try_again_later');
    expect(change.nextDelayMs).toBeGreaterThanOrEqual(10_000);
    live = waitForState(client, 'live');
    await clock.advance(change.nextDelayMs!);
    await live;
  });

  it.each([
    [1009, 'protocol.ws_message_too_big'],
    [4500, 'protocol.ws_closed'],
    [1002, 'protocol.ws_protocol_error'],
  ])('fails without reconnecting on close %i', async (code, errorCode) => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, random: () => 0 });
    const { states } = recordStates(client);
    const stream = client.subscribe('orders');
    client.connect();
    await client.ready();
    const failed = waitForState(client, 'failed');
    server.connections[0]!.close(code, 'fatal');
    const change = (await failed) as WsStateChange;
    expect(change.error?.code).toBe(errorCode);
    expect(change.closeCode).toBe(code);
    expect(states).toEqual(['connecting', 'subscribing', 'live', 'failed']);
    await expect(stream[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: errorCode });
    await expect(client.ready()).rejects.toMatchObject({ code: errorCode });
    expect(server.connections).toHaveLength(1);
  });

  it('fails on an oversized frame (1009 from the client side) instead of looping', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, maxPayloadBytes: 1024, random: () => 0 });
    client.connect();
    await client.ready();
    const failed = waitForState(client, 'failed');
    server.connections[0]!.sendOversized(4096);
    const error = (await failed)?.error;
    expect(error?.code).toBe('protocol.ws_message_too_big');
    // The limit is named where the failure is reported, so the fix is one search away.
    expect(error?.message).toContain('maxPayloadBytes (1024 bytes');
    expect(error?.hint).toContain('Raise `maxPayloadBytes` (now 1024)');
    expect(error?.details).toEqual({ closedBy: 'client', maxPayloadBytes: 1024 });
    expect(error?.closeCode).toBe(1009);
    expect(server.connections).toHaveLength(1);
  });

  it('says the server refused a message of ours when the server closes with 1009', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, random: () => 0 });
    client.connect();
    await client.ready();
    const failed = waitForState(client, 'failed');
    server.connections[0]!.close(1009, 'message too big');
    const error = (await failed)?.error;
    expect(error?.code).toBe('protocol.ws_message_too_big');
    expect(error?.message).toContain('a message this client sent was larger than the server accepts');
    expect(error?.details).toEqual({ closedBy: 'server', maxPayloadBytes: 16 * 1024 * 1024 });
    expect(error?.closeReason).toBe('message too big');
  });

  it('reconnects on 1000/1001/1006/1011 from the server', async () => {
    server = await createWsFaultServer();
    client = createWsClient({ url: server.url, random: () => 0 });
    const { changes } = recordStates(client);
    client.connect();
    await client.ready();
    const closes: Array<[number, string]> = [
      [1000, 'protocol.ws_normal_close'],
      [1001, 'protocol.ws_going_away'],
      [1011, 'protocol.ws_internal_error'],
    ];
    for (const [index, [code]] of closes.entries()) {
      const live = nextState(client, 'live');
      server.connections[index]!.close(code, 'bye');
      await live;
    }
    const live = nextState(client, 'live');
    server.connections[3]!.terminate();
    await live;
    const backoffs = changes.filter((c) => c.to === 'backoff');
    expect(backoffs.map((c) => c.error?.code)).toEqual([
      ...closes.map(([, c]) => c),
      'protocol.ws_abnormal_close',
    ]);
    expect(backoffs.map((c) => c.closeCode)).toEqual([1000, 1001, 1011, 1006]);
  });
});

describe('ws-client auth rejection', () => {
  it.each([
    ['close-1008', 'protocol.ws_policy_violation'],
    ['close-4001', 'protocol.ws_auth_rejected'],
    ['message', 'protocol.ws_auth_rejected'],
  ] as const)('re-authenticates once after %s, then fails instead of looping', async (rejectAuth, code) => {
    server = await createWsFaultServer({ faults: { rejectAuth } });
    const auth = countingAuth();
    client = createWsClient({ url: server.url, auth, random: () => 0 });
    const { states, changes } = recordStates(client);
    const failed = waitForState(client, 'failed');
    client.connect();
    await failed;
    expect(states).toEqual([
      'connecting',
      'authenticating',
      'backoff',
      'connecting',
      'authenticating',
      'failed',
    ]);
    expect(changes.at(-1)?.error?.code).toBe(code);
    expect(server.connections).toHaveLength(2);
    expect(auth.calls).toBe(2);
    expect(auth.unauthorized).toBe(1);
  });
});

describe('ws-client reconnect timing', () => {
  it('backs off with full jitter, emits degraded after 5 failures and keeps retrying', async () => {
    const clock = createManualClock();
    const probe = await createWsFaultServer();
    const url = probe.url;
    await probe.close();
    client = createWsClient({ url, clock, random: () => 0.999 });
    const { changes } = recordStates(client);
    const degraded: number[] = [];
    client.on('degraded', (e) => degraded.push(e.failures));
    let backoff = nextState(client, 'backoff');
    client.connect();
    for (let i = 0; i < 8; i++) {
      const change = await backoff;
      backoff = nextState(client, 'backoff');
      await clock.advance(change.nextDelayMs!);
    }
    const delays = changes.filter((c) => c.to === 'backoff').map((c) => c.nextDelayMs);
    expect(delays.slice(0, 8)).toEqual([499, 999, 1998, 3996, 7992, 15984, 29970, 29970]);
    expect(changes.find((c) => c.to === 'backoff')?.error?.code).toBe('network.connection_refused');
    expect(degraded).toEqual([5]);
    expect(client.state).not.toBe('failed');
  });

  it('retries fast (0-250 ms) after a stable session and resets the counter only after 5 s live', async () => {
    const clock = createManualClock();
    server = await createWsFaultServer();
    client = createWsClient({
      url: server.url,
      clock,
      random: () => 0.999,
      pingIntervalMs: 0,
      idleTimeoutMs: 0,
    });
    client.connect();
    await client.ready();
    // Unstable: dropped after 1 s live, twice: the counter grows.
    const delays: number[] = [];
    for (let i = 0; i < 2; i++) {
      await clock.advance(1_000);
      const backoff = waitForState(client, 'backoff');
      server.connections[i]!.terminate();
      const change = (await backoff) as WsStateChange;
      delays.push(change.nextDelayMs!);
      const live = waitForState(client, 'live');
      await clock.advance(change.nextDelayMs!);
      await live;
    }
    expect(delays).toEqual([499, 999]);
    await clock.advance(5_000);
    const backoff = waitForState(client, 'backoff');
    server.connections[2]!.terminate();
    expect((await backoff)?.nextDelayMs).toBe(249);
  });
});
