import { connect, createServer, type Server, type Socket } from 'node:net';
import { createSeededRandom } from '../shared/seeded-random';
import { type Toxic, type ToxicStream, toxicName, validateToxic } from './tcp-toxics';

/** Options for {@link createTcpFaultProxy}. */
export interface TcpFaultProxyOptions {
  /** Where the proxy forwards to: a loopback host and port (e.g. the sandbox or your test server). */
  target: { host?: string; port: number };
  /** The host the proxy listens on. @default '127.0.0.1' */
  host?: string;
  /** The port the proxy listens on; 0 picks a free one. @default 0 */
  port?: number;
  /** Seed for toxicity draws, jitter and slice sizes: the same seed replays the same faults. @default 1 */
  seed?: number;
  /** Toxics in force from the start. @default [] */
  toxics?: readonly Toxic[];
}

/** Defaults for {@link TcpFaultProxyOptions}. */
export const DEFAULT_TCP_FAULT_PROXY_OPTIONS = {
  host: '127.0.0.1',
  port: 0,
  seed: 1,
} as const;

/** Counters of a running proxy. */
export interface TcpFaultProxyStats {
  /** Connections accepted. */
  accepted: number;
  /** Connections open now. */
  open: number;
  /** Bytes forwarded client -> server. */
  bytesUpstream: number;
  /** Bytes forwarded server -> client. */
  bytesDownstream: number;
  /** How many connections each toxic (by name) was applied to. */
  toxicConnections: Record<string, number>;
}

/** A running TCP fault proxy. */
export interface TcpFaultProxy {
  /** The host the proxy listens on. */
  readonly host: string;
  /** The port the proxy listens on. */
  readonly port: number;
  /** The toxics now in force, in order. */
  readonly toxics: readonly Toxic[];
  /** Adds a toxic (replacing one with the same name and stream); open connections get it at once. */
  addToxic(toxic: Toxic): void;
  /** Removes the toxic with that name (both streams unless `stream` is given). */
  removeToxic(name: string, stream?: ToxicStream): void;
  /** Replaces every toxic. */
  setToxics(toxics: readonly Toxic[]): void;
  /** Stops accepting and closes every connection (toxiproxy's `enabled: false`), or accepts again. */
  setEnabled(enabled: boolean): void;
  /** Resets (RST) every open connection now. */
  resetConnections(): void;
  /** Counters since the start. */
  stats(): TcpFaultProxyStats;
  /** Closes the listener and destroys every connection. */
  close(): Promise<void>;
}

type Sleep = (ms: number) => Promise<void>;
const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

interface ToxicState {
  enabled: boolean;
  timer?: NodeJS.Timeout;
  swallowing: boolean;
}

const stateKey = (toxic: Toxic): string => `${toxic.stream ?? 'downstream'}:${toxicName(toxic)}`;

/** One direction of one proxied connection. */
class Link {
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private running = false;
  private passed = 0;
  private ended = false;
  private lastWriteAt = 0;

  constructor(
    private readonly conn: ProxyConnection,
    readonly stream: ToxicStream,
    private readonly from: Socket,
    private readonly to: Socket,
  ) {
    from.on('data', (chunk: Buffer) => this.push(chunk));
    from.on('end', () => this.onEnd());
  }

