import type { Clock } from './clock';
import { startTimer } from './clock-timer';
import type { AttemptContext as AttemptContextFields } from './retry-policy-options';
import { sleep } from './sleep';

/** Longest delay `setTimeout` honours; beyond it Node fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Builds the reason an attempt aborts with when its timer fires (the attempt timeout or the
 * deadline): called only then, so nothing is built on the success path.
 *
 * @internal
 */
export interface AttemptTimeoutSource {
  timeoutReason(): unknown;
}

/** Where the next {@link AttemptRun.start} puts its promise's resolvers (see {@link captureResolvers}). */
let capturing: AttemptRun<unknown> | undefined;

/**
 * The executor of every attempt's promise: it hands the resolvers to the run being started, so no
 * executor closure is allocated per attempt. `new Promise` calls its executor synchronously, so the
 * module variable is only ever read by the `start` that set it.
 */
function captureResolvers(resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
  const run = capturing as AttemptRun<unknown>;
  run.resolveRun = resolve;
  run.rejectRun = reject;
}

/** A `setTimeout` callback that needs no closure: the run comes as the timer's argument. */
function fireTimer(run: AttemptRun<unknown>): void {
  run.timerFired();
}

/**
 * Calls the operation on the next microtask, never synchronously inside `execute` (callers and
 * their tests may rely on `execute` returning before the operation starts), and settles the run
 * with its outcome. An async function, not `.then` callbacks: nothing is allocated per attempt but
 * the function's own promise.
 */
async function invoke<T, C>(run: AttemptRun<T>, fn: (ctx: C) => T | PromiseLike<T>, ctx: C): Promise<void> {
  await undefined;
  let value: T;
  try {
    value = await fn(ctx);
  } catch (error) {
    run.settle(false, error);
    return;
  }
  run.settle(true, value);
}

/**
 * One attempt: its abort side, its single timer, the listener on the caller's signal and the
 * promise the policy awaits, in one object (no closure per attempt on the system clock).
 *
 * - The attempt's signal is created only when someone reads it (AbortSignals are among the
 *   costliest objects on the success path: Node 20 builds each with `Object.setPrototypeOf`); when
 *   the attempt has no timer, the caller's signal is its only source and is handed out as it is. A
 *   signal first read after the attempt aborted is created aborted, with the same reason.
 * - The attempt aborts when the caller's signal does (with its reason) or when the timer fires (with
 *   the reason its {@link AttemptTimeoutSource} builds then). Either way the promise rejects at
 *   once, even when the operation ignores its signal; the operation's later settlement is ignored.
 * - The timer and the listener are removed as soon as the attempt ends, so a long-lived caller
 *   signal never accumulates listeners.
 *
 * It is its own `abort` listener (`handleEvent`), so listening costs no function either.
 *
 * @internal
 */
export class AttemptRun<T> {
  /** The promise's resolvers, set by {@link captureResolvers}. @internal */
  resolveRun: (value: T) => void = noop;
  /** @internal */
  rejectRun: (reason: unknown) => void = noop;
  readonly #source: AttemptTimeoutSource;
  readonly #userSignal: AbortSignal | undefined;
  #controller: AbortController | undefined;
  /** No timer: the caller's signal (if any) is the attempt's signal. */
  #untimed = false;
  #aborted = false;
  #settled = false;
  #reason: unknown;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #cancelTimer: (() => void) | undefined;

  constructor(source: AttemptTimeoutSource, userSignal: AbortSignal | undefined) {
    this.#source = source;
    this.#userSignal = userSignal;
  }

  /** Whether the attempt was aborted (timeout, deadline or the caller). */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** The attempt's signal, created on first use (or the caller's, when it is the only source). */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      if (this.#untimed && this.#userSignal !== undefined) return this.#userSignal;
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /**
   * Starts the attempt: arms the timer (`timeoutMs` on `clock`; none when it is infinite), listens
   * on the caller's signal, then calls `fn(ctx)` on the next microtask. Resolves or rejects with
   * the operation's outcome, or rejects with the abort reason as soon as the attempt aborts.
   */
  start<C>(clock: Clock, timeoutMs: number, fn: (ctx: C) => T | PromiseLike<T>, ctx: C): Promise<T> {
    capturing = this as AttemptRun<unknown>;
    const promise = new Promise<T>(captureResolvers as (resolve: (value: T) => void) => void);
    capturing = undefined;
    const userSignal = this.#userSignal;
    if (userSignal?.aborted) {
      this.#abort(userSignal.reason);
      return promise;
    }
    if (clock.sleep === sleep) {
      // A wait too long for setTimeout (e.g. Infinity) never fires: better than firing at once.
      if (timeoutMs <= MAX_TIMER_MS)
        this.#timer = setTimeout(fireTimer, Math.max(0, timeoutMs), this as AttemptRun<unknown>);
      else this.#untimed = true;
    } else if (Number.isFinite(timeoutMs)) {
      this.#cancelTimer = startTimer(clock, timeoutMs, () => this.timerFired());
    } else {
      this.#untimed = true;
    }
    userSignal?.addEventListener('abort', this);
    void invoke(this, fn, ctx);
    return promise;
  }

  /** The caller's signal aborted. @internal */
  handleEvent(): void {
    this.#abort((this.#userSignal as AbortSignal).reason);
  }

  /** The timer fired. @internal */
  timerFired(): void {
    if (this.#settled) return;
    this.#abort(this.#source.timeoutReason());
  }

  /** The operation settled: `ok` with its value, else with its error. Ignored once aborted. @internal */
  settle(ok: boolean, outcome: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#cleanup();
    if (ok) this.resolveRun(outcome as T);
    else this.rejectRun(outcome);
  }

  #abort(reason: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#cleanup();
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    this.rejectRun(reason);
  }

  #cleanup(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#cancelTimer?.();
    this.#userSignal?.removeEventListener('abort', this);
  }
}

function noop(): void {}

/** The `signal` property of every {@link AttemptContext}: one descriptor, one getter. */
const SIGNAL_PROPERTY: PropertyDescriptor = {
  get(this: AttemptContext): AbortSignal {
    return AttemptContext.signalOf(this);
  },
  enumerable: true,
};

/**
 * The context the operation is given: an `AttemptContext` (the class is named after the public
 * interface, which is what `util.inspect` shows). `signal` is an own, enumerable getter, so
 * spreading or logging the context still shows the signal, and the attempt's signal is created on
 * its first read. A class with the getter defined from one shared descriptor, not an object literal
 * with `get signal()`: V8 builds a literal with an accessor on its slow path, at several times the
 * cost of everything else the context needs.
 *
 * @internal
 */
export class AttemptContext implements AttemptContextFields {
  declare readonly attempt: number;
  declare readonly signal: AbortSignal;
  declare readonly deadlineAt: number;
  declare readonly timeLeftMs: number;
  declare readonly attemptTimeoutMs: number;
  readonly #run: AttemptRun<unknown>;

  constructor(
    run: AttemptRun<unknown>,
    attempt: number,
    deadlineAt: number,
    timeLeftMs: number,
    attemptTimeoutMs: number,
  ) {
    this.#run = run;
    this.attempt = attempt;
    Object.defineProperty(this, 'signal', SIGNAL_PROPERTY);
    this.deadlineAt = deadlineAt;
    this.timeLeftMs = timeLeftMs;
    this.attemptTimeoutMs = attemptTimeoutMs;
  }

  /** The signal of the attempt `ctx` belongs to. @internal */
  static signalOf(ctx: AttemptContext): AbortSignal {
    return ctx.#run.signal;
  }
}
