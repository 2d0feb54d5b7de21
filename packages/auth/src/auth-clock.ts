import type { Clock } from '@kit/retry';

/**
 * Time as @kit/auth sees it: @kit/retry's {@link Clock} (`now()` and an abortable `sleep()`), under
 * the name @kit/auth has always exported, so one clock object serves every kit package. Inject one
 * in tests (e.g. @kit/testing's `createManualClock()`); a {@link ServerClock} is one too.
 */
export type AuthClock = Clock;