  private push(chunk: Buffer): void {
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    if (this.queuedBytes > 256 * 1024) this.from.pause();
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.conn.closed) {
        const chunk = this.queue.shift() as Buffer;
        this.queuedBytes -= chunk.length;
        if (this.queuedBytes <= 256 * 1024 && this.from.isPaused()) this.from.resume();
        await this.deliver(chunk, performance.now());
      }
    } finally {
      this.running = false;
    }
    if (this.ended && this.queue.length === 0) await this.finishEnd();
  }

  private async deliver(chunk: Buffer, arrivedAt: number): Promise<void> {
    let pieces: Buffer[] = [chunk];
    let sliceDelayMs = 0;
    for (const toxic of this.conn.activeToxics(this.stream)) {
      switch (toxic.type) {
        case 'black_hole':
        case 'timeout':
          return; // swallowed
        case 'reset_peer':
          this.conn.reset();
          return;
        case 'slicer':
          pieces = pieces.flatMap((piece) =>
            this.conn.slice(piece, toxic.averageSize, toxic.sizeVariation ?? 0),
          );
          sliceDelayMs = toxic.delayMs ?? 0;
          break;
        case 'latency': {
          const jitter = toxic.jitterMs ? (this.conn.random() * 2 - 1) * toxic.jitterMs : 0;
          // Pipelined: each chunk is due at its own arrival plus the latency, order kept.
          const due = Math.max(arrivedAt + Math.max(0, toxic.latencyMs + jitter), this.lastWriteAt);
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          break;
        }
        default:
          break;
      }
    }
    const bandwidth = this.conn.activeToxics(this.stream).find((t) => t.type === 'bandwidth');
    if (bandwidth) pieces = pieces.flatMap((piece) => this.conn.slice(piece, 1024, 0));
    const limit = this.conn.activeToxics(this.stream).find((t) => t.type === 'limit_data');
    for (let i = 0; i < pieces.length; i++) {
      if (this.conn.closed) return;
      const piece = pieces[i] as Buffer;
      if (bandwidth && bandwidth.type === 'bandwidth') await this.pace(piece.length, bandwidth.rateKBps);
      if (this.conn.closed) return;
      if (limit && limit.type === 'limit_data') {
        const room = limit.bytes - this.passed;
        if (piece.length >= room) {
          if (room > 0) this.write(piece.subarray(0, room));
          this.conn.end();
          return;
        }
      }
      this.write(piece);
      if (sliceDelayMs > 0 && i < pieces.length - 1) await sleep(sliceDelayMs);
    }
    this.lastWriteAt = performance.now();
  }

  private paceFreeAt = 0;

  /** Waits until `bytes` may leave at `rateKBps` (the time they take on the wire), back to back. */
  private async pace(bytes: number, rateKBps: number): Promise<void> {
    const now = performance.now();
    this.paceFreeAt = Math.max(now, this.paceFreeAt) + bytes / rateKBps;
    const wait = this.paceFreeAt - now;
    if (wait > 1) await sleep(wait);
  }

  private write(piece: Buffer): void {
    this.passed += piece.length;
    this.conn.countBytes(this.stream, piece.length);
    if (!this.to.destroyed && this.to.writable) this.to.write(piece);
  }

  private onEnd(): void {
    this.ended = true;
    if (!this.running) void this.finishEnd();
  }

  private async finishEnd(): Promise<void> {
    if (this.conn.closed) return;
    const toxics = this.conn.activeToxics(this.stream);
    // A swallowing toxic keeps the other side open: the peer must see silence, not a FIN.
    if (toxics.some((t) => t.type === 'black_hole' || t.type === 'timeout')) return;
    const slow = toxics.find((t) => t.type === 'slow_close');
    if (slow && slow.type === 'slow_close' && slow.delayMs > 0) await sleep(slow.delayMs);
    if (!this.to.destroyed) this.to.end();
    this.conn.halfClosed();
  }
}

/** One proxied connection: the client socket, the upstream socket and the toxic states. */
class ProxyConnection {
  closed = false;
  private readonly states = new Map<string, ToxicState>();
  private halfCloses = 0;

  constructor(
    private readonly proxy: ProxyCore,
    readonly client: Socket,
    readonly upstream: Socket,
  ) {
    new Link(this, 'upstream', client, upstream);
    new Link(this, 'downstream', upstream, client);
    const onError = (): void => this.destroy();
    client.on('error', onError);
    upstream.on('error', onError);
    client.on('close', () => this.destroy());
    // Both sockets are half-open capable, so a 'close' only comes after both directions ended
    // (or an error): the links decide when an end is passed on.
    upstream.on('close', () => this.destroy());
    this.refresh();
  }

  random(): number {
    return this.proxy.random();
  }

  /** Decides toxicity for toxics this connection has not seen yet and starts their timers. */
  refresh(): void {
    const current = new Set<string>();
    for (const toxic of this.proxy.toxics) {
      const key = stateKey(toxic);
      current.add(key);
      if (this.states.has(key)) continue;
      const enabled = (toxic.toxicity ?? 1) >= 1 || this.proxy.random() < (toxic.toxicity ?? 1);
      const state: ToxicState = { enabled, swallowing: false };
      this.states.set(key, state);
      if (!enabled) continue;
      this.proxy.countToxic(toxicName(toxic));
      if (toxic.type === 'reset_peer') {
        if (!toxic.timeoutMs) this.reset();
        else state.timer = setTimeout(() => this.reset(), toxic.timeoutMs).unref();
      } else if (toxic.type === 'timeout' || (toxic.type === 'black_hole' && toxic.timeoutMs)) {
        state.timer = setTimeout(() => this.destroy(), toxic.timeoutMs).unref();
      }
    }
    for (const [key, state] of this.states) {
      if (current.has(key)) continue;
      if (state.timer) clearTimeout(state.timer);
      this.states.delete(key);
    }
  }

  activeToxics(stream: ToxicStream): Toxic[] {
    return this.proxy.toxics.filter(
      (toxic) =>
        (toxic.stream ?? 'downstream') === stream && this.states.get(stateKey(toxic))?.enabled === true,
    );
  }

