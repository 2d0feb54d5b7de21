/**
 * The WebSocket surface the client uses: the WHATWG API every platform has, plus the optional
 * Node `ws` extras (`ping`, `terminate`, `pause`, `resume`, `on`) used when present. Declared
 * structurally so the package's types never depend on `ws` or the DOM typings.
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Bytes queued by `send()` and not yet written to the network. */
  readonly bufferedAmount: number;
  /** How binary frames are delivered; the client sets `'arraybuffer'`. */
  binaryType: string;
  /** Sends a text frame. */
  send(data: string): void;
  /** Starts the close handshake. */
  close(code?: number, reason?: string): void;
  /** WHATWG event subscription (`open`, `message`, `close`, `error`). */
  addEventListener(type: string, listener: (event: never) => void): void;
  /** WHATWG event unsubscription. */
  removeEventListener(type: string, listener: (event: never) => void): void;
  /** Node `ws`: sends a protocol ping. */
  ping?: () => void;
  /** Node `ws`: destroys the socket at once, without a close handshake. */
  terminate?: () => void;
  /** Node `ws` 8: stops reading from the socket (backpressure). */
  pause?: () => void;
  /** Node `ws` 8: resumes reading. */
  resume?: () => void;
  /** Node `ws`: EventEmitter subscription (used for `pong`, `message` and `error`). */
  on?: (event: string, listener: (...args: never[]) => void) => unknown;
  /** Node `ws`: EventEmitter unsubscription. */
  off?: (event: string, listener: (...args: never[]) => void) => unknown;
}

/**
 * A WebSocket constructor: the browser's global `WebSocket`, Node `ws`'s `WebSocket`, or a test
 * double. The third argument carries Node-only options (`perMessageDeflate`, `maxPayload`) and is
 * ignored by browsers.
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: Record<string, unknown>,
) => WebSocketLike;
