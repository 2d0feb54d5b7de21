// @kit/retry/internal: the timing and cancellation helpers kit's own packages share (auth's token
// endpoint, ws-client's timers and reconnects). Not a public API: anything here may change in any
// release.
export {
  type AbortableSettlers,
  abortableSettlers,
  abortError,
  raceAbort,
  throwIfAborted,
} from './abort-error';
export { startTimer } from './clock-timer';
// The decorrelated formula is in jitter.ts too, but only this package's backoff uses it.
export { equalJitterMs, exponentialCeilingMs, fullJitterMs } from './jitter';