  slice(piece: Buffer, average: number, variation: number): Buffer[] {
    const out: Buffer[] = [];
    let offset = 0;
    while (offset < piece.length) {
      const size = Math.max(1, Math.round(average + (this.random() * 2 - 1) * variation));
      out.push(piece.subarray(offset, offset + size));
      offset += size;
    }
    return out;
  }

  countBytes(stream: ToxicStream, bytes: number): void {
    this.proxy.countBytes(stream, bytes);
  }

  halfClosed(): void {
    this.halfCloses += 1;
    if (this.halfCloses >= 2) this.destroy();
  }

  end(): void {
    if (this.closed) return;
    this.client.end();
    this.upstream.end();
    this.destroy();
  }

  reset(): void {
    if (this.closed) return;
    this.client.resetAndDestroy();
    this.upstream.resetAndDestroy();
    this.destroy();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    for (const state of this.states.values()) if (state.timer) clearTimeout(state.timer);
    // end() first so an `end()` above can flush; destroy after the current tick.
    setImmediate(() => {
      this.client.destroy();
      this.upstream.destroy();
    });
    this.proxy.forget(this);
  }
}

interface ProxyCore {
  readonly toxics: readonly Toxic[];
  random(): number;
  countToxic(name: string): void;
  countBytes(stream: ToxicStream, bytes: number): void;
  forget(connection: ProxyConnection): void;
}

/**
 * Starts an in-process TCP proxy that injects network faults between a client and a server, with
 * toxiproxy's toxics (latency with jitter, bandwidth, slow close, a black hole that keeps both
 * sockets open, reset peer, slicer, limit data), per direction, with a seeded per-connection
 * probability, changeable at run time. Toxiproxy itself cannot be installed everywhere; this needs
 * only Node.
 *
 * @example
 * ```ts
 * const proxy = await createTcpFaultProxy({ target: { port: server.port } });
 * proxy.addToxic({ type: 'latency', latencyMs: 50, jitterMs: 10 });
 * // point the client at 127.0.0.1:proxy.port ...
 * proxy.addToxic({ name: 'hole', type: 'black_hole' }); // a half-open peer from now on
 * await proxy.close();
 * ```
 */
export async function createTcpFaultProxy(options: TcpFaultProxyOptions): Promise<TcpFaultProxy> {
  if (!options || typeof options.target?.port !== 'number') {
    throw new TypeError('createTcpFaultProxy: target.port is required');
  }
  const host = options.host ?? DEFAULT_TCP_FAULT_PROXY_OPTIONS.host;
  const targetHost = options.target.host ?? '127.0.0.1';
  const random = createSeededRandom(options.seed ?? DEFAULT_TCP_FAULT_PROXY_OPTIONS.seed);
  let toxics: Toxic[] = [];
  const connections = new Set<ProxyConnection>();
  let enabled = true;
  const counters = { accepted: 0, bytesUpstream: 0, bytesDownstream: 0 };
  const toxicConnections: Record<string, number> = {};

  const core: ProxyCore = {
    get toxics() {
      return toxics;
    },
    random,
    countToxic: (name) => {
      toxicConnections[name] = (toxicConnections[name] ?? 0) + 1;
    },
    countBytes: (stream, bytes) => {
      if (stream === 'upstream') counters.bytesUpstream += bytes;
      else counters.bytesDownstream += bytes;
    },
    forget: (connection) => connections.delete(connection),
  };

  const setAll = (next: readonly Toxic[]): void => {
    for (const toxic of next) validateToxic(toxic);
    toxics = [...next];
    for (const connection of connections) connection.refresh();
  };
  setAll(options.toxics ?? []);

  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    if (!enabled) {
      client.destroy();
      return;
    }
    counters.accepted += 1;
    client.pause();
    const upstream = connect({ host: targetHost, port: options.target.port, allowHalfOpen: true });
    upstream.pause();
    const connection = new ProxyConnection(core, client, upstream);
    connections.add(connection);
    upstream.once('connect', () => {
      client.resume();
      upstream.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_TCP_FAULT_PROXY_OPTIONS.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    host,
    port,
    get toxics() {
      return toxics;
    },
    addToxic(toxic) {
      const key = stateKey(toxic);
      setAll([...toxics.filter((t) => stateKey(t) !== key), toxic]);
    },
    removeToxic(name, stream) {
      setAll(
        toxics.filter(
          (t) => toxicName(t) !== name || (stream !== undefined && (t.stream ?? 'downstream') !== stream),
        ),
      );
    },
    setToxics: setAll,
    setEnabled(next) {
      enabled = next;
      if (!next) for (const connection of [...connections]) connection.end();
    },
    resetConnections() {
      for (const connection of [...connections]) connection.reset();
    },
    stats: () => ({ ...counters, open: connections.size, toxicConnections: { ...toxicConnections } }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of [...connections]) connection.destroy();
        server.close(() => resolve());
      }),
  };
}
