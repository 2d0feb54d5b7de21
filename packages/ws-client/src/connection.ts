import type { WebSocketConstructor, WebSocketLike } from './web-socket-like';

/** What a {@link Connection} reports. @internal */
export interface ConnectionHandlers {
  onOpen(): void;
  /** A data frame: text, or an ArrayBuffer for binary frames. */
  onFrame(data: string | ArrayBuffer): void;
  onClose(code: number, reason: string): void;
  onError(error: unknown): void;
  onPong(): void;
}

/** Node `ws` options passed as the constructor's third argument (ignored by browsers). @internal */
export interface NodeSocketOptions {
  perMessageDeflate: boolean;
  maxPayload: number;
}

const OPEN = 1;
const noop = () => {};

/**
 * One WebSocket: opens it with the platform's best settings, adapts its events (Node `ws`'s
 * EventEmitter where present: it skips a MessageEvent allocation per frame and exposes pong), and
 * detaches every listener on `dispose()`. @internal
 */
export class Connection {
  readonly #socket: WebSocketLike;
  readonly #detach: Array<() => void> = [];
  #disposed = false;
  /** Resolves when the socket has closed (kept after `dispose()`, for a graceful `close()`). */
  readonly closed: Promise<void>;

  constructor(
    WebSocketImpl: WebSocketConstructor,
    url: string,
    options: NodeSocketOptions,
    handlers: ConnectionHandlers,
  ) {
    const socket = new WebSocketImpl(url, undefined, { ...options });
    this.#socket = socket;
    socket.binaryType = 'arraybuffer';
    let markClosed: () => void = noop;
    this.closed = new Promise<void>((resolve) => {
      markClosed = resolve;
    });
    socket.addEventListener('close', markClosed);
    const on = socket.on?.bind(socket);
    const off = (socket.off ?? (socket as { removeListener?: WebSocketLike['off'] }).removeListener)?.bind(
      socket,
    );
    if (on && off) {
      // Node `ws`: an 'error' with no listener would throw, even after we are done with the socket.
      on('error', noop);
      this.#listen(on, off, 'open', () => handlers.onOpen());
      // Text frames arrive as a Buffer: its own toString() decodes UTF-8 at half the cost of
      // String(buffer), which goes through the generic ToPrimitive path (measurable per message).
      this.#listen(on, off, 'message', (data: unknown, isBinary: boolean) =>
        handlers.onFrame(isBinary ? (data as ArrayBuffer) : (data as { toString(): string }).toString()),
      );
      this.#listen(on, off, 'close', (code: number, reason: unknown) =>
        handlers.onClose(code, String(reason ?? '')),
      );
      let refused = false;
      // A refused upgrade: without this listener `ws` reports only "Unexpected server response:
      // 404", losing the headers (Retry-After). Report the response itself (status and headers, which
      // classifyError reads as an HTTP answer), then abort the handshake; its own error is dropped.
      this.#listen(on, off, 'unexpected-response', (_request: unknown, response: unknown) => {
        refused = true;
        const { statusCode, headers } = response as { statusCode?: number; headers?: object };
        handlers.onError({ status: statusCode, headers: headers ?? {} });
        (response as { resume?: () => void }).resume?.();
        socket.terminate?.();
      });
      this.#listen(on, off, 'error', (error: unknown) => {
        if (!refused) handlers.onError(error);
      });
      this.#listen(on, off, 'pong', () => handlers.onPong());
    } else {
      this.#event('open', () => handlers.onOpen());
      this.#event('message', (event: { data: string | ArrayBuffer }) => handlers.onFrame(event.data));
      this.#event('close', (event: { code: number; reason: string }) =>
        handlers.onClose(event.code, event.reason ?? ''),
      );
      this.#event('error', (event: unknown) => handlers.onError(event));
    }
  }

  /** Whether the platform has protocol pings (Node `ws`). */
  get canPing(): boolean {
    return typeof this.#socket.ping === 'function';
  }

  /** Whether reading can be paused (Node `ws` 8). */
  get canPause(): boolean {
    return typeof this.#socket.pause === 'function' && typeof this.#socket.resume === 'function';
  }

  /** Whether the socket is open. */
  get isOpen(): boolean {
    return this.#socket.readyState === OPEN;
  }

  /** Bytes queued and not yet written. */
  get bufferedAmount(): number {
    return this.#socket.bufferedAmount;
  }

  /** Sends a text frame now. */
  send(text: string): void {
    this.#socket.send(text);
  }

  /** Sends a protocol ping; false when not possible. */
  ping(): boolean {
    if (!this.canPing || !this.isOpen) return false;
    this.#socket.ping?.();
    return true;
  }

  /** Stops reading. */
  pause(): void {
    this.#socket.pause?.();
  }

  /** Resumes reading. */
  resume(): void {
    this.#socket.resume?.();
  }

  /** Starts the close handshake. */
  close(code: number, reason: string): void {
    try {
      this.#socket.close(code, reason);
    } catch {
      this.terminate();
    }
  }

  /** Drops the connection at once (Node), or closes it (browsers have no terminate). */
  terminate(): void {
    if (this.#socket.terminate) this.#socket.terminate();
    else {
      try {
        this.#socket.close(4000, 'terminated');
      } catch {
        // Already closing.
      }
    }
  }

  /** Detaches every listener: nothing more is reported. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const detach of this.#detach.splice(0)) detach();
  }

  #listen(
    on: NonNullable<WebSocketLike['on']>,
    off: NonNullable<WebSocketLike['off']>,
    event: string,
    listener: (...args: never[]) => void,
  ): void {
    on(event, listener);
    this.#detach.push(() => off(event, listener));
  }

  #event<E>(type: string, listener: (event: E) => void): void {
    const wrapped = listener as (event: never) => void;
    this.#socket.addEventListener(type, wrapped);
    this.#detach.push(() => this.#socket.removeEventListener(type, wrapped));
  }
}
