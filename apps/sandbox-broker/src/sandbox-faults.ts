import type { WsStreamFaults } from './ws/stream-types';

/** A fault that happens with a seeded probability in `[0, 1]`. */
export interface ProbabilityFault {
  readonly probability: number;
}

/** The HTTP faults (see README, "Faults"). Each applies per request, drawn from the seeded source. */
export interface SandboxHttpFaults {
  /** Waits a seeded uniform `[minMs, maxMs]` before answering (a high `maxMs` makes spikes). */
  readonly latency?: { readonly probability: number; readonly minMs: number; readonly maxMs: number };
  /** 500 `INTERNAL` or 503 `UNAVAILABLE` (even odds), before the handler. */
  readonly serverError?: ProbabilityFault;
  /** Starts a run of `length` 429 `RATE_LIMITED` answers with `Retry-After: retryAfterSeconds`. */
  readonly rateLimitBurst?: {
    readonly probability: number;
    readonly length: number;
    readonly retryAfterSeconds: number;
  };
  /** The socket is reset before the handler ran (nothing happened). */
  readonly resetBefore?: ProbabilityFault;
  /** The handler ran (its side effect happened), then the socket is reset. */
  readonly resetAfter?: ProbabilityFault;
  /** The full `Content-Length` is announced, half the body sent, then the socket closed. */
  readonly truncated?: ProbabilityFault;
  /** A JSON content type with a body that is not JSON. */
  readonly malformed?: ProbabilityFault;
  /** A proxy's HTML error page (status 502 unless given), before the handler. */
  readonly htmlError?: { readonly probability: number; readonly status?: number };
  /** Renamed and new fields in the JSON answer. */
  readonly drift?: ProbabilityFault;
  /** `POST /v1/orders` only: the order is committed, then the socket destroyed. */
  readonly responseLost?: ProbabilityFault;
  /**
   * `POST /v1/orders` only: 503 `EXECUTION_UNKNOWN`; the order is created first with
   * `createdProbability` (default 0.5), else not.
   */
  readonly executionUnknown?: { readonly probability: number; readonly createdProbability?: number };
  /** Limits HTTP faults to these routes: `'POST /v1/orders'`, `'GET /v1/orders/:id'`, `'* /v1/*'`. @default every /v1 route */
  readonly match?: readonly string[];
}

/** The WebSocket faults (implemented by the stream). */
export type SandboxWsFaults = WsStreamFaults;

/** Every fault switch: `profile` picks a mix, `faults` overrides it per group and kind. */
export interface SandboxFaults {
  readonly http?: SandboxHttpFaults;
  readonly ws?: SandboxWsFaults;
}
